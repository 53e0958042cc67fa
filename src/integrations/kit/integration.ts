// Kit (formerly ConvertKit), API v4, through a V4 API key sent in `X-Kit-Api-Key` (Settings → Developer → API keys).
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
  apiBaseUrl: 'https://api.kit.com/v4',
  docsUrl: 'https://developers.kit.com/api-reference/webhooks/create-a-webhook-endpoint',
  async accountId({ http }) {
    const account = await currentAccount(http);
    return { providerAccountId: account.id, ...(account.name ? { extra: { accountName: account.name } } : {}) };
  },
  triggers: [subscriberCreatedTrigger, subscriberActivatedTrigger, subscriberUnsubscribedTrigger, formSubscribedTrigger, tagAddedTrigger],
});
