import taskStatusChanged from '../fixtures/task-status-changed.json' with { type: 'json' };
import { webhookTrigger } from './factory.js';

export const taskStatusChangedTrigger = webhookTrigger({
  type: 'WRIKE_TRIGGER_TASK_STATUS_CHANGED',
  title: 'Task status changed',
  description:
    'Fires each time a task of the folder or project changes status — Wrike webhook event `TaskStatusChanged`. Delivers `{event: {taskId, oldStatus, status, oldCustomStatusId, customStatusId, eventAuthorId, lastUpdatedDate, …}, task}` where `task` is the task as it is when read back.',
  eventType: 'TaskStatusChanged',
  examplePayload: taskStatusChanged,
});
