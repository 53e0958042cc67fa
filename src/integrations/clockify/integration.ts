// Clockify (time tracking), REST API v1. Auth: the user's API key, sent as `X-Api-Key`
// (https://docs.clockify.me/#section/Authentication). Workspaces on a regional host (e.g. EU:
// https://euc1.clockify.me/api/v1) are reached by overriding the project's apiBaseUrl. Each trigger subscription
// creates one Clockify webhook in the chosen workspace (webhooks.ts). Setup: docs/integrations/clockify.md.
import { ProviderError, defineIntegration } from '../../sdk/index.js';
import { clockifyId } from './api.js';
import { clientCreatedTrigger } from './triggers/client-created.js';
import { projectCreatedTrigger } from './triggers/project-created.js';
import { timeEntryCreatedTrigger } from './triggers/time-entry-created.js';
import { timeEntryUpdatedTrigger } from './triggers/time-entry-updated.js';
import { timerStoppedTrigger } from './triggers/timer-stopped.js';

export { CLOCKIFY_EVENT_HEADER, CLOCKIFY_SIGNATURE_HEADER, CLOCKIFY_TOKEN_SCHEME } from './webhooks.js';

export const clockifyIntegration = defineIntegration({
  key: 'clockify',
  name: 'Clockify',
  auth: { kind: 'apiKey', header: 'x-api-key' },
  apiBaseUrl: 'https://api.clockify.me/api/v1',
  docsUrl: 'https://docs.clockify.me/',
  async accountId({ http }) {
    // GET /user: the key's owner, with the workspace Clockify opens by default.
    const user = await http.get<{ id?: unknown; defaultWorkspace?: unknown; activeWorkspace?: unknown } | null>('/user');
    const id = clockifyId(user?.id);
    if (!id) throw new ProviderError('permanent', 'Clockify answered GET /user without a user id');
    const defaultWorkspace = clockifyId(user?.defaultWorkspace) ?? clockifyId(user?.activeWorkspace);
    return { providerAccountId: id, ...(defaultWorkspace ? { extra: { defaultWorkspace } } : {}) };
  },
  triggers: [timeEntryCreatedTrigger, timeEntryUpdatedTrigger, timerStoppedTrigger, projectCreatedTrigger, clientCreatedTrigger],
});
