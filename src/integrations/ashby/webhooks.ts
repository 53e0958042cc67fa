// Ashby webhooks, one per trigger subscription, created through the API with the secret we choose:
// `POST /webhook.create` {webhookType, requestUrl, secretToken} (needs the key's `apiKeysWrite` permission) →
// `{success: true, results: {id, enabled, requestUrl, secretToken, webhookType}}`. Deleted on unsubscribe
// (`POST /webhook.delete` {webhookId}; an unknown webhook is taken as already deleted); read every hour (`check`,
// `POST /webhook.info` {webhookId}): not found → created again, `enabled: false` → deleted and created again.
//
// Ashby POSTs a `ping` when a webhook is created or edited, and leaves the webhook disabled when the ping is not
// answered with a success. The ping may reach us while `webhook.create` is still running (before the subscription
// exists), so it is declared as an unsigned handshake selected by `action: "ping"` and answered 200 with the word
// `ping` — an echo that changes nothing. A webhook created disabled anyway is enabled once with `webhook.update`
// (which pings again); one that stays disabled is deleted and the subscription fails, so nothing waits on a hook
// that will never fire.
//
// Verification: `Ashby-Signature: sha256=<hex HMAC-SHA256 of the raw body keyed with the secretToken>`
// (https://developers.ashbyhq.com/docs/authenticating-webhooks). No timestamp.
//
// Keys: the body `{action, data}` carries no event id and no delivery id header is documented, so each item is
// keyed by the object it names: an application is submitted once (`applicationSubmit:<application id>`), hired once
// (`candidateHire:<application id>`), changes stage once per stage and update time
// (`candidateStageChange:<application id>:<stage id>:<updatedAt>`); an interview schedule and an offer process are
// created once (`interviewScheduleCreate:<id>`, `offerCreate:<id>`). No `redeliveryDays`: Ashby's retry window
// is not documented.
import { ProviderError, inboundJson, type ChallengeEchoHandshake, type HmacScheme, type InboundRequest, type Item, type WebhookContext, type WebhookSource } from '../../sdk/index.js';
import { ASHBY_ERROR_STATUSES, ashbyError, type AshbyAnswer } from './api.js';

export const ASHBY_SIGNATURE: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  header: 'ashby-signature',
  prefix: 'sha256=',
  encoding: 'hex',
};

/** Ashby's `ping`, answered before verification because it may arrive while `webhook.create` still runs. */
export const ASHBY_PING: ChallengeEchoHandshake = {
  kind: 'challengeEcho',
  match: { jsonPath: 'action', equals: 'ping' },
  respondWith: { jsonPath: 'action', as: 'text' },
  signed: false,
};

export const ASHBY_WEBHOOKS_DOCS = 'https://developers.ashbyhq.com/docs/setting-up-webhooks';

export type AshbyWebhookType = 'applicationSubmit' | 'candidateHire' | 'candidateStageChange' | 'interviewScheduleCreate' | 'offerCreate';

export type AshbyParams = Record<string, unknown>;

interface AshbyWebhookSetting {
  id?: unknown;
  enabled?: unknown;
}

const WEBHOOK_ID = /^[A-Za-z0-9_-]{1,64}$/;

function webhookIdOf(state: Record<string, unknown>): string | null {
  const id = state.webhookId;
  return typeof id === 'string' && WEBHOOK_ID.test(id) ? id : null;
}

/** Whether a failed answer says the webhook does not exist (HTTP 404, or an errorInfo code naming "not found"). */
export function isNotFound(status: number, body: unknown): boolean {
  if (status === 404) return true;
  const info = body && typeof body === 'object' ? (body as AshbyAnswer<unknown>).errorInfo : undefined;
  const code = info && typeof info === 'object' && typeof info.code === 'string' ? info.code : '';
  return /not_?found/i.test(code);
}

const obj = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The object a webhook type names, its id, and the key of one delivery (see the module comment). */
export function keyOf(type: AshbyWebhookType, data: Record<string, unknown>): { key: string; at?: string } | null {
  switch (type) {
    case 'applicationSubmit':
    case 'candidateHire':
    case 'candidateStageChange': {
      const app = obj(data.application);
      const id = str(app?.id);
      if (!app || !id) return null;
      const updatedAt = str(app.updatedAt) ?? '';
      if (type !== 'candidateStageChange') return { key: `${type}:${id}`, at: str(type === 'applicationSubmit' ? app.createdAt : app.updatedAt) ?? undefined };
      const stage = str(obj(app.currentInterviewStage)?.id) ?? '';
      return { key: `${type}:${id}:${stage}:${updatedAt}`, at: updatedAt || undefined };
    }
    case 'interviewScheduleCreate': {
      const schedule = obj(data.interviewSchedule);
      const id = str(schedule?.id);
      return id ? { key: `${type}:${id}`, at: str(schedule?.createdAt) ?? undefined } : null;
    }
    case 'offerCreate': {
      const offer = obj(data.offer);
      const id = str(offer?.id);
      const latest = obj(offer?.latestVersion);
      return id ? { key: `${type}:${id}`, at: str(latest?.createdAt) ?? undefined } : null;
    }
  }
}

