import { defineTrigger } from '../../../sdk/index.js';
import taskDeleted from '../fixtures/task-deleted.json' with { type: 'json' };
import { clickupWebhook, type ClickUpParams } from '../webhooks.js';
import { clickupParameters } from './params.js';

export const taskDeletedTrigger = defineTrigger<ClickUpParams>({
  type: 'CLICKUP_TRIGGER_TASK_DELETED',
  title: 'Task deleted',
  description:
    'Fires when a task is deleted — ClickUp `taskDeleted`. Delivers the webhook body, which is only `{event, task_id, webhook_id}` (ClickUp sends no history items and no task details for a deletion).',
  parameters: clickupParameters,
  examplePayload: taskDeleted,
  docsUrl: 'https://developer.clickup.com/docs/webhooktaskpayloads',
  source: clickupWebhook('taskDeleted'),
});
