// The shop's GraphQL Admin API: where a credential's calls go, how they are sent, and how Shopify's failures map
// to ProviderError kinds.
//
// Host: every Shopify store has its own Admin API at `https://{shop}.myshopify.com/admin/api/{version}/graphql.json`
// (https://shopify.dev/docs/api/admin-graphql — every example posts there with `X-Shopify-Access-Token`). The store is
// the credential's account parameter `shop` (`extra.shop`, e.g. `acme`), which the engine puts into the integration's
// apiBaseUrl, so the calls here are relative.
//
// Why GraphQL, not REST `POST /admin/api/{version}/webhooks.json`: "The REST Admin API is a legacy API as of October 1,
// 2024. Starting April 1, 2025, all new public apps must be built exclusively with the GraphQL Admin API"
// (https://shopify.dev/api/admin-rest/latest/resources/webhook).
import { ProviderError, retryAfterMs, type HttpClient, type HttpResponse } from '../../sdk/index.js';

/**
 * The Admin API version the calls (and so the webhook payloads: a subscription inherits the version of the call that
 * created it) use. `WebhookSubscriptionInput.uri` exists from 2025-10 on
 * (https://shopify.dev/changelog/consolidate-webhook-graphql-surfaces); Shopify supports a version for at least 12
 * months and falls forward to the oldest supported one after that.
 */
export const SHOPIFY_API_VERSION = '2026-07';

/** The Admin API endpoint, relative to the store's apiBaseUrl. */
export const GRAPHQL_PATH = `/admin/api/${SHOPIFY_API_VERSION}/graphql.json`;

/** The store behind a token (https://shopify.dev/docs/api/admin-graphql/latest/queries/shop). */
export const SHOP_QUERY = 'query { shop { myshopifyDomain name } }';

/**
 * The credential's store as Shopify names it in webhook headers (`acme.myshopify.com`), from its account parameter
 * `shop` (the engine keeps it as one checked, lower-case label).
 */
export function shopDomain(extra: Record<string, unknown>): string {
  const shop = extra.shop;
  if (typeof shop !== 'string' || shop === '') {
    throw new ProviderError('permanent', "the Shopify credential has no shop: connect it with parameters.shop, or create it with extra.shop (e.g. acme)");
  }
  return `${shop}.myshopify.com`;
}

interface GraphqlError {
  message?: unknown;
  extensions?: { code?: unknown };
}

interface GraphqlBody<T> {
  data?: T | null;
  errors?: GraphqlError[] | string | Record<string, unknown>;
  extensions?: { cost?: { requestedQueryCost?: unknown; throttleStatus?: { currentlyAvailable?: unknown; restoreRate?: unknown } } };
}

export interface UserError {
  field?: string[] | null;
  message?: string;
}

const text = (v: unknown, max = 300) => (typeof v === 'string' ? v.slice(0, max) : '');

/** Shopify's `errors` member, whatever its shape: a string (REST-style), a list of GraphQL errors, or an object. */
function errorsText(errors: GraphqlBody<unknown>['errors']): string {
  if (typeof errors === 'string') return text(errors);
  if (Array.isArray(errors)) return errors.map((e) => text(e?.message, 200)).filter(Boolean).join('; ').slice(0, 300);
  if (errors && typeof errors === 'object') return text(JSON.stringify(errors));
  return '';
}

/**
 * A failed HTTP answer the call let through. 401 and 5xx are classified by ctx.http before they get here; 429 is let
 * through to keep Shopify's message (its Retry-After, reportedly fractional like `2.0`, is read by the SDK); the rest
 * are answers retrying will not change: 402 (the shop is frozen for an unpaid bill), 403 (scope), 404 (no such shop),
 * 423 (shop locked) — https://shopify.dev/docs/api/usage/response-codes.
 */
export function shopifyHttpError(what: string, res: HttpResponse<unknown>): ProviderError {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as GraphqlBody<unknown>;
  const detail = errorsText(body.errors);
  const message = `Shopify ${res.status} ${what}${detail ? `: ${detail}` : ''}`;
  if (res.status === 401) return new ProviderError('auth', message, 401);
  if (res.status === 429) return new ProviderError('rate_limited', message, 429, retryAfterMs(res.headers['retry-after'], Date.now()));
  if (res.status >= 500) return new ProviderError('transient', message, res.status);
  return new ProviderError('permanent', message, res.status);
}

/**
 * The wait a THROTTLED answer asks for: the points missing for the query at the bucket's restore rate
 * (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits), at least one second.
 */
function throttleWaitMs(body: GraphqlBody<unknown>): number {
  const cost = body.extensions?.cost;
  const requested = Number(cost?.requestedQueryCost);
  const available = Number(cost?.throttleStatus?.currentlyAvailable);
  const rate = Number(cost?.throttleStatus?.restoreRate);
  if (!Number.isFinite(requested) || !Number.isFinite(available) || !(rate > 0)) return 1000;
  return Math.max(1000, Math.ceil(((requested - available) / rate) * 1000));
}

/**
 * A GraphQL answer with top-level `errors` (HTTP 200): THROTTLED → rate_limited with the bucket's wait;
 * INTERNAL_SERVER_ERROR → transient; anything else (ACCESS_DENIED for a missing scope, a bad query) → permanent.
 */
export function graphqlErrors(what: string, body: GraphqlBody<unknown>): ProviderError {
  const list = Array.isArray(body.errors) ? body.errors : [];
  const codes = list.map((e) => e?.extensions?.code);
  const message = `Shopify ${what}: ${errorsText(body.errors) || 'GraphQL errors'}`;
  if (codes.includes('THROTTLED')) return new ProviderError('rate_limited', message, 429, throttleWaitMs(body));
  if (codes.includes('INTERNAL_SERVER_ERROR')) return new ProviderError('transient', message);
  return new ProviderError('permanent', message);
}

/** `userErrors` of a mutation as a permanent failure naming Shopify's messages. */
export function userErrorsError(what: string, errors: UserError[]): ProviderError {
  const detail = errors.map((e) => `${e.field?.length ? `${e.field.join('.')}: ` : ''}${text(e.message, 200)}`).join('; ').slice(0, 300);
  return new ProviderError('permanent', `Shopify refused ${what}: ${detail}`);
}

/** POST one GraphQL operation to the credential's shop and return `data`. */
export async function adminGraphql<T>(
  ctx: { http: HttpClient },
  what: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<T> {
  const res = await ctx.http.request<GraphqlBody<T>>({
    method: 'POST',
    path: GRAPHQL_PATH,
    json: { query, variables },
    allowStatus: [400, 402, 403, 404, 406, 422, 423, 429],
  });
  if (res.status >= 400) throw shopifyHttpError(what, res);
  const body = res.body ?? {};
  if (body.errors !== undefined && !(Array.isArray(body.errors) && body.errors.length === 0)) throw graphqlErrors(what, body);
  if (!body.data) throw new ProviderError('permanent', `Shopify answered ${what} without data`);
  return body.data;
}
