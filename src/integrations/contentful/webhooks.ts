// Per-subscription Contentful webhooks (CMA webhook definitions): `POST /spaces/{space_id}/webhook_definitions`
// with our per-subscription URL, the trigger's one topic (`Entry.publish`, …), filters for the environment and
// content type the subscription names, and one custom header carrying the subscription's secret, marked
// `secret: true` (Contentful never shows it again, in the web app, API answers or webhook logs);
// `DELETE …/webhook_definitions/{id}` on unsubscribe; `GET …/webhook_definitions/{id}` every hour.
//
// Why a secret header and not Contentful's request verification: the signing secret
// (`PUT /spaces/{space_id}/webhook_settings/signing_secret`) is one per space, shared by every webhook of the space.
// Setting it would replace the key the customer's other receivers verify with, and every subscription of the space
// would share one key. Its signature is also over a canonical request whose signed headers are listed per request
// (`x-contentful-signed-headers`), which our verification schemes do not express. The secret header is chosen by
// us, one per subscription, and is sent over HTTPS only to our URL. It proves the sender knows the secret; it does
// not sign the body. See docs/integrations/contentful.md.
//
// https://www.contentful.com/developers/docs/references/content-management-api/#/reference/webhooks
// https://www.contentful.com/developers/docs/webhooks/filters/ (topics and filters)
// https://www.contentful.com/developers/docs/webhooks/headers/ (X-Contentful-Topic; secret header values)
import {
  ProviderError,
  inboundHeader,
  inboundJson,
  type InboundRequest,
  type Item,
  type SharedSecretScheme,
  type WebhookContext,
  type WebhookSource,
} from '../../sdk/index.js';
import { CMA_MEDIA_TYPE, CONTENTFUL_ERROR_STATUSES, contentfulError } from './api.js';

export const CONTENTFUL_WEBHOOKS_DOCS = 'https://www.contentful.com/developers/docs/references/content-management-api/#/reference/webhooks';

/** The custom header we add to each webhook, with the subscription's secret as its (secret) value. */
export const CONTENTFUL_SECRET_HEADER = 'X-OpenTriggers-Secret';

/** Every delivery carries the subscription's secret in our header; compared in constant time. */
export const CONTENTFUL_SECRET_SCHEME: SharedSecretScheme = { kind: 'sharedSecret', header: CONTENTFUL_SECRET_HEADER.toLowerCase() };

export interface ContentfulParams {
  spaceId: string;
  environmentId?: string;
  contentTypeId?: string;
}

export type ContentfulEntity = 'Entry' | 'Asset';
export type ContentfulAction = 'create' | 'publish' | 'unpublish' | 'delete';

type Body = Record<string, unknown>;
type Sys = Record<string, unknown>;

