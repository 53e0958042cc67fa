import { defineTrigger } from '../../../sdk/index.js';
import taskStatusUpdated from '../fixtures/task-status-updated.json' with { type: 'json' };
import { clickupWebhook, type ClickUpParams } from '../webhooks.js';
import { clickupParameters } from './params.js';

export const taskStatusUpdatedTrigger = defineTrigger<ClickUpParams>({
  type: 'CLICKUP_TRIGGER_TASK_STATUS_UPDATED',
  title: 'Task status updated',
  description:
    "Fires when a task's status changes — ClickUp `taskStatusUpdated`; ClickUp also sends it when a task is created (its first status). Delivers the webhook body; the `status` history item has the old and new status in `before` and `after`.",
  parameters: clickupParameters,
  examplePayload: taskStatusUpdated,
  docsUrl: 'https://developer.clickup.com/docs/webhooktaskpayloads',
  source: clickupWebhook('taskStatusUpdated'),
});
