// Vercel: one Vercel webhook per trigger subscription (webhooks.ts), verified with the secret Vercel returns when it
// creates the webhook. Auth: a Vercel access token (Account Settings → Tokens), sent as `Authorization: Bearer`
// (https://vercel.com/docs/rest-api). An optional `teamId` trigger parameter scopes every call to a team.
// Account webhooks need a Pro or Enterprise team. Setup: docs/integrations/vercel.md.
import { ProviderError, defineIntegration } from '../../sdk/index.js';
import { VERCEL_ERROR_STATUSES, vercelError } from './api.js';
import { deploymentCreatedTrigger } from './triggers/deployment-created.js';
import { deploymentErrorTrigger } from './triggers/deployment-error.js';
import { deploymentSucceededTrigger } from './triggers/deployment-succeeded.js';
import { projectCreatedTrigger } from './triggers/project-created.js';

export { vercelSignatureScheme } from './webhooks.js';

export const vercelIntegration = defineIntegration({
  key: 'vercel',
  name: 'Vercel',
  auth: { kind: 'apiKey', header: 'authorization', prefix: 'Bearer ' },
  apiBaseUrl: 'https://api.vercel.com',
  docsUrl: 'https://vercel.com/docs/rest-api/webhooks',
  /** `GET /v2/user`: the user the token belongs to (https://vercel.com/docs/rest-api/user/get-the-user). */
  async accountId({ http }) {
    const res = await http.request<{ user?: { id?: unknown; username?: unknown; defaultTeamId?: unknown } | null }>({ path: '/v2/user', allowStatus: VERCEL_ERROR_STATUSES });
    if (res.status >= 400) throw vercelError(res);
    const id = res.body?.user?.id;
    if (typeof id !== 'string' || id === '') throw new ProviderError('permanent', 'Vercel answered GET /v2/user without a user id');
    const username = res.body?.user?.username;
    return { providerAccountId: id, ...(typeof username === 'string' && username !== '' ? { extra: { username } } : {}) };
  },
  triggers: [deploymentCreatedTrigger, deploymentSucceededTrigger, deploymentErrorTrigger, projectCreatedTrigger],
});
