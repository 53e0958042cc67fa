import { linearEvents } from '../fixtures/events.js';
import { linearEntityTrigger } from './factory.js';

export const commentCreated = linearEntityTrigger({
  type: 'LINEAR_TRIGGER_COMMENT_CREATED',
  title: 'Comment created',
  description: 'Fires when a comment is added to an issue. Delivers the Linear webhook body: data is the comment, with its issue.',
  resourceType: 'Comment',
  action: 'create',
  examplePayload: linearEvents.commentCreated,
});
