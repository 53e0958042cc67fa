import invoice from '../fixtures/invoice.json' with { type: 'json' };
import { entityTrigger } from './entity-trigger.js';

export const invoiceCreated = entityTrigger({
  type: 'QUICKBOOKS_TRIGGER_INVOICE_CREATED',
  title: 'Invoice created',
  description: 'Fires once for each new invoice in the connected QuickBooks Online company; delivers the full Invoice entity.',
  entity: 'Invoice',
  operation: 'Create',
  examplePayload: invoice,
  docsUrl: 'https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice',
});
