// The five triggers, each one Lemon Squeezy webhook event (https://docs.lemonsqueezy.com/help/webhooks/event-types).
import { defineTrigger } from '../../../sdk/index.js';
import { licenseKeyCreated, orderCreated, orderRefunded, subscriptionCancelled, subscriptionCreated } from '../fixtures/events.js';
import { LEMON_SQUEEZY_WEBHOOKS_DOCS, lemonSqueezyWebhook, type LemonSqueezyEvent, type LemonSqueezyParams } from '../webhooks.js';
import { lemonSqueezyParameters } from './params.js';

const BODY = 'Delivers the webhook body `{meta: {event_name, custom_data?}, data}`';

function lemonSqueezyTrigger(type: string, title: string, event: LemonSqueezyEvent, description: string, examplePayload: unknown) {
  return defineTrigger<LemonSqueezyParams>({
    type,
    title,
    description,
    parameters: lemonSqueezyParameters,
    examplePayload,
    docsUrl: LEMON_SQUEEZY_WEBHOOKS_DOCS,
    source: lemonSqueezyWebhook(event),
  });
}

export const orderCreatedTrigger = lemonSqueezyTrigger(
  'LEMON_SQUEEZY_TRIGGER_ORDER_CREATED', 'Order created', 'order_created',
  `Fires when a new order is placed in the store (Lemon Squeezy \`order_created\`). ${BODY}; \`data\` is the Order object (\`identifier\`, \`order_number\`, \`user_name\`, \`user_email\`, \`total\`, \`currency\`, \`status\`, \`first_order_item\`, …) and \`meta.custom_data\` carries checkout custom data.`,
  orderCreated,
);

export const orderRefundedTrigger = lemonSqueezyTrigger(
  'LEMON_SQUEEZY_TRIGGER_ORDER_REFUNDED', 'Order refunded', 'order_refunded',
  `Fires when an order is refunded in full or in part (Lemon Squeezy \`order_refunded\`); each partial refund is its own event. ${BODY}; \`data\` is the Order object with \`refunded\`, \`refunded_at\` and \`refunded_amount\`.`,
  orderRefunded,
);

export const subscriptionCreatedTrigger = lemonSqueezyTrigger(
  'LEMON_SQUEEZY_TRIGGER_SUBSCRIPTION_CREATED', 'Subscription created', 'subscription_created',
  `Fires when a new subscription is created (Lemon Squeezy \`subscription_created\`; an \`order_created\` is always sent alongside). ${BODY}; \`data\` is the Subscription object (\`status\`, \`product_name\`, \`variant_name\`, \`user_email\`, \`renews_at\`, \`trial_ends_at\`, …).`,
  subscriptionCreated,
);

export const subscriptionCancelledTrigger = lemonSqueezyTrigger(
  'LEMON_SQUEEZY_TRIGGER_SUBSCRIPTION_CANCELLED', 'Subscription cancelled', 'subscription_cancelled',
  `Fires when a subscription is cancelled by the customer or the store (Lemon Squeezy \`subscription_cancelled\`); it stays usable until \`ends_at\` and may be resumed before then. ${BODY}; \`data\` is the Subscription object with \`status: "cancelled"\` and \`ends_at\`.`,
  subscriptionCancelled,
);

export const licenseKeyCreatedTrigger = lemonSqueezyTrigger(
  'LEMON_SQUEEZY_TRIGGER_LICENSE_KEY_CREATED', 'License key created', 'license_key_created',
  `Fires when a license key is issued for a purchase (Lemon Squeezy \`license_key_created\`). ${BODY}; \`data\` is the License key object (\`key\`, \`key_short\`, \`activation_limit\`, \`status\`, \`expires_at\`, \`order_id\`, \`product_id\`, …).`,
  licenseKeyCreated,
);
