// One Tally webhook per trigger subscription, created through the API on the chosen form:
// `POST /webhooks {formId, url, eventTypes: ["FORM_RESPONSE"], signingSecret}` with our per-subscription URL and a
// fresh secret (https://developers.tally.so/api-reference/endpoint/webhooks/post); `DELETE /webhooks/{id}` on
// unsubscribe, a 404 meaning it is gone already (https://developers.tally.so/api-reference/endpoint/webhooks/delete).
//
// Signature (https://tally.so/help/webhooks, "Add a signing secret"): with a signing secret set, every request
// carries `Tally-Signature: <base64 HMAC-SHA256(signing secret, raw JSON body)>`, no prefix. No timestamp is signed,
// so a captured request can be replayed; it carries the same responseId and is recognized by its dedupe marker,
// which is why the trigger declares no redeliveryDays.
import { inboundJson, ProviderError, type HmacScheme, type InboundRequest, type Item, type WebhookSource } from '../../sdk/index.js';
import { FORM_ID, TALLY_ERROR_STATUSES, tallyError, timeOf } from './api.js';

export const TALLY_SIGNATURE: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  header: 'tally-signature',
  encoding: 'base64',
  signingString: '{body}',
};

/** The one event type Tally's webhooks send: a new form submission. */
export const FORM_RESPONSE = 'FORM_RESPONSE';

export interface TallyParams {
  formId: string;
}

export interface TallyResponseBody {
  eventId?: unknown;
  eventType?: unknown;
  createdAt?: unknown;
  data?: {
    responseId?: unknown;
    submissionId?: unknown;
    respondentId?: unknown;
    formId?: unknown;
    formName?: unknown;
    createdAt?: unknown;
    fields?: unknown;
  };
}

interface TallyWebhook {
  id?: unknown;
}

/**
 * The item key of one delivered response: its `responseId` (falling back to `submissionId`), the same in every
 * retry of the delivery and in a replay, so each response is delivered once. The event id is not used: Tally does
 * not say whether a retry keeps it.
 */
export function responseKey(body: TallyResponseBody): string | null {
  const id = [body.data?.responseId, body.data?.submissionId].find((v): v is string => typeof v === 'string' && v !== '');
  return id ?? null;
}

export function tallyResponseWebhook(): WebhookSource<TallyParams> {
  return {
    kind: 'webhook',
    verification: TALLY_SIGNATURE,
    async register(ctx) {
      if (!FORM_ID.test(ctx.params.formId)) throw new ProviderError('permanent', 'formId is not a Tally form id');
      const res = await ctx.http.request<TallyWebhook>({
        method: 'POST',
        path: '/webhooks',
        json: { formId: ctx.params.formId, url: ctx.hookUrl, eventTypes: [FORM_RESPONSE], signingSecret: ctx.secret },
        allowStatus: TALLY_ERROR_STATUSES,
      });
      if (res.status >= 400) throw tallyError(res, ctx.now());
      const id = res.body?.id;
      if (typeof id !== 'string' || id === '') throw new ProviderError('permanent', 'Tally created the webhook but answered without its id');
      return { state: { webhookId: id, formId: ctx.params.formId } };
    },
    async unregister(ctx) {
      const id = ctx.state.webhookId;
      if (typeof id !== 'string' || id === '') return;
      const res = await ctx.http.request({ method: 'DELETE', path: `/webhooks/${encodeURIComponent(id)}`, allowStatus: TALLY_ERROR_STATUSES });
      if (res.status >= 400 && res.status !== 404) throw tallyError(res, ctx.now());
    },
    deliveryId(req) {
      const id = inboundJson(req)?.eventId;
      return typeof id === 'string' ? id : undefined;
    },
    toItems(req: InboundRequest, ctx): Item[] {
      const body = inboundJson(req) as TallyResponseBody | null;
      if (!body || body.eventType !== FORM_RESPONSE || !body.data || typeof body.data !== 'object') return [];
      // The webhook belongs to one form; a body naming another is not ours.
      if (typeof body.data.formId === 'string' && body.data.formId !== ctx.params.formId) return [];
      const key = responseKey(body);
      if (!key) return [];
      const at = timeOf(body.data.createdAt) ?? timeOf(body.createdAt);
      return [{ key, payload: body, ...(at !== undefined ? { occurredAt: at } : {}) }];
    },
  };
}
