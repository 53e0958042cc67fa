import { defineTrigger } from '../../../sdk/index.js';
import { orderCreated } from '../fixtures/events.js';
import { locationParameter, squareItems } from '../webhooks.js';

export const orderCreatedTrigger = defineTrigger<{ locationId?: string }>({
  type: 'SQUARE_TRIGGER_ORDER_CREATED',
  title: 'Order created',
  description:
    'Fires when an order is created through the Orders API (event `order.created`; Square does not publish it for orders made in the Point of Sale app), once per order, optionally for one location. Delivers the event notification; `data.object.order_created` holds `order_id`, `location_id`, `state` and `version` (read the full Order with RetrieveOrder).',
  parameters: [locationParameter],
  examplePayload: orderCreated,
  docsUrl: 'https://developer.squareup.com/reference/square/orders-api/webhooks/order.created',
  source: { kind: 'appWebhook', match: (event, params) => squareItems({ eventTypes: ['order.created'], objectKey: 'order_created', idField: 'order_id' }, event, params) },
});
