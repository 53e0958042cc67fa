import { defineTrigger } from '../../../sdk/index.js';
import { captureCompleted } from '../fixtures/events.js';
import { PAYPAL_WEBHOOKS_DOCS, paypalWebhook } from '../webhooks.js';

export const paymentCaptureCompletedTrigger = defineTrigger({
  type: 'PAYPAL_TRIGGER_PAYMENT_CAPTURE_COMPLETED',
  title: 'Payment capture completed',
  description:
    'Fires when a payment capture completes in the connected REST app (PayPal `PAYMENT.CAPTURE.COMPLETED`): an order paid and captured, funds with the merchant. Delivers the webhook event `{id, event_type, create_time, summary, resource}`; `resource` is the capture (`id`, `amount`, `status`, `final_capture`, `seller_receivable_breakdown`, `supplementary_data.related_ids.order_id`, …).',
  parameters: [],
  examplePayload: captureCompleted,
  docsUrl: PAYPAL_WEBHOOKS_DOCS,
  source: paypalWebhook('PAYMENT.CAPTURE.COMPLETED'),
});
