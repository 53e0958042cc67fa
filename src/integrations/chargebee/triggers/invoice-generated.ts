import { invoiceGenerated } from '../fixtures/events.js';
import { chargebeeTrigger } from './factory.js';

export const invoiceGeneratedTrigger = chargebeeTrigger(
  'CHARGEBEE_TRIGGER_INVOICE_GENERATED',
  'invoice_generated',
  'Invoice generated',
  'Fires when an invoice is generated (Chargebee `invoice_generated`), for a renewal, a new subscription or a one-off charge. Delivers the event; `content.invoice` is the invoice with its `line_items`, `total` and `status`.',
  invoiceGenerated,
);
