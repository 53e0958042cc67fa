import { defineTrigger } from '../../../sdk/index.js';
import { paymentUpdatedCompleted } from '../fixtures/events.js';
import { locationParameter, squareItems } from '../webhooks.js';

export const isCompleted = (payment: Record<string, unknown>) => payment.status === 'COMPLETED';

export const paymentCompletedTrigger = defineTrigger<{ locationId?: string }>({
  type: 'SQUARE_TRIGGER_PAYMENT_COMPLETED',
  title: 'Payment completed',
  description:
    'Fires once per payment when it reaches status `COMPLETED` (a `payment.updated` event, or a `payment.created` event of a payment completed at once); later updates of a completed payment (e.g. a refund) do not fire it again. Optionally for one location. Delivers the event notification; `data.object.payment` is the Payment.',
  parameters: [locationParameter],
  examplePayload: paymentUpdatedCompleted,
  docsUrl: 'https://developer.squareup.com/reference/square/webhooks/payment.updated',
  source: {
    kind: 'appWebhook',
    match: (event, params) => squareItems({ eventTypes: ['payment.created', 'payment.updated'], objectKey: 'payment', accept: isCompleted }, event, params),
  },
});
