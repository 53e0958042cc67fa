// The one parameter every Google Tasks trigger takes: the task list to watch.
import type { ParameterDefinition } from '../../../sdk/index.js';
import { DEFAULT_TASKLIST, validateTasklist } from '../api.js';

export const tasklistParameter: ParameterDefinition = {
  id: 'tasklist',
  title: 'Task list',
  type: 'TEXT',
  required: false,
  defaultValue: DEFAULT_TASKLIST,
  description: 'The task list id (from tasklists.list), or "@default" for the user\'s default list.',
  placeholder: DEFAULT_TASKLIST,
  validate: validateTasklist,
};
