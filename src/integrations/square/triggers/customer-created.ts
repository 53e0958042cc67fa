import { defineTrigger } from '../../../sdk/index.js';
import { customerCreated } from '../fixtures/events.js';
import { squareItems } from '../webhooks.js';

export const customerCreatedTrigger = defineTrigger({
  type: 'SQUARE_TRIGGER_CUSTOMER_CREATED',
  title: 'Customer created',
  description: 'Fires when a customer profile is created in the seller\'s customer directory (event `customer.created`), once per customer. Delivers the event notification; `data.object.customer` is the Customer.',
  parameters: [],
  examplePayload: customerCreated,
  docsUrl: 'https://developer.squareup.com/reference/square/customers-api/webhooks/customer.created',
  source: { kind: 'appWebhook', match: (event) => squareItems({ eventTypes: ['customer.created'], objectKey: 'customer' }, event, {}) },
});
