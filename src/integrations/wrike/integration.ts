// Wrike (API v4) with OAuth 2 (https://developers.wrike.com/oauth-20-authorization/): authorize at
// `https://login.wrike.com/oauth2/authorize/v4`, exchange and refresh at `https://login.wrike.com/oauth2/token` with the
// client id and secret in the form. Scope `wsReadWrite` (tasks, folders, comments — and webhooks, which write); it is
// also Wrike's default when no scope is asked for.
//
// Each Wrike account lives on one of Wrike's data-centre hosts (`www.wrike.com`, `app-us2.wrike.com`,
// `app-eu.wrike.com`, …), which the token response names in its `host` field; the API is `https://{host}/api/v4`.
// We model the host as an account parameter (ADR 0027) — `https://{host}.wrike.com/api/v4` with `host` one DNS label
// (`www`, `app-us2`, `app-eu`; `app-eu.wrike.com` is accepted too and its `.wrike.com` removed) — rather than reading the
// token response's `host` in accountId(): the engine checks one label and fills only under `.wrike.com`, whereas a host
// taken from a token answer or from credential `extra` would need its own validation and would sit beside apiBaseUrl as
// a second origin, which ADR 0027 says never to build from credential fields. The user names the host at connect
// (`parameters.host`); accountId() then proves the token works on it: a token used on another data centre's host is
// refused by Wrike (401), so a wrong host fails at connect, not later.
//
// Triggers create one folder webhook per trigger subscription (webhooks.ts). Setup: docs/integrations/wrike.md.
import { defineIntegration } from '../../sdk/index.js';
import { firstOf, wrikeError, wrikeId } from './api.js';
import { commentAddedTrigger } from './triggers/comment-added.js';
import { taskCreatedTrigger } from './triggers/task-created.js';
import { taskStatusChangedTrigger } from './triggers/task-status-changed.js';

export const wrikeIntegration = defineIntegration({
  key: 'wrike',
  name: 'Wrike',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://login.wrike.com/oauth2/authorize/v4',
    tokenUrl: 'https://login.wrike.com/oauth2/token',
    scopes: ['wsReadWrite'],
    pkce: false,
    clientAuth: 'body',
  },
  accountParameters: [
    {
      name: 'host',
      description: "the account's Wrike host name before .wrike.com — www, app-us2, app-eu, … (the `host` field of Wrike's token answer, or the address you sign in at)",
      acceptSuffix: '.wrike.com',
    },
  ],
  apiBaseUrl: 'https://{host}.wrike.com/api/v4',
  docsUrl: 'https://developers.wrike.com/webhooks/',
  async accountId({ http }) {
    // The account the token reaches on the named host (GET /account answers the token's account).
    const res = await http.request<unknown>({ path: '/account', allowStatus: [400, 403, 404] });
    if (res.status >= 400) throw wrikeError(res, 'reading the account', Date.now());
    const account = firstOf(res.body);
    const id = wrikeId(account?.id);
    if (!id) throw new Error('Wrike answered /account without the account id');
    return { providerAccountId: id, extra: typeof account?.name === 'string' ? { accountName: account.name } : {} };
  },
  triggers: [taskCreatedTrigger, taskStatusChangedTrigger, commentAddedTrigger],
});
