// GOOGLE_TASKS_TRIGGER_TASK_COMPLETED (polling): Trigger when a task in a task list in Google Tasks is marked completed. See tasks.ts.
import { defineTrigger } from '../../../sdk/index.js';
import { TASKS_LIST_DOCS, type TasksParams } from '../api.js';
import { completedTaskExample } from '../fixtures/examples.js';
import { tasklistParameter } from './parameters.js';
import { tasksSource } from './tasks.js';

export const taskCompleted = defineTrigger<TasksParams>({
  type: 'GOOGLE_TASKS_TRIGGER_TASK_COMPLETED',
  title: 'Task Completed',
  description: 'Trigger when a task in a task list in Google Tasks is marked completed.',
  parameters: [tasklistParameter],
  examplePayload: completedTaskExample,
  docsUrl: TASKS_LIST_DOCS,
  source: tasksSource('completed'),
});
