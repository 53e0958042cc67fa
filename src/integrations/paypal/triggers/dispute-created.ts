import { defineTrigger } from '../../../sdk/index.js';
import { disputeCreated } from '../fixtures/events.js';
import { PAYPAL_WEBHOOKS_DOCS, paypalWebhook } from '../webhooks.js';

export const disputeCreatedTrigger = defineTrigger({
  type: 'PAYPAL_TRIGGER_DISPUTE_CREATED',
  title: 'Dispute created',
  description:
    'Fires when a customer opens a dispute or claim against the merchant (PayPal `CUSTOMER.DISPUTE.CREATED`). Delivers the webhook event; `resource` is the dispute (`dispute_id`, `reason`, `status`, `dispute_life_cycle_stage`, `dispute_amount`, `disputed_transactions`, …).',
  parameters: [],
  examplePayload: disputeCreated,
  docsUrl: PAYPAL_WEBHOOKS_DOCS,
  source: paypalWebhook('CUSTOMER.DISPUTE.CREATED'),
});
