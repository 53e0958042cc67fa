// Netlify outgoing webhooks ("hooks"), one per trigger subscription (https://open-api.netlify.com/#tag/hook,
// https://docs.netlify.com/site-deploys/notifications/#outgoing-webhooks):
// `POST /hooks?site_id=…` with `{site_id, type: "url", event, data: {url, signature_secret}}` — our
// per-subscription URL and the subscription's own secret as the JWS secret; Netlify answers the hook with its `id`.
// `DELETE /hooks/{id}` on unsubscribe (404 tolerated); `GET /hooks/{id}` every hour (`check`): 404 → created
// again, `disabled: true` (Netlify disables a hook whose deliveries keep failing) → deleted and created again.
//
// Verification: `X-Webhook-Signature` is a JWS (HS256, signed with the hook's `signature_secret`) whose claims are
// `{"iss": "netlify", "sha256": "<hex SHA-256 of the body>"}`: the SDK's `jwt` scheme with `bodySha256Claim`.
//
// Keys: a deploy notification is the deploy object, so `${id}:${state}` (a deploy passes through each state once;
// a retried delivery repeats both); a form notification is the submission, keyed by its id. No
// `redeliveryDays`: how long Netlify may send a notification again is not documented.
import { ProviderError, type InboundRequest, type Item, type JwtScheme, type WebhookSource } from '../../sdk/index.js';
import { NETLIFY_ERROR_STATUSES, netlifyError } from './api.js';

export const NETLIFY_HOOKS_DOCS = 'https://docs.netlify.com/site-deploys/notifications/#outgoing-webhooks';

export const netlifySignatureScheme: JwtScheme = {
  kind: 'jwt',
  algorithm: 'HS256',
  header: 'x-webhook-signature',
  bodySha256Claim: 'sha256',
};

export type NetlifyHookEvent = 'deploy_created' | 'deploy_building' | 'deploy_succeeded' | 'deploy_failed' | 'submission_created';

export interface NetlifyParams {
  siteId?: string;
  formId?: string;
}

/** A site id (a UUID) or the site's Netlify domain (`my-site.netlify.app`), both accepted where the API takes `site_id`. */
export const SITE_ID = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;
/** A form id (24 hex characters in Netlify's examples; any short id-like text is accepted). */
export const FORM_ID = /^[A-Za-z0-9_-]{1,64}$/;

function nonEmpty(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

export function siteIdOf(params: NetlifyParams): string {
  const siteId = params.siteId;
  if (typeof siteId !== 'string' || !SITE_ID.test(siteId)) {
    throw new ProviderError('permanent', 'siteId: must be a Netlify site id (its API ID) or its netlify.app domain');
  }
  return siteId;
}

/** The deploy state each deploy event reports, or null for events that take any state. */
const DEPLOY_STATES: Record<Exclude<NetlifyHookEvent, 'submission_created'>, readonly string[] | null> = {
  deploy_created: null,
  deploy_building: null,
  deploy_succeeded: ['ready'],
  deploy_failed: ['error'],
};

export function netlifyDeliveryId(req: InboundRequest): string | undefined {
  const body = req.body as { id?: unknown } | null;
  return body && typeof body === 'object' ? (nonEmpty(body.id) ?? undefined) : undefined;
}

function occurredAt(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const at = Date.parse(value);
  return Number.isFinite(at) ? at : undefined;
}

/**
 * The item of one delivery: the body as sent. Deploys are keyed by `${id}:${state}` and must belong to the
 * subscription's site (compared by id when the subscription names a UUID); a succeeded/failed trigger takes only
 * deploys in the state it reports. Submissions are keyed by id, and filtered by form when `formId` is set.
 */
export function itemsOf(event: NetlifyHookEvent, body: unknown, params: NetlifyParams): Item[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return [];
  const b = body as Record<string, unknown>;
  const id = nonEmpty(b.id);
  if (!id) return [];
  const at = occurredAt(event === 'submission_created' ? b.created_at : b.updated_at ?? b.created_at);
  const time = at !== undefined ? { occurredAt: at } : {};
  if (event === 'submission_created') {
    if (params.formId && b.form_id !== params.formId) return [];
    return [{ key: id, payload: body, ...time }];
  }
  const state = nonEmpty(b.state);
  if (!state) return [];
  const states = DEPLOY_STATES[event];
  if (states && !states.includes(state)) return [];
  const siteId = nonEmpty(b.site_id);
  if (params.siteId && siteId && siteId !== params.siteId && isUuid(params.siteId)) return [];
  return [{ key: `${id}:${state}`, payload: body, ...time }];
}

function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

interface NetlifyHookObject {
  id?: unknown;
  disabled?: unknown;
}

export function netlifyWebhook(event: NetlifyHookEvent): WebhookSource<NetlifyParams> {
  return {
    kind: 'webhook',
    verification: netlifySignatureScheme,
    async register(ctx) {
      const siteId = siteIdOf(ctx.params);
      const res = await ctx.http.request<NetlifyHookObject>({
        method: 'POST',
        path: '/hooks',
        query: { site_id: siteId },
        json: { site_id: siteId, type: 'url', event, data: { url: ctx.hookUrl, signature_secret: ctx.secret } },
        allowStatus: NETLIFY_ERROR_STATUSES,
      });
      if (res.status >= 400) throw netlifyError(res);
      const id = nonEmpty(res.body?.id);
      if (!id) throw new ProviderError('permanent', 'Netlify created the hook but answered without its id');
      return { state: { hookId: id } };
    },
    async unregister(ctx) {
      const id = nonEmpty(ctx.state.hookId);
      if (!id) return;
      const res = await ctx.http.request({ method: 'DELETE', path: `/hooks/${encodeURIComponent(id)}`, allowStatus: NETLIFY_ERROR_STATUSES });
      // 404: already deleted at Netlify.
      if (res.status >= 400 && res.status !== 404) throw netlifyError(res);
    },
    async check(ctx) {
      const id = nonEmpty(ctx.state.hookId);
      if (!id) return 'gone';
      const res = await ctx.http.request<NetlifyHookObject>({ path: `/hooks/${encodeURIComponent(id)}`, allowStatus: NETLIFY_ERROR_STATUSES });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw netlifyError(res);
      return res.body?.disabled === true ? 'inactive' : 'active';
    },
    deliveryId: netlifyDeliveryId,
    toItems: (req, ctx) => itemsOf(event, req.body, ctx.params),
  };
}
