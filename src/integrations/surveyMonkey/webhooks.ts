// One SurveyMonkey webhook per trigger subscription (API v3, https://api.surveymonkey.com/v3/docs#webhooks):
// `POST /webhooks` {name, event_type, object_type: "survey", object_ids: [the survey], subscription_url: our hook URL}
// — for `survey_created`, no object_type or object_ids (the event has no survey to filter by) —; deleted with
// `DELETE /webhooks/{id}` at unsubscribe, and read every hour with `GET /webhooks/{id}` (ADR 0018): a 404 (deleted
// in SurveyMonkey, or with the app's access) makes the engine create it again.
//
// Creation: SurveyMonkey requires that the subscription URL "accept a HEAD request and return a 200"; our
// `/hooks/s/{id}` routes answer HEAD with 200 without verification (src/http/routes/hooks.ts), so no handshake
// is declared.
//
// Signature: `Sm-Signature` = base64 of the HMAC-SHA1 of the raw body keyed with "{api_key}&{api_secret}" — the
// APP's client id (or legacy API key) and its secret, the same for every webhook of the app; `Sm-Apikey` carries
// the client id. So the key is the project's `webhookSecret` for surveyMonkey, set to "{client id}&{client secret}"
// (appSigningKey, ADR 0026): a rotated secret applies at once. No timestamp is signed: a replay is caught by the key.
//
// Deliveries carry ids only (`event_id`, `object_id`, `resources.survey_id`…), so toItems reads the object back:
// the response with its answers (`GET /surveys/{survey_id}/responses/{id}/details`) or the survey
// (`GET /surveys/{id}`), and delivers `{event, response}` / `{event, survey}`.
import { ProviderError, inboundJson, type HmacScheme, type InboundRequest, type Item, type WebhookContext, type WebhookSource } from '../../sdk/index.js';
import { SM_ID, SURVEYMONKEY_HANDLED_STATUSES, getOrNull, surveyMonkeyError } from './api.js';

export const SURVEYMONKEY_SIGNATURE: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha1',
  header: 'sm-signature',
  encoding: 'base64',
};

export type SurveyMonkeyEvent = 'response_completed' | 'response_updated' | 'survey_created';

export interface SurveyMonkeyParams {
  surveyId?: string;
}

/** The callback body SurveyMonkey POSTs (the "Callback Event" of the webhooks docs). */
export interface SurveyMonkeyCallback {
  name?: unknown;
  filter_type?: unknown;
  filter_id?: unknown;
  event_type?: unknown;
  event_id?: unknown;
  object_type?: unknown;
  object_id?: unknown;
  event_datetime?: unknown;
  resources?: { survey_id?: unknown; collector_id?: unknown; respondent_id?: unknown; [k: string]: unknown } | null;
}

function idText(value: unknown): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === 'string' && SM_ID.test(value)) return value;
  return null;
}

/**
 * The item key: SurveyMonkey's `event_id` (a retry of a callback re-sends the same event), or, without one, the
 * object id, event type and event time. null when the body has neither.
 */
export function itemKey(body: SurveyMonkeyCallback): string | null {
  const eventId = typeof body.event_id === 'string' && /^[\w-]{1,64}$/.test(body.event_id) ? body.event_id : idText(body.event_id);
  if (eventId) return `event:${eventId}`;
  const objectId = idText(body.object_id);
  const at = typeof body.event_datetime === 'string' && body.event_datetime !== '' ? body.event_datetime.slice(0, 40) : null;
  return objectId && at && typeof body.event_type === 'string' ? `${body.event_type}:${objectId}:${at}` : null;
}

function occurredAt(body: SurveyMonkeyCallback): number | undefined {
  if (typeof body.event_datetime !== 'string') return undefined;
  const t = Date.parse(body.event_datetime);
  return Number.isFinite(t) ? t : undefined;
}

function webhookIdOf(state: Record<string, unknown>): string | null {
  return typeof state.webhookId === 'string' && SM_ID.test(state.webhookId) ? state.webhookId : null;
}

