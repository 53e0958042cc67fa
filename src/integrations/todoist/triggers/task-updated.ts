import example from '../fixtures/item-updated.json' with { type: 'json' };
import { todoistTrigger } from './event-trigger.js';

export const taskUpdated = todoistTrigger({
  type: 'TODOIST_TRIGGER_TASK_UPDATED',
  title: 'Task Updated',
  description:
    'Trigger when a task is changed (item:updated), optionally only in one project. For changes made by the user directly, ' +
    'event_data_extra carries old_item (the task before) and update_intent.',
  eventName: 'item:updated',
  examplePayload: example,
  projectFilter: true,
});
