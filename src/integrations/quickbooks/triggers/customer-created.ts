import customer from '../fixtures/customer.json' with { type: 'json' };
import { entityTrigger } from './entity-trigger.js';

export const customerCreated = entityTrigger({
  type: 'QUICKBOOKS_TRIGGER_CUSTOMER_CREATED',
  title: 'Customer created',
  description: 'Fires once for each new customer in the connected QuickBooks Online company; delivers the full Customer entity.',
  entity: 'Customer',
  operation: 'Create',
  examplePayload: customer,
  docsUrl: 'https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/customer',
});
