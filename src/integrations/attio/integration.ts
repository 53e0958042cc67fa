// Attio (REST API v2) through OAuth 2 (authorization code). Each trigger subscription creates one Attio webhook
// for one event type, signed with the secret Attio returns (webhooks.ts). Events carry ids only; the record,
// note, task or list entry is read back before delivery. Setup: docs/integrations/attio.md.
import { ProviderError, defineIntegration } from '../../sdk/index.js';
import { ATTIO_ERROR_STATUSES, attioError } from './api.js';
import { listEntryCreatedTrigger } from './triggers/list-entry-created.js';
import { noteCreatedTrigger } from './triggers/note-created.js';
import { recordCreatedTrigger } from './triggers/record-created.js';
import { recordUpdatedTrigger } from './triggers/record-updated.js';
import { taskCreatedTrigger } from './triggers/task-created.js';

export { attioSignatureScheme } from './webhooks.js';

export const attioIntegration = defineIntegration({
  key: 'attio',
  name: 'Attio',
  auth: {
    kind: 'oauth2',
    // https://docs.attio.com/docs/oauth/authorize and https://docs.attio.com/docs/oauth/token: the authorize
    // endpoint takes client_id, response_type=code, redirect_uri and state (no scope: an app's scopes are set in
    // its settings at build.attio.com); the token endpoint takes client_id and client_secret in the body.
    authorizationUrl: 'https://app.attio.com/authorize',
    tokenUrl: 'https://app.attio.com/oauth/token',
    scopes: [],
    pkce: false,
    clientAuth: 'body',
  },
  apiBaseUrl: 'https://api.attio.com/v2',
  docsUrl: 'https://docs.attio.com/rest-api/guides/webhooks',
  /** `GET /self`: the workspace the token is scoped to. */
  async accountId({ http }) {
    const res = await http.request<{ active?: unknown; workspace_id?: unknown; workspace_slug?: unknown }>({ path: '/self', allowStatus: ATTIO_ERROR_STATUSES });
    if (res.status >= 400) throw attioError(res);
    if (res.body?.active !== true) throw new ProviderError('auth', 'Attio reports the access token as inactive');
    const id = res.body.workspace_id;
    if (typeof id !== 'string' || id === '') throw new ProviderError('permanent', 'Attio answered GET /v2/self without a workspace_id');
    const slug = res.body.workspace_slug;
    return { providerAccountId: id, ...(typeof slug === 'string' ? { extra: { workspaceSlug: slug } } : {}) };
  },
  triggers: [recordCreatedTrigger, recordUpdatedTrigger, noteCreatedTrigger, taskCreatedTrigger, listEntryCreatedTrigger],
});
