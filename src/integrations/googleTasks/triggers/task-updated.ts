// GOOGLE_TASKS_TRIGGER_TASK_UPDATED (polling): Trigger when a task in a task list in Google Tasks is created or changed. See tasks.ts.
import { defineTrigger } from '../../../sdk/index.js';
import { TASKS_LIST_DOCS, type TasksParams } from '../api.js';
import { taskExample } from '../fixtures/examples.js';
import { tasklistParameter } from './parameters.js';
import { tasksSource } from './tasks.js';

export const taskUpdated = defineTrigger<TasksParams>({
  type: 'GOOGLE_TASKS_TRIGGER_TASK_UPDATED',
  title: 'Task Updated',
  description: 'Trigger when a task in a task list in Google Tasks is created or changed.',
  parameters: [tasklistParameter],
  examplePayload: taskExample,
  docsUrl: TASKS_LIST_DOCS,
  source: tasksSource('updated'),
});
