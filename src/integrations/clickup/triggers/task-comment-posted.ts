import { defineTrigger } from '../../../sdk/index.js';
import taskCommentPosted from '../fixtures/task-comment-posted.json' with { type: 'json' };
import { clickupWebhook, type ClickUpParams } from '../webhooks.js';
import { clickupParameters } from './params.js';

export const taskCommentPostedTrigger = defineTrigger<ClickUpParams>({
  type: 'CLICKUP_TRIGGER_TASK_COMMENT_POSTED',
  title: 'Task comment posted',
  description:
    'Fires when a comment is added to a task — ClickUp `taskCommentPosted`. Delivers the webhook body; `history_items[].comment` is the comment (`id`, `text_content`, `comment` blocks, `user`).',
  parameters: clickupParameters,
  examplePayload: taskCommentPosted,
  docsUrl: 'https://developer.clickup.com/docs/webhooktaskpayloads',
  source: clickupWebhook('taskCommentPosted'),
});
