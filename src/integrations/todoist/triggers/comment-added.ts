import example from '../fixtures/note-added.json' with { type: 'json' };
import { todoistTrigger } from './event-trigger.js';

// No project filter: a comment on a task names the task (item_id) and leaves project_id empty, so a filter on
// project_id would silently drop every task comment.
export const commentAdded = todoistTrigger({
  type: 'TODOIST_TRIGGER_COMMENT_ADDED',
  title: 'Comment Added',
  description: 'Trigger when a comment is added to a task or a project (note:added).',
  eventName: 'note:added',
  examplePayload: example,
  projectFilter: false,
});
