import payment from '../fixtures/payment.json' with { type: 'json' };
import { entityTrigger } from './entity-trigger.js';

export const paymentCreated = entityTrigger({
  type: 'QUICKBOOKS_TRIGGER_PAYMENT_CREATED',
  title: 'Payment created',
  description: 'Fires once for each new customer payment received in the connected QuickBooks Online company; delivers the full Payment entity.',
  entity: 'Payment',
  operation: 'Create',
  examplePayload: payment,
  docsUrl: 'https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/payment',
});
