// Google Tasks: Google OAuth 2.0 (offline access for a refresh token), the Tasks API v1 on
// tasks.googleapis.com. Four polling triggers on one task list. See docs/integrations/googleTasks.md.
//
// Why polling: the Tasks API has no push notifications or watch method; tasks.list with `updatedMin`
// (a lower bound on each task's last modification time) is the way to read changes.
import { defineIntegration } from '../../sdk/index.js';
import { googleOAuth2 } from '../../sdk/providers/google.js';
import { taskCompleted } from './triggers/task-completed.js';
import { taskCreated } from './triggers/task-created.js';
import { taskDeleted } from './triggers/task-deleted.js';
import { taskUpdated } from './triggers/task-updated.js';

export const googleTasksIntegration = defineIntegration({
  key: 'googleTasks',
  name: 'Google Tasks',
  // Read-only: tasklists.get and tasks.list accept tasks.readonly.
  // https://developers.google.com/workspace/tasks/reference/rest/v1/tasks/list#authorization-scopes
  auth: googleOAuth2(['https://www.googleapis.com/auth/tasks.readonly']),
  apiBaseUrl: 'https://tasks.googleapis.com',
  docsUrl: 'https://developers.google.com/workspace/tasks/reference/rest',
  triggers: [taskCreated, taskUpdated, taskCompleted, taskDeleted],
});
