// Todoist through OAuth 2 and the unified Todoist API v1 (https://api.todoist.com/api/v1; REST v2 and Sync v9
// are retired). Todoist sends webhooks per app, not per user: one callback URL in the App Management Console
// receives every authorized user's events (webhook.ts), routed by the body's user_id to the credential whose
// provider account id is that user — read at connect time from GET /api/v1/user.
// Setup, verification and facts: docs/integrations/todoist.md.
import { ProviderError, defineIntegration } from '../../sdk/index.js';
import { commentAdded } from './triggers/comment-added.js';
import { projectCreated } from './triggers/project-created.js';
import { taskCompleted } from './triggers/task-completed.js';
import { taskCreated } from './triggers/task-created.js';
import { taskUpdated } from './triggers/task-updated.js';
import { todoistAppWebhook } from './webhook.js';

interface TodoistUser { id?: unknown; email?: unknown; full_name?: unknown }

export const todoistIntegration = defineIntegration({
  key: 'todoist',
  name: 'Todoist',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://todoist.com/oauth/authorize',
    tokenUrl: 'https://todoist.com/oauth/access_token',
    // Read-only access to tasks, projects and comments; webhooks reach the users who authorized the app.
    scopes: ['data:read'],
    // Todoist's `scope` is a comma-separated list.
    scopeSeparator: ',',
    pkce: false,
    clientAuth: 'body',
  },
  apiBaseUrl: 'https://api.todoist.com/api/v1',
  docsUrl: 'https://developer.todoist.com/api/v1/#tag/Webhooks',
  async accountId({ http }) {
    const me = await http.get<TodoistUser>('/user');
    const id = typeof me?.id === 'string' && me.id !== '' ? me.id : typeof me?.id === 'number' ? String(me.id) : undefined;
    if (!id) throw new ProviderError('permanent', 'Todoist GET /user answered without an id');
    return {
      providerAccountId: id,
      extra: { userId: id, ...(typeof me.email === 'string' ? { email: me.email } : {}), ...(typeof me.full_name === 'string' ? { fullName: me.full_name } : {}) },
    };
  },
  appWebhook: todoistAppWebhook,
  triggers: [taskCreated, taskCompleted, taskUpdated, commentAdded, projectCreated],
});
