import { defineTrigger } from '../../../sdk/index.js';
import { paymentCreated } from '../fixtures/events.js';
import { locationParameter, squareItems } from '../webhooks.js';

export const paymentCreatedTrigger = defineTrigger<{ locationId?: string }>({
  type: 'SQUARE_TRIGGER_PAYMENT_CREATED',
  title: 'Payment created',
  description:
    'Fires when a payment is created in the connected Square seller account (event `payment.created`: Payments API, point of sale, invoices), once per payment, optionally for one location. Delivers the event notification; `data.object.payment` is the Payment.',
  parameters: [locationParameter],
  examplePayload: paymentCreated,
  docsUrl: 'https://developer.squareup.com/reference/square/webhooks/payment.created',
  source: { kind: 'appWebhook', match: (event, params) => squareItems({ eventTypes: ['payment.created'], objectKey: 'payment' }, event, params) },
});
