// One shop-specific Shopify webhook subscription per trigger subscription, through the GraphQL Admin API (api.ts says
// why not REST): `webhookSubscriptionCreate(topic, webhookSubscription: {uri, format: JSON})` at subscribe time,
// `webhookSubscriptionDelete(id)` at unsubscribe, and the `webhookSubscription(id)` query every hour (`check`,
// ADR 0018): Shopify reportedly deletes a subscription made through the Admin API after its deliveries failed through
// all retries (8 over 4 hours; see the doc's table), and null then means it is gone and is created again. Shopify documents no disabled
// state, so the check answers 'active' or 'gone'.
// https://shopify.dev/docs/api/admin-graphql/latest/mutations/webhookSubscriptionCreate, …/webhookSubscriptionDelete
//
// Signature (https://shopify.dev/docs/apps/build/webhooks/delivery-structure): `X-Shopify-Hmac-Sha256` = base64
// HMAC-SHA256 of the raw body, keyed with the app's client secret. The key is app-wide — nothing per subscription —
// so the project's integration `webhookSecret` must hold the client secret: register refuses without it rather than
// create a subscription whose deliveries would only be refused, and hands it over as the Registration's secret.
// Shopify signs no timestamp (X-Shopify-Triggered-At is not signed), so there is no freshness window: a replayed
// delivery is stopped by its item key instead.
import { ProviderError, inboundHeader, inboundJson, type HmacScheme, type InboundRequest, type Item, type WebhookSource } from '../../sdk/index.js';
import { adminGraphql, shopDomain, userErrorsError, type UserError } from './api.js';

export const SHOPIFY_SIGNATURE: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  header: 'x-shopify-hmac-sha256',
  encoding: 'base64',
  signingString: '{body}',
};

/** The webhook topics the triggers follow, as delivered in `X-Shopify-Topic`. */
export type ShopifyTopic = 'orders/create' | 'orders/paid' | 'orders/fulfilled' | 'customers/create' | 'products/create' | 'products/update';

/** The GraphQL `WebhookSubscriptionTopic` of a topic: `orders/create` → `ORDERS_CREATE`. */
export function topicEnum(topic: ShopifyTopic): string {
  return topic.replace('/', '_').toUpperCase();
}

/** What the object of each topic is keyed by: its id alone ("created"), or id and `updated_at` (each version once). */
const VERSIONED: Record<ShopifyTopic, boolean> = {
  'orders/create': false,
  'customers/create': false,
  'products/create': false,
  'orders/paid': true,
  'orders/fulfilled': true,
  'products/update': true,
};

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const GID = /^gid:\/\/shopify\/[A-Za-z]+\/([0-9]+)$/;

/**
 * The object's id as text. Taken from `admin_graphql_api_id` when present: Shopify's ids may exceed 2^53 (its own
 * sample payloads use such ids), and only the string keeps every digit once JSON is parsed. Otherwise `id`.
 */
function objectId(body: Record<string, unknown>): string | undefined {
  const gid = GID.exec(str(body.admin_graphql_api_id) ?? '');
  if (gid) return gid[1];
  const id = body.id;
  if (typeof id === 'number' && Number.isInteger(id) && id > 0) return String(id);
  return str(id);
}

/**
 * The item key of one delivery, the same on every retry of it (Shopify retries "with the original payload from the
 * time they were triggered", https://shopify.dev/changelog/updates-to-webhook-retry-mechanism):
 * - created topics: the object id (see objectId) — one order, customer or product is created once;
 * - orders/paid, orders/fulfilled, products/update: id and `updated_at` — each version Shopify announced, once (an
 *   order fulfilled again after a cancelled fulfilment is a new version, and is delivered).
 * Returns null when the body lacks what identifies the event (ignored rather than keyed loosely).
 */
export function eventKey(topic: ShopifyTopic, body: Record<string, unknown>): string | null {
  const id = objectId(body);
  if (!id) return null;
  if (!VERSIONED[topic]) return id;
  const version = str(body.updated_at);
  return version ? `${id}:${version}` : null;
}

const CREATE = `mutation webhookSubscriptionCreate($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
    webhookSubscription { id topic uri }
    userErrors { field message }
  }
}`;

