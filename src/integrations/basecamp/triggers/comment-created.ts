import commentCreated from '../fixtures/comment-created.json' with { type: 'json' };
import { projectIdParameter } from '../webhooks.js';
import { webhookTrigger } from './factory.js';

export const commentCreatedTrigger = webhookTrigger({
  type: 'BASECAMP_TRIGGER_COMMENT_CREATED',
  title: 'Comment added',
  description:
    'Fires when a comment is added to anything in the project — a to-do, a message, a document, … (webhook type `Comment`, event `comment_created`). Delivers `{id, kind: "comment_created", created_at, recording: {id, content (HTML), type: "Comment", parent: {id, title, type} (what was commented on), bucket, creator, …}, creator}`.',
  parameters: [projectIdParameter],
  recordingType: 'Comment',
  kind: 'comment_created',
  keyBy: 'recording',
  examplePayload: commentCreated,
});
