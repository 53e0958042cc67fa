import { defineTrigger } from '../../../sdk/index.js';
import { captureRefunded } from '../fixtures/events.js';
import { PAYPAL_WEBHOOKS_DOCS, paypalWebhook } from '../webhooks.js';

export const paymentCaptureRefundedTrigger = defineTrigger({
  type: 'PAYPAL_TRIGGER_PAYMENT_CAPTURE_REFUNDED',
  title: 'Payment capture refunded',
  description:
    'Fires when the merchant refunds a payment capture, fully or partly (PayPal `PAYMENT.CAPTURE.REFUNDED`). Delivers the webhook event; `resource` is the refund (`id`, `amount`, `status`, `seller_payable_breakdown`, and a link `up` to the refunded capture).',
  parameters: [],
  examplePayload: captureRefunded,
  docsUrl: PAYPAL_WEBHOOKS_DOCS,
  source: paypalWebhook('PAYMENT.CAPTURE.REFUNDED'),
});
