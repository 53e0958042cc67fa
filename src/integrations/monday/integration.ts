// monday.com through OAuth 2.0 (an app in monday's Developer Center), the GraphQL API at
// https://api.monday.com/v2 with a pinned `API-Version`, and one board webhook per trigger subscription
// (webhooks.ts), verified with the app's Signing Secret. Setup: docs/integrations/monday.md.
import { ProviderError, defineIntegration } from '../../sdk/index.js';
import { mondayGraphql } from './api.js';
import { columnValueChangedTrigger } from './triggers/column-value-changed.js';
import { itemArchivedTrigger } from './triggers/item-archived.js';
import { itemCreatedTrigger } from './triggers/item-created.js';
import { statusChangedTrigger } from './triggers/status-changed.js';
import { updateCreatedTrigger } from './triggers/update-created.js';

/** The API version every call pins (https://developer.monday.com/api-reference/docs/api-versioning). */
export const MONDAY_API_VERSION = '2025-07';

const WHO_AM_I = 'query OpenTriggersAccount { me { id name account { id name slug } } }';

export const mondayIntegration = defineIntegration({
  key: 'monday',
  name: 'monday.com',
  auth: {
    kind: 'oauth2',
    // https://developer.monday.com/apps/docs/oauth: authorize at auth.monday.com/oauth2/authorize, exchange the
    // code at auth.monday.com/oauth2/token (client_id, client_secret, code, redirect_uri). Scopes are
    // space-separated; webhooks need webhooks:write (and webhooks:read for the hourly check).
    authorizationUrl: 'https://auth.monday.com/oauth2/authorize',
    tokenUrl: 'https://auth.monday.com/oauth2/token',
    scopes: ['me:read', 'boards:read', 'webhooks:read', 'webhooks:write'],
    scopeSeparator: ' ',
    pkce: false,
    clientAuth: 'body',
  },
  apiBaseUrl: 'https://api.monday.com',
  docsUrl: 'https://developer.monday.com/api-reference/reference/webhooks',
  defaultHeaders: { 'API-Version': MONDAY_API_VERSION },
  /** The monday account is the provider account (JWTs and tokens name it as accountId). */
  async accountId({ http }) {
    const data = await mondayGraphql<{ me?: { id?: unknown; name?: unknown; account?: { id?: unknown; name?: unknown; slug?: unknown } | null } | null }>(
      { http, now: Date.now }, WHO_AM_I,
    );
    const account = data.me?.account?.id;
    if (typeof account !== 'string' && typeof account !== 'number') throw new ProviderError('permanent', 'monday.com answered without an account id');
    return {
      providerAccountId: String(account),
      extra: { accountName: data.me?.account?.name, accountSlug: data.me?.account?.slug, userId: data.me?.id },
    };
  },
  triggers: [itemCreatedTrigger, columnValueChangedTrigger, statusChangedTrigger, updateCreatedTrigger, itemArchivedTrigger],
});
