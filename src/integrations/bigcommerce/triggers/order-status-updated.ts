import { defineTrigger } from '../../../sdk/index.js';
import orderStatusUpdated from '../fixtures/order-status-updated.json' with { type: 'json' };
import { bigcommerceWebhook } from '../webhooks.js';

/** BigCommerce's built-in order statuses (https://developer.bigcommerce.com/docs/rest-management/orders/order-status). */
const STATUSES: Array<[string, string]> = [
  ['0', 'Incomplete'], ['1', 'Pending'], ['2', 'Shipped'], ['3', 'Partially Shipped'], ['4', 'Refunded'], ['5', 'Cancelled'],
  ['6', 'Declined'], ['7', 'Awaiting Payment'], ['8', 'Awaiting Pickup'], ['9', 'Awaiting Shipment'], ['10', 'Completed'],
  ['11', 'Awaiting Fulfillment'], ['12', 'Manual Verification Required'], ['13', 'Disputed'], ['14', 'Partially Refunded'],
];

export const orderStatusUpdatedTrigger = defineTrigger({
  type: 'BIGCOMMERCE_TRIGGER_ORDER_STATUS_UPDATED',
  title: 'Order status changed',
  description:
    "Fires when an order's status changes (webhook scope `store/order/statusUpdated`), each change once; optionally only changes to one status. Delivers the callback, whose `data.status` holds `previous_status_id` and `new_status_id`, with the order read from the API under `order`.",
  parameters: [
    {
      id: 'newStatusId',
      title: 'New status',
      type: 'ENUM',
      required: false,
      description: 'Only changes to this status (leave empty for every change).',
      options: STATUSES.map(([value, label]) => ({ label, value })),
    },
  ],
  examplePayload: orderStatusUpdated,
  docsUrl: 'https://developer.bigcommerce.com/docs/integrations/webhooks/events#orders',
  source: bigcommerceWebhook('store/order/statusUpdated'),
});
