// Per-subscription Calendly webhook subscriptions (`POST /webhook_subscriptions`), one per trigger subscription,
// each with its own callback URL and signing key; deleted on unsubscribe, and read every hour (`check`, ADR 0018)
// so one Calendly disabled or deleted is created again.
//
// Signature (Calendly "Webhook signatures"): `Calendly-Webhook-Signature: t=<unix seconds>,v1=<hex>` where v1 =
// hex HMAC-SHA256(signing key, `${t}.${raw body}`), with a 3-minute tolerance on `t` (Calendly's sample code).
//
// Signing key: we send a fresh random `signing_key` (ctx.secret) with every subscription and verify with it.
// Calendly honours a chosen key for personal access tokens; for subscriptions created with an OAuth app's
// token it signs with the app's own webhook signing key instead, which the project configures as the
// integration's webhookSecret (see docs/integrations/calendly.md).
import { ProviderError, type HmacScheme, type Item, type WebhookSource } from '../../sdk/index.js';
import { calendlyError, currentUser, webhookPath } from './api.js';

export const CALENDLY_SIGNATURE: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  header: 'calendly-webhook-signature',
  encoding: 'hex',
  signingString: '{timestamp}.{body}',
  structuredHeader: { timestampKey: 't', signatureKey: 'v1', pairSeparator: ',', kvSeparator: '=' },
  toleranceSeconds: 180,
};

export type CalendlyEvent = 'invitee.created' | 'invitee.canceled';

export interface CalendlyParams {
  scope?: 'user' | 'organization';
}

interface WebhookBody {
  event?: string;
  created_at?: string;
  payload?: { uri?: string; [k: string]: unknown };
}

/**
 * Calendly retries a failed delivery for 24 hours at most, then disables the subscription
 * (https://developer.calendly.com/api-docs/overview/webhooks/webhook-errors); no manual resend is
 * documented. A week leaves room to spare: older events need no dedupe marker (redeliveryDays).
 */
const CALENDLY_REDELIVERY_DAYS = 7;

export function calendlyWebhook(event: CalendlyEvent): WebhookSource<CalendlyParams> {
  return {
    kind: 'webhook',
    verification: CALENDLY_SIGNATURE,
    redeliveryDays: CALENDLY_REDELIVERY_DAYS,
    // OAuth apps: Calendly signs with the app's webhook signing key, not the signing_key we sent (personal
    // access tokens: with ours). The engine verifies with the app's key when configured, else with ours.
    appSigningKey: { required: false, description: "the Calendly OAuth app's webhook signing key" },
    async register(ctx) {
      const scope = ctx.params.scope ?? 'user';
      let organization = ctx.credential.extra.organizationUri;
      let user = ctx.credential.extra.userUri;
      if (typeof organization !== 'string' || typeof user !== 'string') {
        // Credentials given through the API may lack what connect stores: ask Calendly.
        const me = await currentUser(ctx.http);
        organization = me.current_organization;
        user = me.uri;
      }
      const res = await ctx.http.request<{ resource?: { uri?: string } }>({
        method: 'POST',
        path: '/webhook_subscriptions',
        json: { url: ctx.hookUrl, events: [event], organization, ...(scope === 'user' ? { user } : {}), scope, signing_key: ctx.secret },
        allowStatus: [400, 403, 404, 409, 422, 429],
      });
      if (res.status >= 400) throw calendlyError(res);
      const uri = res.body?.resource?.uri;
      if (!webhookPath(uri)) throw new ProviderError('permanent', 'Calendly created the webhook subscription but answered without its uri');
      return { state: { uri, scope } };
    },
    async unregister(ctx) {
      const path = webhookPath(ctx.state.uri);
      if (!path) return;
      const res = await ctx.http.request({ method: 'DELETE', path, allowStatus: [404, 429] });
      if (res.status === 429) throw calendlyError(res);
    },
    async check(ctx) {
      // Calendly disables a subscription whose deliveries kept failing for 24 hours (it must then be created
      // again), deletes one at once when our URL answered 410, and the user may delete it; nobody is told.
      // `GET /webhook_subscriptions/{uuid}` answers `{resource: {state: 'active' | 'disabled', ...}}`.
      const path = webhookPath(ctx.state.uri);
      if (!path) return 'gone';
      const res = await ctx.http.request<{ resource?: { state?: unknown } | null }>({ method: 'GET', path, allowStatus: [403, 404, 429] });
      if (res.status === 404) return 'gone';
      // 429 keeps X-RateLimit-Reset (→ rate_limited); 403 (scope, plan) is an answer we cannot read a state from.
      if (res.status >= 400) throw calendlyError(res);
      return res.body?.resource?.state === 'disabled' ? 'inactive' : 'active';
    },
    toItems(req): Item[] {
      const body = req.body as WebhookBody | null;
      if (!body || body.event !== event || typeof body.payload?.uri !== 'string') return [];
      // One invitee is created once and canceled at most once: the invitee URI identifies the occurrence, so
      // Calendly's retries (re-signed, same body) are stored once.
      return [{ key: body.payload.uri, payload: body, ...(body.created_at ? { occurredAt: Date.parse(body.created_at) } : {}) }];
    },
  };
}
