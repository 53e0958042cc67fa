import example from '../fixtures/item-added.json' with { type: 'json' };
import { todoistTrigger } from './event-trigger.js';

export const taskCreated = todoistTrigger({
  type: 'TODOIST_TRIGGER_TASK_CREATED',
  title: 'Task Created',
  description: 'Trigger when a task is added (item:added), optionally only in one project.',
  eventName: 'item:added',
  examplePayload: example,
  projectFilter: true,
});
