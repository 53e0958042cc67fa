import { defineTrigger } from '../../../sdk/index.js';
import taskUpdated from '../fixtures/task-updated.json' with { type: 'json' };
import { clickupWebhook, type ClickUpParams } from '../webhooks.js';
import { clickupParameters } from './params.js';

export const taskUpdatedTrigger = defineTrigger<ClickUpParams>({
  type: 'CLICKUP_TRIGGER_TASK_UPDATED',
  title: 'Task updated',
  description:
    'Fires when a task is changed (name, description, custom fields, …) — ClickUp `taskUpdated`. Delivers the webhook body; `history_items[]` say which field changed (`field`) with `before` and `after`. ClickUp does not send it for an attachment added to the task itself.',
  parameters: clickupParameters,
  examplePayload: taskUpdated,
  docsUrl: 'https://developer.clickup.com/docs/webhooktaskpayloads',
  source: clickupWebhook('taskUpdated'),
});