const DELETE = `mutation webhookSubscriptionDelete($id: ID!) {
  webhookSubscriptionDelete(id: $id) {
    deletedWebhookSubscriptionId
    userErrors { field message }
  }
}`;

const READ = `query webhookSubscription($id: ID!) {
  webhookSubscription(id: $id) { id topic uri }
}`;

const SUBSCRIPTION_ID = /^gid:\/\/shopify\/WebhookSubscription\/[0-9]+$/;

function subscriptionId(state: Record<string, unknown>): string | null {
  const id = state.webhookSubscriptionId;
  return typeof id === 'string' && SUBSCRIPTION_ID.test(id) ? id : null;
}

/** Shopify's answer to deleting an id it does not have (not documented word for word; see the doc). */
const NOT_FOUND = /not (be )?found|does not exist|doesn't exist/i;

export function shopifyWebhook(topic: ShopifyTopic): WebhookSource {
  return {
    kind: 'webhook',
    verification: SHOPIFY_SIGNATURE,
    // No redeliveryDays: Shopify documents its automatic retries (8 over 4 hours) but created triggers are keyed by
    // object id, and whether anything can announce the same object again is not documented; a marker kept costs a
    // few hundred bytes, a marker missing a duplicate (ADR 0016).
    // App-wide signing key (see the header): the engine verifies with the project's webhookSecret, which must
    // be the app's client secret, and refuses to subscribe without it.
    appSigningKey: { required: true, description: "the Shopify app's client secret (Dev Dashboard or Partner Dashboard → your app → Settings)" },
    async register(ctx) {
      shopDomain(ctx.credential.extra);
      const data = await adminGraphql<{ webhookSubscriptionCreate?: { webhookSubscription?: { id?: unknown } | null; userErrors?: UserError[] } }>(
        ctx,
        'creating the webhook subscription',
        CREATE,
        { topic: topicEnum(topic), webhookSubscription: { uri: ctx.hookUrl, format: 'JSON' } },
      );
      const result = data.webhookSubscriptionCreate;
      if (result?.userErrors?.length) throw userErrorsError('the webhook subscription', result.userErrors);
      const id = result?.webhookSubscription?.id;
      if (typeof id !== 'string' || !SUBSCRIPTION_ID.test(id)) throw new ProviderError('permanent', 'Shopify created the webhook subscription but answered without its id');
      return { state: { webhookSubscriptionId: id, topic } };
    },
    async unregister(ctx) {
      const id = subscriptionId(ctx.state);
      if (!id) return;
      const data = await adminGraphql<{ webhookSubscriptionDelete?: { userErrors?: UserError[] } }>(ctx, 'deleting the webhook subscription', DELETE, { id });
      const errors = data.webhookSubscriptionDelete?.userErrors ?? [];
      // Already gone at Shopify (deleted after failed deliveries, or with the app's uninstall): nothing to do.
      if (errors.length && !errors.every((e) => NOT_FOUND.test(e.message ?? ''))) throw userErrorsError('deleting the webhook subscription', errors);
    },
    async check(ctx) {
      const id = subscriptionId(ctx.state);
      if (!id) return 'gone';
      const data = await adminGraphql<{ webhookSubscription?: { id?: unknown } | null }>(ctx, 'reading the webhook subscription', READ, { id });
      return data.webhookSubscription ? 'active' : 'gone';
    },
    deliveryId(req) {
      return inboundHeader(req, 'x-shopify-webhook-id') ?? inboundHeader(req, 'x-shopify-event-id');
    },
    toItems(req: InboundRequest, ctx): Item[] {
      // The subscription is for one topic of one shop; anything else reaching its URL is not its event. (The app's
      // key signs every shop's deliveries, so the shop is checked too.)
      if (inboundHeader(req, 'x-shopify-topic') !== topic) return [];
      const shop = inboundHeader(req, 'x-shopify-shop-domain');
      if (shop !== undefined && shop.toLowerCase() !== shopDomain(ctx.credential.extra)) return [];
      const payload = inboundJson(req);
      if (!payload) return [];
      const key = eventKey(topic, payload);
      if (!key) return [];
      const at = Date.parse(str(VERSIONED[topic] ? payload.updated_at : payload.created_at) ?? '');
      return [{ key, payload, ...(Number.isFinite(at) ? { occurredAt: at } : {}) }];
    },
  };
}
