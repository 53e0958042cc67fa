import example from '../fixtures/item-completed.json' with { type: 'json' };
import { todoistTrigger } from './event-trigger.js';

export const taskCompleted = todoistTrigger({
  type: 'TODOIST_TRIGGER_TASK_COMPLETED',
  title: 'Task Completed',
  description: 'Trigger when a task is completed (item:completed), optionally only in one project.',
  eventName: 'item:completed',
  examplePayload: example,
  projectFilter: true,
});