function text(value: unknown): string | null {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

function sysOf(value: unknown): Sys | null {
  if (!value || typeof value !== 'object') return null;
  const sys = (value as { sys?: unknown }).sys;
  return sys && typeof sys === 'object' && !Array.isArray(sys) ? (sys as Sys) : null;
}

/** The id of a link such as `sys.environment` (`{sys: {type: "Link", id}}`). */
function linkId(value: unknown): string | null {
  return text(sysOf(value)?.id);
}

function trimmed(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** The space, environment and content type a subscription names (validated by the parameters). */
export function scopeOf(params: ContentfulParams): { spaceId: string; environmentId?: string; contentTypeId?: string } {
  const spaceId = trimmed(params.spaceId);
  if (!spaceId) throw new ProviderError('permanent', 'spaceId is required');
  const environmentId = trimmed(params.environmentId);
  const contentTypeId = trimmed(params.contentTypeId);
  return { spaceId, ...(environmentId ? { environmentId } : {}), ...(contentTypeId ? { contentTypeId } : {}) };
}

/** Contentful's webhook filters for the subscription's environment and content type (all must match). */
export function filtersFor(entity: ContentfulEntity, params: ContentfulParams): unknown[] {
  const { environmentId, contentTypeId } = scopeOf(params);
  const filters: unknown[] = [];
  if (environmentId) filters.push({ equals: [{ doc: 'sys.environment.sys.id' }, environmentId] });
  if (contentTypeId && entity === 'Entry') filters.push({ equals: [{ doc: 'sys.contentType.sys.id' }, contentTypeId] });
  return filters;
}

function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * The item key of a delivery: the entity (environment and id, as ids are unique per environment), the action and
 * what tells two occurrences apart — nothing for create (an entity is created once), the version published for
 * publish, and the time of the unpublish or deletion (Contentful's `DeletedEntry`/`DeletedAsset` tombstone carries
 * `deletedAt`). A retry of the same delivery has the same body, so the same key.
 */
export function keyOf(action: ContentfulAction, body: Body): string | null {
  const sys = sysOf(body);
  const id = text(sys?.id);
  if (!sys || !id) return null;
  const entity = `${linkId(sys.environment) ?? '-'}/${id}`;
  switch (action) {
    case 'create':
      return `${entity}:create`;
    case 'publish': {
      const version = text(sys.publishedVersion) ?? text(sys.version) ?? text(sys.revision) ?? text(sys.updatedAt);
      return version ? `${entity}:publish:${version}` : null;
    }
    case 'unpublish':
    case 'delete': {
      const when = text(sys.deletedAt) ?? text(sys.updatedAt) ?? text(sys.revision);
      return when ? `${entity}:${action}:${when}` : null;
    }
  }
}

function occurredAtOf(action: ContentfulAction, body: Body): number | undefined {
  const sys = sysOf(body);
  if (action === 'unpublish' || action === 'delete') return parseTime(sys?.deletedAt) ?? parseTime(sys?.updatedAt);
  if (action === 'create') return parseTime(sys?.createdAt);
  return parseTime(sys?.publishedAt) ?? parseTime(sys?.updatedAt);
}

function stateOf(state: Record<string, unknown>): { webhookId: string; spaceId: string } | null {
  const webhookId = text(state.webhookId);
  const spaceId = text(state.spaceId);
  const ok = (v: string | null): v is string => v !== null && /^[a-zA-Z0-9-_.]{1,64}$/.test(v);
  return ok(webhookId) && ok(spaceId) ? { webhookId, spaceId } : null;
}

const definitionPath = (spaceId: string, webhookId?: string) =>
  `/spaces/${encodeURIComponent(spaceId)}/webhook_definitions${webhookId ? `/${encodeURIComponent(webhookId)}` : ''}`;

export function contentfulWebhook(entity: ContentfulEntity, action: ContentfulAction): WebhookSource<ContentfulParams> {
  const topic = `${entity}.${action}`;
  const headerTopic = `ContentManagement.${topic}`;
  return {
    kind: 'webhook',
    verification: CONTENTFUL_SECRET_SCHEME,
    // No redeliveryDays: a space's retry policy may be configured up to ~24 h, and Contentful does not document how
    // long a call can be sent again by hand from the webhook log; markers are kept.
    async register(ctx) {
      const { spaceId, environmentId, contentTypeId } = scopeOf(ctx.params);
      const res = await ctx.http.request<{ sys?: { id?: unknown } | null } | null>({
        method: 'POST',
        path: definitionPath(spaceId),
        headers: { 'content-type': CMA_MEDIA_TYPE },
        json: {
          name: `OpenTriggers ${topic}`.slice(0, 255),
          url: ctx.hookUrl,
          topics: [topic],
          filters: filtersFor(entity, ctx.params),
          headers: [{ key: CONTENTFUL_SECRET_HEADER, value: ctx.secret, secret: true }],
          active: true,
        },
        allowStatus: CONTENTFUL_ERROR_STATUSES,
      });
      if (res.status >= 400) throw contentfulError(`creating the ${topic} webhook in space ${spaceId}`, res);
      const webhookId = text(res.body?.sys?.id);
      if (!webhookId) throw new ProviderError('transient', 'Contentful created the webhook but answered without its id');
      ctx.log.info('contentful webhook created', { webhookId, spaceId, topic });
      return { state: { webhookId, spaceId, topic, ...(environmentId ? { environmentId } : {}), ...(contentTypeId ? { contentTypeId } : {}) } };
    },
    async unregister(ctx) {
      const hook = stateOf(ctx.state);
      if (!hook) return;
      const res = await ctx.http.request({ method: 'DELETE', path: definitionPath(hook.spaceId, hook.webhookId), allowStatus: CONTENTFUL_ERROR_STATUSES });
      if (res.status === 404) {
        ctx.log.info('contentful webhook already gone', { webhookId: hook.webhookId });
        return;
      }
      if (res.status >= 400) throw contentfulError(`deleting webhook ${hook.webhookId}`, res);
    },
    async check(ctx) {
      const hook = stateOf(ctx.state);
      if (!hook) return 'gone';
      const res = await ctx.http.request<{ active?: unknown; topics?: unknown } | null>({
        method: 'GET', path: definitionPath(hook.spaceId, hook.webhookId), allowStatus: CONTENTFUL_ERROR_STATUSES,
      });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw contentfulError(`reading webhook ${hook.webhookId}`, res);
      // Someone may disable the webhook in the web app (active: false): Contentful sends it nothing.
      return res.body?.active === false ? 'inactive' : 'active';
    },
    deliveryId(req: InboundRequest) {
      return inboundHeader(req, 'x-contentful-idempotency-key') ?? inboundHeader(req, 'x-contentful-crn');
    },
    toItems(req): Item[] {
      // The topic header names the event; a body of another topic (a webhook edited by hand) is ignored.
      if (inboundHeader(req, 'x-contentful-topic') !== headerTopic) return [];
      const body = inboundJson(req);
      if (!body) return [];
      const key = keyOf(action, body);
      if (key === null) return [];
      const occurredAt = occurredAtOf(action, body);
      return [{ key, payload: body, ...(occurredAt !== undefined ? { occurredAt } : {}) }];
    },
  };
}

export type ContentfulWebhookContext = WebhookContext<ContentfulParams>;