/** The survey a response event names: `resources.survey_id`, else `filter_id` of a survey-filtered webhook. */
function surveyOf(body: SurveyMonkeyCallback): string | null {
  return idText(body.resources?.survey_id) ?? (body.filter_type === 'survey' ? idText(body.filter_id) : null);
}

export function surveyMonkeyWebhook(event: SurveyMonkeyEvent): WebhookSource<SurveyMonkeyParams> {
  const perSurvey = event !== 'survey_created';
  return {
    kind: 'webhook',
    verification: SURVEYMONKEY_SIGNATURE,
    appSigningKey: {
      required: true,
      description: 'your SurveyMonkey app\'s client ID and secret joined by "&" ("{client id}&{client secret}", from the app\'s Settings in the SurveyMonkey developer portal)',
    },
    // No redeliveryDays: the payload is read back through the API, and SurveyMonkey documents no retry window.
    async register(ctx) {
      const surveyId = ctx.params.surveyId;
      if (perSurvey && (typeof surveyId !== 'string' || !SM_ID.test(surveyId))) {
        throw new ProviderError('permanent', 'surveyId: must be a SurveyMonkey survey id (digits)');
      }
      const res = await ctx.http.request<{ id?: unknown } | null>({
        method: 'POST',
        path: '/webhooks',
        json: {
          name: 'OpenTriggers',
          event_type: event,
          ...(perSurvey ? { object_type: 'survey', object_ids: [surveyId] } : {}),
          subscription_url: ctx.hookUrl,
        },
        allowStatus: SURVEYMONKEY_HANDLED_STATUSES,
      });
      if (res.status >= 400) throw surveyMonkeyError(res, 'creating the webhook', ctx.now());
      const id = idText(res.body?.id);
      if (!id) throw new ProviderError('permanent', 'SurveyMonkey created the webhook but answered without its id');
      return { state: { webhookId: id } };
    },
    async unregister(ctx) {
      const id = webhookIdOf(ctx.state);
      if (!id) return;
      const res = await ctx.http.request({ method: 'DELETE', path: `/webhooks/${id}`, allowStatus: SURVEYMONKEY_HANDLED_STATUSES });
      if (res.status === 404) {
        ctx.log.info('SurveyMonkey webhook was already deleted', { webhookId: id });
        return;
      }
      if (res.status >= 400) throw surveyMonkeyError(res, 'deleting the webhook', ctx.now());
    },
    async check(ctx) {
      const id = webhookIdOf(ctx.state);
      if (!id) return 'gone';
      const res = await ctx.http.request({ path: `/webhooks/${id}`, allowStatus: SURVEYMONKEY_HANDLED_STATUSES });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw surveyMonkeyError(res, 'reading the webhook', ctx.now());
      return 'active';
    },
    deliveryId(req: InboundRequest) {
      const id = inboundJson(req)?.event_id;
      return typeof id === 'string' ? id : undefined;
    },
    async toItems(req: InboundRequest, ctx: WebhookContext<SurveyMonkeyParams>): Promise<Item[]> {
      const body = inboundJson(req) as SurveyMonkeyCallback | null;
      if (!body || body.event_type !== event) return [];
      const key = itemKey(body);
      const objectId = idText(body.object_id);
      if (!key || !objectId) {
        ctx.log.warn('SurveyMonkey callback without the ids it should carry; ignored', { event });
        return [];
      }
      const at = occurredAt(body);
      const item = (payload: unknown): Item[] => [{ key, payload, ...(at !== undefined ? { occurredAt: at } : {}) }];
      if (!perSurvey) {
        // Deleted before we read it: the notification alone, with `survey: null`.
        const survey = await getOrNull(ctx.http, `/surveys/${objectId}`, 'reading the new survey', ctx.now());
        return item({ event: body, survey });
      }
      const surveyId = surveyOf(body);
      // SurveyMonkey filters by object_ids already; checked again here (a webhook edited in SurveyMonkey).
      if (!surveyId || surveyId !== ctx.params.surveyId) return [];
      const response = await getOrNull(ctx.http, `/surveys/${surveyId}/responses/${objectId}/details`, 'reading the response', ctx.now());
      return item({ event: body, response });
    },
  };
}
