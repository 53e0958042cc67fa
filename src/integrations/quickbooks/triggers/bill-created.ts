import bill from '../fixtures/bill.json' with { type: 'json' };
import { entityTrigger } from './entity-trigger.js';

export const billCreated = entityTrigger({
  type: 'QUICKBOOKS_TRIGGER_BILL_CREATED',
  title: 'Bill created',
  description: 'Fires once for each new vendor bill in the connected QuickBooks Online company; delivers the full Bill entity.',
  entity: 'Bill',
  operation: 'Create',
  examplePayload: bill,
  docsUrl: 'https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/bill',
});
