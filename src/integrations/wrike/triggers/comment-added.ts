import commentAdded from '../fixtures/comment-added.json' with { type: 'json' };
import { webhookTrigger } from './factory.js';

export const commentAddedTrigger = webhookTrigger({
  type: 'WRIKE_TRIGGER_COMMENT_ADDED',
  title: 'Comment added',
  description:
    'Fires when a comment is added to a task of the folder or project — Wrike webhook event `CommentAdded`. Delivers `{event: {taskId, commentId, eventAuthorId, eventType: "CommentAdded", lastUpdatedDate, …}, comment}` where `comment` is the comment read back from GET /comments/{commentId} (`id`, `authorId`, `text` (HTML), `createdDate`, `taskId`).',
  eventType: 'CommentAdded',
  examplePayload: commentAdded,
});
