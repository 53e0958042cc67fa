// Heroku (Platform API v3): one app webhook per trigger subscription (webhooks.ts), signed with the secret we choose.
// Auth: OAuth 2 through id.heroku.com (web application authorization, refresh tokens), or an account's API key
// (`heroku auth:token`, or an authorization made with `heroku authorizations:create`) as `alternativeAuth`; both
// are sent as `Authorization: Bearer` (https://devcenter.heroku.com/articles/oauth,
// https://devcenter.heroku.com/articles/platform-api-reference#authentication). Setup: docs/integrations/heroku.md.
import { ProviderError, defineIntegration } from '../../sdk/index.js';
import { HEROKU_ERROR_STATUSES, herokuError } from './api.js';
import { addonCreatedTrigger } from './triggers/addon-created.js';
import { buildFailedTrigger, buildSucceededTrigger } from './triggers/build.js';
import { dynoCrashedTrigger } from './triggers/dyno-crashed.js';
import { releaseCreatedTrigger } from './triggers/release-created.js';

export { herokuSignatureScheme } from './webhooks.js';

export const herokuIntegration = defineIntegration({
  key: 'heroku',
  name: 'Heroku',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://id.heroku.com/oauth/authorize',
    tokenUrl: 'https://id.heroku.com/oauth/token',
    // `read` to check a webhook, `write` to create and delete it; neither reaches config vars (`*-protected`).
    scopes: ['read', 'write'],
    scopeSeparator: ' ',
    pkce: false,
    clientAuth: 'body',
  },
  alternativeAuth: { kind: 'apiKey', header: 'authorization', prefix: 'Bearer ' },
  apiBaseUrl: 'https://api.heroku.com',
  docsUrl: 'https://devcenter.heroku.com/articles/app-webhooks',
  // The Platform API's version header, which Heroku asks every client to send.
  defaultHeaders: { accept: 'application/vnd.heroku+json; version=3' },
  /** `GET /account`: the user the token belongs to (https://devcenter.heroku.com/articles/platform-api-reference#account-info). */
  async accountId({ http }) {
    const res = await http.request<{ id?: unknown; email?: unknown }>({ path: '/account', allowStatus: HEROKU_ERROR_STATUSES });
    if (res.status >= 400) throw herokuError(res);
    const id = res.body?.id;
    if (typeof id !== 'string' || id === '') throw new ProviderError('permanent', 'Heroku answered GET /account without an account id');
    const email = res.body?.email;
    return { providerAccountId: id, ...(typeof email === 'string' && email !== '' ? { extra: { email } } : {}) };
  },
  triggers: [releaseCreatedTrigger, buildSucceededTrigger, buildFailedTrigger, dynoCrashedTrigger, addonCreatedTrigger],
});
