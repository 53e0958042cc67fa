// GOOGLE_TASKS_TRIGGER_TASK_CREATED (polling): Trigger when a new task is added to a task list in Google Tasks. See tasks.ts.
import { defineTrigger } from '../../../sdk/index.js';
import { TASKS_LIST_DOCS, type TasksParams } from '../api.js';
import { taskExample } from '../fixtures/examples.js';
import { tasklistParameter } from './parameters.js';
import { tasksSource } from './tasks.js';

export const taskCreated = defineTrigger<TasksParams>({
  type: 'GOOGLE_TASKS_TRIGGER_TASK_CREATED',
  title: 'Task Created',
  description: 'Trigger when a new task is added to a task list in Google Tasks.',
  parameters: [tasklistParameter],
  examplePayload: taskExample,
  docsUrl: TASKS_LIST_DOCS,
  source: tasksSource('created'),
});
