import invoice from '../fixtures/invoice.json' with { type: 'json' };
import { recordTrigger } from './record-trigger.js';

export const invoiceCreated = recordTrigger({
  type: 'XERO_TRIGGER_INVOICE_CREATED',
  title: 'Invoice created',
  description: 'Fires once for each new invoice (sales or bill) in the connected Xero organisation; delivers the full Invoice.',
  resource: 'Invoices',
  idField: 'InvoiceID',
  change: 'created',
  category: 'INVOICE',
  examplePayload: invoice,
  docsUrl: 'https://developer.xero.com/documentation/api/accounting/invoices',
});
