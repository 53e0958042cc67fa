import { defineTrigger } from '../../../sdk/index.js';
import { orderApproved } from '../fixtures/events.js';
import { PAYPAL_WEBHOOKS_DOCS, paypalWebhook } from '../webhooks.js';

export const checkoutOrderApprovedTrigger = defineTrigger({
  type: 'PAYPAL_TRIGGER_CHECKOUT_ORDER_APPROVED',
  title: 'Checkout order approved',
  description:
    'Fires when a buyer approves a checkout order (PayPal `CHECKOUT.ORDER.APPROVED`), the moment to capture or authorize it. Delivers the webhook event; `resource` is the order (`id`, `intent`, `status`, `purchase_units`, `payer`, links).',
  parameters: [],
  examplePayload: orderApproved,
  docsUrl: PAYPAL_WEBHOOKS_DOCS,
  source: paypalWebhook('CHECKOUT.ORDER.APPROVED'),
});