/** The item of one delivery: the body as sent (`{action, data}`) when `action` is this trigger's type. */
export function itemsOf(type: AshbyWebhookType, body: unknown): Item[] {
  const b = obj(body);
  if (!b || b.action !== type) return [];
  const data = obj(b.data);
  if (!data) return [];
  const k = keyOf(type, data);
  if (!k) return [];
  const at = k.at ? Date.parse(k.at) : Number.NaN;
  return [{ key: k.key, payload: body, ...(Number.isFinite(at) ? { occurredAt: at } : {}) }];
}

export function ashbyWebhook(type: AshbyWebhookType): WebhookSource<AshbyParams> {
  return {
    kind: 'webhook',
    verification: ASHBY_SIGNATURE,
    handshakes: [ASHBY_PING],
    async register(ctx) {
      const res = await ctx.http.request<AshbyAnswer<AshbyWebhookSetting> | null>({
        method: 'POST',
        path: '/webhook.create',
        json: { webhookType: type, requestUrl: ctx.hookUrl, secretToken: ctx.secret },
        allowStatus: ASHBY_ERROR_STATUSES,
      });
      if (res.status >= 400 || res.body?.success !== true) throw ashbyError(res, ctx.now());
      const id = res.body.results?.id;
      const webhookId = typeof id === 'string' ? id : '';
      if (!WEBHOOK_ID.test(webhookId)) throw new ProviderError('permanent', 'Ashby created the webhook but answered without its id');
      if (res.body.results?.enabled === false) {
        // Ashby leaves a webhook disabled when its ping failed. Enable it once (Ashby pings again); if it stays
        // disabled, remove it rather than keep a hook that sends nothing.
        const again = await ctx.http.request<AshbyAnswer<AshbyWebhookSetting> | null>({
          method: 'POST', path: '/webhook.update', json: { webhookId, enabled: true }, allowStatus: ASHBY_ERROR_STATUSES,
        });
        if (again.status >= 400 || again.body?.success !== true || again.body.results?.enabled !== true) {
          await ctx.http.request({ method: 'POST', path: '/webhook.delete', json: { webhookId }, allowStatus: ASHBY_ERROR_STATUSES });
          throw new ProviderError('transient', 'Ashby created the webhook disabled (its ping to our URL failed) and would not enable it; try again');
        }
      }
      return { state: { webhookId } };
    },
    async unregister(ctx) {
      const webhookId = webhookIdOf(ctx.state);
      if (!webhookId) return;
      const res = await ctx.http.request<AshbyAnswer<unknown> | null>({ method: 'POST', path: '/webhook.delete', json: { webhookId }, allowStatus: ASHBY_ERROR_STATUSES });
      if (res.status < 400 && res.body?.success === true) return;
      if (isNotFound(res.status, res.body)) {
        ctx.log.info('Ashby webhook was already deleted', { webhookId });
        return;
      }
      throw ashbyError(res, ctx.now());
    },
    async check(ctx) {
      const webhookId = webhookIdOf(ctx.state);
      if (!webhookId) return 'gone';
      const res = await ctx.http.request<AshbyAnswer<AshbyWebhookSetting> | null>({ method: 'POST', path: '/webhook.info', json: { webhookId }, allowStatus: ASHBY_ERROR_STATUSES });
      if (res.status < 400 && res.body?.success === true) {
        const hook = res.body.results;
        if (!hook || typeof hook !== 'object') throw new ProviderError('transient', 'Ashby webhook.info answered without the webhook');
        return hook.enabled === false ? 'inactive' : 'active';
      }
      if (isNotFound(res.status, res.body)) return 'gone';
      throw ashbyError(res, ctx.now());
    },
    toItems(req: InboundRequest, _ctx: WebhookContext<AshbyParams>): Item[] {
      return itemsOf(type, inboundJson(req));
    },
  };
}
