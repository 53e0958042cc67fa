// Per-subscription Mailchimp audience webhooks, one per trigger subscription:
// `POST /3.0/lists/{list_id}/webhooks` with our URL, the events the trigger wants and every source (user, admin,
// api); `DELETE /3.0/lists/{list_id}/webhooks/{webhook_id}` on unsubscribe; `GET` of the same path every hour
// (`check`: 404 → gone), because Mailchimp may drop or disable webhooks that fail "at Mailchimp's discretion"
// (https://mailchimp.com/developer/marketing/api/list-webhooks/,
// https://mailchimp.com/developer/marketing/guides/sync-audience-data-webhooks/).
//
// Verification: Mailchimp signs nothing. Its guide recommends a hard-to-guess secret in the callback URL, so the
// URL we register is our hook URL plus `?token=<the subscription's fresh random secret>`, checked with the SDK's
// sharedSecret scheme on the `token` query parameter (constant time).
//
// URL validation: when a webhook is created Mailchimp sends a GET to the URL and creates the webhook only if
// it answers 200. That GET arrives while our create call is still running, before the subscription (and its
// secret) is stored. The URL also carries `mc=validate`, a fixed marker, and a `getChallenge` handshake on it
// answers any GET that has it with 200 (the body echoes the marker): it needs no secret, reveals nothing and
// records nothing. Deliveries are POSTs: they never match it and are always verified.
import { hookUrlWithToken, ProviderError, URL_TOKEN, type Handshake, type Item, type ParameterDefinition, type WebhookSource } from '../../sdk/index.js';
import { mailchimpError, v3 } from './api.js';
import { parseBracketForm } from './form.js';

export const MAILCHIMP_VALIDATION_PARAM = 'mc';

export const MAILCHIMP_URL_VALIDATION: Handshake = { kind: 'getChallenge', queryParam: MAILCHIMP_VALIDATION_PARAM };

/** The URL registered at Mailchimp: our hook URL, the validation marker and the subscription's secret. */
export function callbackUrl(hookUrl: string, secret: string): string {
  const url = new URL(hookUrl);
  url.searchParams.set(MAILCHIMP_VALIDATION_PARAM, 'validate');
  return hookUrlWithToken(url.toString(), secret);
}

/** The webhook event types Mailchimp sends for an audience. */
export type MailchimpEvent = 'subscribe' | 'unsubscribe' | 'profile' | 'cleaned' | 'upemail' | 'campaign';
export const ALL_EVENTS: readonly MailchimpEvent[] = ['subscribe', 'unsubscribe', 'profile', 'cleaned', 'upemail', 'campaign'];

export interface MailchimpParams {
  listId: string;
}

/** Audience ids are short lowercase hex-like strings (e.g. `a6b5da1054`); anything else is refused before a call. */
export const listIdParameter: ParameterDefinition = {
  id: 'listId',
  title: 'Audience (list) ID',
  // Paragon declares listId as TEXTAREA (https://docs.useparagon.com/actionkit/integrations/mailchimp/triggers/MAILCHIMP_TRIGGER_LIST.md).
  type: 'TEXTAREA',
  required: true,
  description: 'Unique id of the audience (list), as in Audience → Settings → "Audience name and defaults" → Audience ID.',
  placeholder: 'a6b5da1054',
  validate: (value) => (typeof value === 'string' && /^[A-Za-z0-9]{1,32}$/.test(value) ? null : 'listId must be a Mailchimp audience id: letters and digits, e.g. a6b5da1054'),
};

interface MailchimpWebhook {
  id?: unknown;
  url?: unknown;
  list_id?: unknown;
}

/** The webhook body after parsing the bracketed form keys: `{type, fired_at, data: {...}}`. */
interface Delivery {
  type?: unknown;
  fired_at?: unknown;
  data?: Record<string, unknown>;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * The item key. Mailchimp sends no event or delivery id, so an event is named by what it carries: its type, the
 * audience, the member (its id — the MD5 of the lowercased address —, or for `upemail` the new id, or the email)
 * or, for `campaign`, the campaign id, and `fired_at` (whole seconds). A retry of the same event carries the
 * same fields (retries resend the request; not otherwise confirmed). Two distinct events of one type for one
 * member within the same second would share a key and be delivered once.
 */
export function keyOf(body: Delivery, listId: string): string | null {
  const type = text(body.type);
  const firedAt = text(body.fired_at);
  const data = body.data ?? {};
  const who = text(data.id) ?? text(data.new_id) ?? text(data.email) ?? text(data.new_email);
  if (!type || !firedAt || !who) return null;
  return `${type}:${listId}:${who}:${firedAt}`;
}

// No `redeliveryDays`: Mailchimp retries for 75 minutes, but it is not documented whether anything resends an
// event later, and the key is built from the event's fields, not a provider event id (ADR 0016: when in doubt,
// keep the marker).

export function mailchimpWebhook(events: readonly MailchimpEvent[]): WebhookSource<MailchimpParams> {
  const wanted = new Set<string>(events);
  return {
    kind: 'webhook',
    verification: URL_TOKEN,
    handshakes: [MAILCHIMP_URL_VALIDATION],
    async register(ctx) {
      const listId = ctx.params.listId;
      const res = await ctx.http.request<MailchimpWebhook>({
        method: 'POST',
        path: v3(ctx.credential.extra, `/lists/${encodeURIComponent(listId)}/webhooks`),
        json: {
          url: callbackUrl(ctx.hookUrl, ctx.secret),
          events: Object.fromEntries(ALL_EVENTS.map((e) => [e, wanted.has(e)])),
          sources: { user: true, admin: true, api: true },
        },
        allowStatus: [400, 403, 404],
      });
      if (res.status === 404) throw new ProviderError('permanent', `Mailchimp has no audience ${listId} (listId) for this account`, 404);
      if (res.status >= 400) throw mailchimpError(res);
      const id = text(res.body?.id);
      if (!id) throw new ProviderError('permanent', 'Mailchimp created the webhook but answered without its id');
      return { state: { webhookId: id, listId } };
    },
    async unregister(ctx) {
      const id = text(ctx.state.webhookId);
      const listId = text(ctx.state.listId) ?? ctx.params.listId;
      if (!id) return;
      // 404: already deleted (by the user, with the audience, or by Mailchimp).
      await ctx.http.request({ method: 'DELETE', path: v3(ctx.credential.extra, `/lists/${encodeURIComponent(listId)}/webhooks/${encodeURIComponent(id)}`), allowStatus: [404] });
    },
    async check(ctx) {
      const id = text(ctx.state.webhookId);
      const listId = text(ctx.state.listId) ?? ctx.params.listId;
      if (!id) return 'gone';
      const res = await ctx.http.request<MailchimpWebhook>({ path: v3(ctx.credential.extra, `/lists/${encodeURIComponent(listId)}/webhooks/${encodeURIComponent(id)}`), allowStatus: [403, 404] });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw mailchimpError(res);
      // The webhook object shows no enabled/disabled flag: present means active.
      return 'active';
    },
    toItems(req, ctx): Item[] {
      if (req.method.toUpperCase() !== 'POST') return [];
      const body = parseBracketForm(req.rawBody.toString('utf8')) as Delivery;
      const type = text(body.type);
      if (!type || !wanted.has(type)) return [];
      const listId = ctx.params.listId;
      const sentFor = text(body.data?.list_id);
      if (sentFor !== null && sentFor !== listId) return [];
      const key = keyOf(body, listId);
      if (!key) return [];
      return [{ key, payload: body }];
    },
  };
}
