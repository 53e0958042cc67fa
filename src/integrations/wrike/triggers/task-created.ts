import taskCreated from '../fixtures/task-created.json' with { type: 'json' };
import { webhookTrigger } from './factory.js';

export const taskCreatedTrigger = webhookTrigger({
  type: 'WRIKE_TRIGGER_TASK_CREATED',
  title: 'Task created',
  description:
    'Fires when a task is created in the folder or project (and its subfolders with `recursive`) — Wrike webhook event `TaskCreated`. Delivers `{event: {taskId, webhookId, eventAuthorId, eventType: "TaskCreated", lastUpdatedDate}, task}` where `task` is the task read back from GET /tasks/{taskId} (`id`, `title`, `status`, `importance`, `parentIds`, `permalink`, …).',
  eventType: 'TaskCreated',
  examplePayload: taskCreated,
});
