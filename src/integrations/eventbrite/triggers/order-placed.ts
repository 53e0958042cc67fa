import order from '../fixtures/order.json' with { type: 'json' };
import { webhookTrigger } from './factory.js';

export const orderPlacedTrigger = webhookTrigger({
  type: 'EVENTBRITE_TRIGGER_ORDER_PLACED',
  title: 'Order placed',
  description:
    'Fires when an order is placed for an event of the organization (webhook action `order.placed`), once per order. Delivers the order as `GET /orders/{id}/` returns it — `{action: "order.placed", id, name, email, costs, event_id, status, created, …}`. With `eventId`, only that event.',
  action: 'order.placed',
  examplePayload: { action: 'order.placed', ...order },
});
