// Microsoft To Do through Microsoft Graph change notifications on a task list's tasks, read with the todoTask
// delta query. Microsoft identity platform OAuth 2.0 (v2.0 endpoints, offline_access for a refresh token).
// See docs/integrations/microsoftToDo.md.
import { defineIntegration } from '../../sdk/index.js';
import { graphAccountId, microsoftIdentityOAuth2 } from '../../sdk/providers/microsoft-graph.js';
import { taskCompleted, taskCreated, taskUpdated } from './triggers/tasks.js';

export { clientStateScheme, validationTokenHandshake } from '../../sdk/providers/microsoft-graph.js';

export const microsoftToDoIntegration = defineIntegration({
  key: 'microsoftToDo',
  name: 'Microsoft To Do',
  // Tasks.ReadWrite: the least privileged delegated permission Graph lists for todoTask: delta
  // (https://learn.microsoft.com/graph/api/todotask-delta#permissions); it also covers reading a task and
  // subscribing to a list's tasks. Work/school and personal accounts (tenant `common`).
  auth: microsoftIdentityOAuth2(['offline_access', 'User.Read', 'Tasks.ReadWrite']),
  apiBaseUrl: 'https://graph.microsoft.com/v1.0',
  docsUrl: 'https://learn.microsoft.com/graph/api/resources/todo-overview',
  accountId: graphAccountId(['userPrincipalName', 'mail', 'displayName']),
  triggers: [taskCreated, taskUpdated, taskCompleted],
});
