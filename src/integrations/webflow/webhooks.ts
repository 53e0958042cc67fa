// One Webflow site webhook per trigger subscription: `POST /v2/sites/{site_id}/webhooks` with `{triggerType, url,
// filter?}` at subscribe time, `DELETE /v2/webhooks/{webhook_id}` at unsubscribe, and `GET /v2/webhooks/{webhook_id}`
// every hour (`check`, ADR 0018): 404 means it is gone (deleted by the user, or with the app's authorization) and it
// is created again. Webflow documents no disabled state for a webhook, so the check answers 'active' or 'gone'.
// https://developers.webflow.com/data/reference/webhooks/create, …/webhooks/get, …/webhooks/remove
//
// Signature (https://developers.webflow.com/data/reference/webhooks and "Verifying Requests",
// https://developers.webflow.com/docs/verifying-webhook-signatures): webhooks created by an OAuth app carry
// `x-webflow-timestamp` (Unix milliseconds) and `x-webflow-signature` = hex HMAC-SHA256(app client secret,
// `${timestamp}:${body}`); requests older than 5 minutes are to be refused. The key is the OAuth app's client
// secret — app-wide, nothing per webhook — so the project's integration `webhookSecret` must hold the same value
// as the client secret (register refuses without it rather than create a webhook whose deliveries would only be
// refused). Webhooks made from a site's dashboard or with a site API token are not signed: this integration only
// creates webhooks through the connected OAuth app, so every delivery it accepts is signed.
//
// Webflow's sample signs `JSON.stringify(parsedBody)`; we sign the raw body exactly as received, which is the
// same bytes when Webflow sends compact JSON (as its own SDK's verifier assumes). Not confirmed byte-for-byte.
import { ProviderError, type HmacScheme, type InboundRequest, type Item, type WebhookSource } from '../../sdk/index.js';
import { WEBFLOW_ID, webflowError } from './api.js';

export const WEBFLOW_SIGNATURE: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  header: 'x-webflow-signature',
  encoding: 'hex',
  signingString: '{timestamp}:{body}',
  timestampHeader: 'x-webflow-timestamp',
  timestampUnit: 'ms',
  toleranceSeconds: 300,
};

export type WebflowTriggerType = 'form_submission' | 'collection_item_created' | 'collection_item_changed' | 'site_publish';

export interface WebflowParams {
  siteId: string;
  /** form_submission: only submissions of the form with this name (Webflow's `filter: {name}`). */
  formName?: string;
  /** collection_item_*: only items of this collection. */
  collectionId?: string;
}

export interface WebflowWebhookBody {
  triggerType?: string;
  payload?: Record<string, unknown>;
}

function webhookId(state: Record<string, unknown>): string | null {
  const id = state.webhookId;
  return typeof id === 'string' && WEBFLOW_ID.test(id) ? id : null;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The item key of one event, the same on every retry of it (Webflow re-sends the same body, re-signed):
 * - form_submission: the submission id (`payload.id`);
 * - collection_item_created: the item id, with its CMS locale when the site is localized (each locale's
 *   variant of an item is announced on its own);
 * - collection_item_changed: item id and `lastUpdated` (and locale) — each saved version once;
 * - site_publish: site id and `publishedOn`.
 * Returns null when the body lacks what identifies the event (it is then ignored rather than keyed loosely).
 */
export function eventKey(type: WebflowTriggerType, p: Record<string, unknown>): string | null {
  const locale = str(p.cmsLocaleId);
  const withLocale = (k: string) => (locale ? `${k}@${locale}` : k);
  switch (type) {
    case 'form_submission':
      return str(p.id) ?? null;
    case 'collection_item_created':
      return str(p.id) ? withLocale(str(p.id)!) : null;
    case 'collection_item_changed':
      return str(p.id) && str(p.lastUpdated) ? withLocale(`${str(p.id)}:${str(p.lastUpdated)}`) : null;
    case 'site_publish':
      return str(p.siteId) && str(p.publishedOn) ? `${str(p.siteId)}:${str(p.publishedOn)}` : null;
  }
}

const OCCURRED_AT: Record<WebflowTriggerType, string> = {
  form_submission: 'submittedAt',
  collection_item_created: 'createdOn',
  collection_item_changed: 'lastUpdated',
  site_publish: 'publishedOn',
};

export function webflowWebhook(type: WebflowTriggerType): WebhookSource<WebflowParams> {
  return {
    kind: 'webhook',
    verification: WEBFLOW_SIGNATURE,
    // No redeliveryDays: Webflow documents three retries ten minutes apart (v1 "Limits and Retries") but no bound
    // for the v2 API or for any manual resend (not confirmed), so every key stays stored as a dedupe marker.
    appSigningKey: { required: true, description: "the Webflow OAuth app's client secret" },
    async register(ctx) {
      const { siteId, formName } = ctx.params;
      const res = await ctx.http.request<{ id?: unknown }>({
        method: 'POST',
        path: `/sites/${siteId}/webhooks`,
        json: { triggerType: type, url: ctx.hookUrl, ...(type === 'form_submission' && formName ? { filter: { name: formName } } : {}) },
        allowStatus: [400, 403, 404, 409, 422],
      });
      if (res.status >= 400) throw webflowError('creating the webhook', res);
      const id = res.body?.id;
      if (typeof id !== 'string' || !WEBFLOW_ID.test(id)) throw new ProviderError('permanent', 'Webflow created the webhook but answered without its id');
      return { state: { webhookId: id, siteId } };
    },
    async unregister(ctx) {
      const id = webhookId(ctx.state);
      if (!id) return;
      // 404: already gone at Webflow (deleted by the user, or with the site's authorization).
      const res = await ctx.http.request({ method: 'DELETE', path: `/webhooks/${id}`, allowStatus: [404] });
      if (res.status >= 400 && res.status !== 404) throw webflowError('deleting the webhook', res);
    },
    async check(ctx) {
      const id = webhookId(ctx.state);
      if (!id) return 'gone';
      const res = await ctx.http.request({ method: 'GET', path: `/webhooks/${id}`, allowStatus: [403, 404] });
      if (res.status === 404) return 'gone';
      // 403 (scope, or the site's authorization withdrawn) says nothing about the webhook: "could not tell".
      if (res.status >= 400) throw webflowError('reading the webhook', res);
      return 'active';
    },
    toItems(req: InboundRequest, ctx): Item[] {
      const body = req.body as WebflowWebhookBody | null;
      const p = body?.payload;
      if (!body || body.triggerType !== type || !p || typeof p !== 'object') return [];
      // The webhook belongs to one site; an event naming another is not this subscription's.
      if (str(p.siteId) && p.siteId !== ctx.params.siteId) return [];
      if (type === 'form_submission' && ctx.params.formName && p.name !== ctx.params.formName) return [];
      if (type.startsWith('collection_item_') && ctx.params.collectionId && p.collectionId !== ctx.params.collectionId) return [];
      const key = eventKey(type, p);
      if (!key) return [];
      const at = Date.parse(str(p[OCCURRED_AT[type]]) ?? '');
      return [{ key, payload: body, ...(Number.isFinite(at) ? { occurredAt: at } : {}) }];
    },
  };
}
