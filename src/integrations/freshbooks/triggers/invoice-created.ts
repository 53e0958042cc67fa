// Invoice Created (FreshBooks callback event `invoice.create`): the invoice read back with GET /accounting/account/{accountId}/invoices/invoices/{id}.
import example from '../fixtures/invoice.json' with { type: 'json' };
import { freshBooksObjectTrigger } from '../callbacks.js';

export const invoiceCreated = freshBooksObjectTrigger({
  type: 'FRESHBOOKS_TRIGGER_INVOICE_CREATED',
  title: 'Invoice Created',
  description: 'Triggers when an invoice is created in FreshBooks.',
  event: 'invoice.create',
  objectPath: 'invoices/invoices',
  resultKey: 'invoice',
  examplePayload: example,
});
