import { defineTrigger } from '../../../sdk/index.js';
import { invoicePaymentMade } from '../fixtures/events.js';
import { locationParameter, squareItems } from '../webhooks.js';

export const isPaid = (invoice: Record<string, unknown>) => invoice.status === 'PAID';

export const invoicePaidTrigger = defineTrigger<{ locationId?: string }>({
  type: 'SQUARE_TRIGGER_INVOICE_PAID',
  title: 'Invoice paid',
  description:
    'Fires once per invoice when a payment makes it fully paid: event `invoice.payment_made` whose invoice has status `PAID` (partial payments, status `PARTIALLY_PAID`, are skipped). Optionally for one location. Delivers the event notification; `data.object.invoice` is the Invoice.',
  parameters: [locationParameter],
  examplePayload: invoicePaymentMade,
  docsUrl: 'https://developer.squareup.com/reference/square/invoices-api/webhooks/invoice.payment_made',
  source: { kind: 'appWebhook', match: (event, params) => squareItems({ eventTypes: ['invoice.payment_made'], objectKey: 'invoice', accept: isPaid }, event, params) },
});
