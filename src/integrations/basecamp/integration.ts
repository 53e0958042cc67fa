// Basecamp (Basecamp 4, the "bc3" API) with OAuth 2 through 37signals Launchpad
// (https://github.com/basecamp/bc3-api/blob/master/sections/authentication.md): authorize at
// `https://launchpad.37signals.com/authorization/new`, exchange and refresh at `/authorization/token` with the client id
// and secret in the body; tokens last two weeks and come with a refresh token. Basecamp has no scopes.
//
// The API lives at `https://3.basecampapi.com/{accountId}/…`: one fixed host, the account id as the first path segment
// (https://github.com/basecamp/bc3-api/blob/master/README.md). The account is an account parameter (ADR 0027): the
// connect call's `parameters.accountId` (or a credential's `extra.accountId`), the number after 3.basecamp.com/ in the
// account's address. The engine accepts only one host-name label there, so the value can name a path segment under
// 3.basecampapi.com and nothing else — never another host. Launchpad's `authorization.json` also lists a token's
// accounts, but one identity may have several Basecamp accounts, and calling Launchpad would put a second host beside
// apiBaseUrl: the user names the account instead, and accountId() proves the token reaches it.
//
// Basecamp requires a User-Agent naming the application and a link or e-mail to reach its makers (400 without one):
// set on every call through defaultHeaders.
//
// Triggers create one project webhook per trigger subscription, protected by a secret in the URL's query
// (webhooks.ts). Setup: docs/integrations/basecamp.md.
import { defineIntegration } from '../../sdk/index.js';
import { basecampError } from './api.js';
import { commentCreatedTrigger } from './triggers/comment-created.js';
import { messageCreatedTrigger } from './triggers/message-created.js';
import { todoCompletedTrigger } from './triggers/todo-completed.js';
import { todoCreatedTrigger } from './triggers/todo-created.js';
import { idOf } from './webhooks.js';

/** Basecamp's required application identification (https://github.com/basecamp/bc3-api#identifying-your-application). */
export const BASECAMP_USER_AGENT = 'OpenTriggers (self-hosted Triggers API; https://github.com/opentriggers/opentriggers)';

export const basecampIntegration = defineIntegration({
  key: 'basecamp',
  name: 'Basecamp',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://launchpad.37signals.com/authorization/new',
    tokenUrl: 'https://launchpad.37signals.com/authorization/token',
    scopes: [],
    pkce: false,
    clientAuth: 'body',
  },
  accountParameters: [{ name: 'accountId', description: 'the Basecamp account id: the number after 3.basecamp.com/ in the account\'s address, e.g. 999999999' }],
  apiBaseUrl: 'https://3.basecampapi.com/{accountId}',
  defaultHeaders: { 'user-agent': BASECAMP_USER_AGENT },
  docsUrl: 'https://github.com/basecamp/bc3-api/blob/master/sections/webhooks.md',
  async accountId({ http }) {
    // The token's own person in the named account: fails (404) when the token has no access to that account.
    const res = await http.request<{ id?: unknown; name?: unknown }>({ path: '/my/profile.json', allowStatus: [403, 404] });
    if (res.status >= 400) throw basecampError(res, 'reading the profile in the named account', Date.now());
    const id = idOf(res.body?.id);
    if (!id) throw new Error('Basecamp answered /my/profile.json without the person id');
    return { providerAccountId: id, extra: typeof res.body?.name === 'string' ? { personName: res.body.name } : {} };
  },
  triggers: [todoCreatedTrigger, todoCompletedTrigger, messageCreatedTrigger, commentCreatedTrigger],
});
