// Netlify: one outgoing webhook ("hook") per trigger subscription on one site (webhooks.ts), signed with a JWS
// whose secret is the subscription's own. Auth: an OAuth app (https://app.netlify.com/authorize,
// https://api.netlify.com/oauth/token; Netlify has no scopes) or a personal access token (User settings →
// Applications), both sent as `Authorization: Bearer` (https://docs.netlify.com/api/get-started/#authentication).
// Setup: docs/integrations/netlify.md.
import { ProviderError, defineIntegration } from '../../sdk/index.js';
import { NETLIFY_ERROR_STATUSES, netlifyError } from './api.js';
import { deployBuildingTrigger } from './triggers/deploy-building.js';
import { deployCreatedTrigger } from './triggers/deploy-created.js';
import { deployFailedTrigger } from './triggers/deploy-failed.js';
import { deploySucceededTrigger } from './triggers/deploy-succeeded.js';
import { formSubmissionCreatedTrigger } from './triggers/form-submission-created.js';

export { netlifySignatureScheme } from './webhooks.js';

export const netlifyIntegration = defineIntegration({
  key: 'netlify',
  name: 'Netlify',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://app.netlify.com/authorize',
    tokenUrl: 'https://api.netlify.com/oauth/token',
    scopes: [],
    pkce: false,
  },
  alternativeAuth: { kind: 'apiKey', header: 'authorization', prefix: 'Bearer ' },
  apiBaseUrl: 'https://api.netlify.com/api/v1',
  docsUrl: 'https://open-api.netlify.com/',
  /** `GET /user`: the user the token belongs to. */
  async accountId({ http }) {
    const res = await http.request<{ id?: unknown; email?: unknown }>({ path: '/user', allowStatus: NETLIFY_ERROR_STATUSES });
    if (res.status >= 400) throw netlifyError(res);
    const id = res.body?.id;
    if (typeof id !== 'string' || id === '') throw new ProviderError('permanent', 'Netlify answered GET /user without a user id');
    const email = res.body?.email;
    return { providerAccountId: id, ...(typeof email === 'string' && email !== '' ? { extra: { email } } : {}) };
  },
  triggers: [deployCreatedTrigger, deployBuildingTrigger, deploySucceededTrigger, deployFailedTrigger, formSubmissionCreatedTrigger],
});
