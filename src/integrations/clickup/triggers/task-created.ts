import { defineTrigger } from '../../../sdk/index.js';
import taskCreated from '../fixtures/task-created.json' with { type: 'json' };
import { clickupWebhook, type ClickUpParams } from '../webhooks.js';
import { clickupParameters } from './params.js';

export const taskCreatedTrigger = defineTrigger<ClickUpParams>({
  type: 'CLICKUP_TRIGGER_TASK_CREATED',
  title: 'Task created',
  description:
    'Fires when a task is created in the Workspace (or the given Space, Folder or List) — ClickUp `taskCreated`. Delivers the webhook body: `{event, task_id, webhook_id, history_items}`; `history_items[].parent_id` is the List the task was created in.',
  parameters: clickupParameters,
  examplePayload: taskCreated,
  docsUrl: 'https://developer.clickup.com/docs/webhooktaskpayloads',
  source: clickupWebhook('taskCreated'),
});
