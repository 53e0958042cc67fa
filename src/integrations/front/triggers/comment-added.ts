import example from '../fixtures/event-comment.json' with { type: 'json' };
import { frontEventTrigger } from './event-trigger.js';

export const commentAddedTrigger = frontEventTrigger({
  type: 'FRONT_TRIGGER_COMMENT_ADDED',
  frontType: 'comment',
  title: 'Comment added',
  description: 'Fires once for each internal comment a teammate posts on a conversation; `target.data` is the comment.',
  example,
});
