import invoice from '../fixtures/invoice-updated.json' with { type: 'json' };
import { entityTrigger } from './entity-trigger.js';

export const invoiceUpdated = entityTrigger({
  type: 'QUICKBOOKS_TRIGGER_INVOICE_UPDATED',
  title: 'Invoice updated',
  description:
    'Fires for each new version of an existing invoice (edited, paid, voided, emailed) in the connected QuickBooks Online company; ' +
    'several changes between two reads are one event with the latest version. Delivers the full Invoice entity.',
  entity: 'Invoice',
  operation: 'Update',
  examplePayload: invoice,
  docsUrl: 'https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice',
});
