// Kit (formerly ConvertKit), API v4, through either a V4 API key sent in `X-Kit-Api-Key` (Settings → Developer →
// API keys) or an OAuth app's access token sent as `Authorization: Bearer` (authorization code grant at
// https://app.kit.com/oauth/authorize and /oauth/token; Kit's only scope is `public`, every v4 endpoint). The triggers
// call the same endpoints either way; the engine sends the credential's kind.
// Each trigger subscription creates one signed Kit webhook endpoint for the trigger's event type (see webhooks.ts).
// Setup: docs/integrations/kit.md.
import { defineIntegration } from '../../sdk/index.js';
import { currentAccount } from './api.js';
import { formSubscribedTrigger } from './triggers/form-subscribed.js';
import { subscriberActivatedTrigger } from './triggers/subscriber-activated.js';
import { subscriberCreatedTrigger } from './triggers/subscriber-created.js';
import { subscriberUnsubscribedTrigger } from './triggers/subscriber-unsubscribed.js';
import { tagAddedTrigger } from './triggers/tag-added.js';

export { KIT_SIGNATURE } from './webhooks.js';

export const kitIntegration = defineIntegration({
  key: 'kit',
  name: 'Kit',
  auth: { kind: 'apiKey', header: 'x-kit-api-key' },
  alternativeAuth: { kind: 'oauth2', authorizationUrl: 'https://app.kit.com/oauth/authorize', tokenUrl: 'https://app.kit.com/oauth/token', scopes: ['public'], pkce: false },
  apiBaseUrl: 'https://api.kit.com/v4',
  // Our calls read 401 themselves (allowStatus, to keep the provider's message), so the engine is told that a 401 is a
  // refused token: an OAuth token is then refreshed and the call made once more; a key is never refreshed.
  tokenRefused: (res) => res.status === 401,
  docsUrl: 'https://developers.kit.com/api-reference/webhooks/create-a-webhook-endpoint',
  async accountId({ http }) {
    const account = await currentAccount(http);
    return { providerAccountId: account.id, ...(account.name ? { extra: { accountName: account.name } } : {}) };
  },
  triggers: [subscriberCreatedTrigger, subscriberActivatedTrigger, subscriberUnsubscribedTrigger, formSubscribedTrigger, tagAddedTrigger],
});
