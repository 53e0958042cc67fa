import invoice from '../fixtures/invoice.json' with { type: 'json' };
import { recordTrigger } from './record-trigger.js';

export const invoiceUpdated = recordTrigger({
  type: 'XERO_TRIGGER_INVOICE_UPDATED',
  title: 'Invoice updated',
  description:
    'Fires for each new version (UpdatedDateUTC) of an invoice in the connected Xero organisation — edited, approved, paid, voided — ' +
    'including a new invoice\'s first version (Xero records carry no creation date); several changes between two reads are one event. ' +
    'Delivers the full Invoice.',
  resource: 'Invoices',
  idField: 'InvoiceID',
  change: 'updated',
  category: 'INVOICE',
  examplePayload: invoice,
  docsUrl: 'https://developer.xero.com/documentation/api/accounting/invoices',
});
