// GOOGLE_TASKS_TRIGGER_TASK_DELETED (polling): Trigger when a task is deleted from a task list in Google Tasks. See tasks.ts.
import { defineTrigger } from '../../../sdk/index.js';
import { TASKS_LIST_DOCS, type TasksParams } from '../api.js';
import { deletedTaskExample } from '../fixtures/examples.js';
import { tasklistParameter } from './parameters.js';
import { tasksSource } from './tasks.js';

export const taskDeleted = defineTrigger<TasksParams>({
  type: 'GOOGLE_TASKS_TRIGGER_TASK_DELETED',
  title: 'Task Deleted',
  description: 'Trigger when a task is deleted from a task list in Google Tasks.',
  parameters: [tasklistParameter],
  examplePayload: deletedTaskExample,
  docsUrl: TASKS_LIST_DOCS,
  source: tasksSource('deleted'),
});
