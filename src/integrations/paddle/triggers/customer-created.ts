import { customerCreated } from '../fixtures/events.js';
import { paddleEventTrigger } from './event-trigger.js';

export const customerCreatedTrigger = paddleEventTrigger({
  type: 'PADDLE_TRIGGER_CUSTOMER_CREATED',
  title: 'Customer created',
  event: 'customer.created',
  description:
    'Fires when a customer is created, at checkout or through the API or dashboard (Paddle `customer.created`). `data` is the customer (`id`, `email`, `name`, `locale`, `status`, `marketing_consent`, `custom_data`, `created_at`, …).',
  example: customerCreated,
  docsPath: 'customers/customer-created',
});
