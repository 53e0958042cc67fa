// Per-subscription Typeform webhooks, one per trigger subscription: `PUT /forms/{form_id}/webhooks/{tag}`
// (create or update by tag) with our hook URL, a fresh secret and the trigger's event type; `DELETE` of the same
// path on unsubscribe; `GET` of it every hour (`check`, ADR 0018) so a webhook Typeform disabled or the user
// deleted is registered again.
// https://www.typeform.com/developers/webhooks/reference/create-or-update-webhook/
//
// Signature (https://www.typeform.com/developers/webhooks/secure-your-webhooks/): `Typeform-Signature:
// sha256=<base64 HMAC-SHA256(secret, raw body)>`. No timestamp is signed, so a captured request can be
// replayed; a replay carries the same response token and is recognized by its dedupe marker, which is why these
// triggers declare no redeliveryDays (the marker must outlive any replay, not only Typeform's retries).
import { createHash } from 'node:crypto';
import { ProviderError, type HmacScheme, type Item, type WebhookSource } from '../../sdk/index.js';
import { typeformError, webhookPath, webhookTag } from './api.js';

export const TYPEFORM_SIGNATURE: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  header: 'typeform-signature',
  prefix: 'sha256=',
  encoding: 'base64',
};

/** The event types a Typeform webhook can subscribe to (`event_types` of the webhook). */
export type TypeformEvent = 'form_response' | 'form_response_partial';

export interface TypeformParams {
  formId: string;
}

export interface FormResponseBody {
  event_id?: string;
  event_type?: string;
  form_response?: {
    form_id?: string;
    token?: string;
    submitted_at?: string;
    landed_at?: string;
    answers?: unknown[];
    [k: string]: unknown;
  };
}

interface TypeformWebhook {
  id?: string;
  tag?: string;
  url?: string;
  enabled?: boolean;
  event_types?: Record<string, boolean>;
}

/**
 * The item key of one pushed body. A complete response is submitted once: its `token` (the response id) is the
 * key, the same in every retry. A form with several partial submit points can send several partial responses
 * for one token, each with more answers; the key adds a digest of the answers, so each snapshot is delivered
 * once and a retry of one (same answers) is not delivered again — whether or not Typeform keeps `event_id`
 * across retries, which its docs do not say.
 */
export function itemKey(event: TypeformEvent, body: FormResponseBody): string | null {
  const token = body.form_response?.token;
  if (typeof token !== 'string' || token === '') return null;
  if (event === 'form_response') return token;
  const answers = JSON.stringify(body.form_response?.answers ?? []);
  return `${token}:partial:${createHash('sha256').update(answers).digest('hex').slice(0, 16)}`;
}

export function typeformWebhook(event: TypeformEvent): WebhookSource<TypeformParams> {
  return {
    kind: 'webhook',
    verification: TYPEFORM_SIGNATURE,
    async register(ctx) {
      const tag = webhookTag(ctx.hookUrl);
      const path = webhookPath(ctx.params.formId, tag);
      if (!path) throw new ProviderError('permanent', 'formId is not a Typeform form id');
      const res = await ctx.http.request<TypeformWebhook>({
        method: 'PUT',
        path,
        json: { url: ctx.hookUrl, enabled: true, secret: ctx.secret, verify_ssl: true, event_types: { [event]: true } },
        allowStatus: [400, 403, 404, 422, 429],
      });
      if (res.status >= 400) throw typeformError(res);
      return { state: { formId: ctx.params.formId, tag, url: ctx.hookUrl, ...(typeof res.body?.id === 'string' ? { webhookId: res.body.id } : {}) } };
    },
    async unregister(ctx) {
      const path = webhookPath(ctx.state.formId, ctx.state.tag);
      if (!path) return;
      // 404: the webhook (or its form) is gone already. Other refusals are reported as a teardown warning.
      const res = await ctx.http.request({ method: 'DELETE', path, allowStatus: [403, 404, 429] });
      if (res.status !== 404 && res.status >= 400) throw typeformError(res);
    },
    async check(ctx) {
      // Typeform disables a webhook at once when our URL answers 404 or 410, and the user may switch it off or
      // delete it in the form's Connect panel; nobody is told. https://www.typeform.com/developers/webhooks/
      const path = webhookPath(ctx.state.formId, ctx.state.tag);
      if (!path) return 'gone';
      const res = await ctx.http.request<TypeformWebhook>({ method: 'GET', path, allowStatus: [403, 404, 429] });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw typeformError(res);
      const hook = res.body ?? {};
      // Switched off, pointed elsewhere, or no longer subscribed to our event: replace it with ours.
      if (hook.enabled === false) return 'inactive';
      if (typeof ctx.state.url === 'string' && typeof hook.url === 'string' && hook.url !== ctx.state.url) return 'inactive';
      if (hook.event_types && hook.event_types[event] !== true) return 'inactive';
      return 'active';
    },
    deliveryId(req) {
      const id = (req.body as FormResponseBody | null)?.event_id;
      return typeof id === 'string' ? id : undefined;
    },
    toItems(req, ctx): Item[] {
      const body = req.body as FormResponseBody | null;
      if (!body || body.event_type !== event) return [];
      const formId = body.form_response?.form_id;
      if (typeof formId === 'string' && formId !== ctx.params.formId) return [];
      const key = itemKey(event, body);
      if (!key) return [];
      const at = Date.parse(body.form_response?.submitted_at ?? '');
      return [{ key, payload: body, ...(Number.isFinite(at) ? { occurredAt: at } : {}) }];
    },
  };
}
