// Lemon Squeezy (https://api.lemonsqueezy.com/v1, JSON:API) through an API key (Settings → API), sent as
// `Authorization: Bearer <key>`; keys are live- or test-mode specific. Each trigger subscription creates one
// Lemon Squeezy webhook for one store and one event (see webhooks.ts). Setup: docs/integrations/lemonSqueezy.md.
import { defineIntegration } from '../../sdk/index.js';
import { JSON_API, currentUser } from './api.js';
import {
  licenseKeyCreatedTrigger,
  orderCreatedTrigger,
  orderRefundedTrigger,
  subscriptionCancelledTrigger,
  subscriptionCreatedTrigger,
} from './triggers/definitions.js';

export { LEMON_SQUEEZY_SIGNATURE } from './webhooks.js';

export const lemonSqueezyIntegration = defineIntegration({
  key: 'lemonSqueezy',
  name: 'Lemon Squeezy',
  auth: { kind: 'apiKey', header: 'authorization', prefix: 'Bearer ' },
  apiBaseUrl: 'https://api.lemonsqueezy.com/v1',
  defaultHeaders: { accept: JSON_API },
  docsUrl: 'https://docs.lemonsqueezy.com/api/webhooks/create-webhook',
  async accountId({ http }) {
    const me = await currentUser(http);
    return { providerAccountId: me.id };
  },
  triggers: [orderCreatedTrigger, orderRefundedTrigger, subscriptionCreatedTrigger, subscriptionCancelledTrigger, licenseKeyCreatedTrigger],
});
