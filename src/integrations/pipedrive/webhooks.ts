// Per-subscription Pipedrive webhooks (v2), one per trigger subscription: `POST /api/v1/webhooks` with our URL,
// the trigger's event_action/event_object and `version: "2.0"`; `DELETE /api/v1/webhooks/{id}` on unsubscribe;
// `GET /api/v1/webhooks` every hour (`check`), because Pipedrive deletes a webhook that had no successful delivery
// on 3 consecutive days and tells nobody (https://pipedrive.readme.io/docs/guide-for-webhooks-v2#retry-logic).
//
// Verification: Pipedrive signs nothing. A webhook may carry `http_auth_user`/`http_auth_password`, which
// Pipedrive sends as HTTP Basic auth on every delivery. We set a fixed user and the subscription's fresh random
// secret as password, and verify `Authorization: Basic base64(user:password)` with the SDK's sharedSecret scheme:
// the secret we store for the subscription is that base64 credential itself, compared in constant time.
import { ProviderError, type Item, type ParameterDefinition, type SharedSecretScheme, type WebhookSource } from '../../sdk/index.js';
import { pipedriveError, v1 } from './api.js';

/** The HTTP Basic user name we register; the password is the subscription's secret. */
export const PIPEDRIVE_WEBHOOK_USER = 'opentriggers';

export const PIPEDRIVE_BASIC_AUTH: SharedSecretScheme = { kind: 'sharedSecret', header: 'authorization', prefix: 'Basic ' };

/** What Pipedrive sends in the Authorization header for a webhook created with this password (after "Basic "). */
export function basicCredential(password: string): string {
  return Buffer.from(`${PIPEDRIVE_WEBHOOK_USER}:${password}`, 'utf8').toString('base64');
}

export type PipedriveAction = 'create' | 'change' | 'delete';
export type PipedriveObject = 'deal' | 'person' | 'organization' | 'activity' | 'lead';

export interface PipedriveParams {
  pipelineId?: string;
}

/** v2 body: `{meta: {action, entity, entity_id, id, attempt, ...}, data, previous}`. */
interface WebhookV2Body {
  meta?: { action?: unknown; entity?: unknown; entity_id?: unknown; id?: unknown; timestamp?: unknown; attempt?: unknown };
  data?: { id?: unknown; update_time?: unknown; add_time?: unknown; pipeline_id?: unknown } | null;
  previous?: unknown;
}

interface PipedriveWebhook {
  id?: unknown;
  is_active?: unknown;
  subscription_url?: unknown;
}

// No `redeliveryDays`: Pipedrive's retries end within about 3 minutes, but the created triggers are keyed by
// object id and it is not documented whether restoring a deleted object (or anything else) sends `create` for
// the same id again; a marker kept costs a few hundred bytes, a marker missing a duplicate (ADR 0016).

/** Optional filter of the deal triggers: only deals in this pipeline. */
export const pipelineIdParameter: ParameterDefinition = {
  id: 'pipelineId',
  title: 'Pipeline ID',
  type: 'TEXT',
  required: false,
  description: 'Only deals in this pipeline (its numeric id, as in the pipeline URL). Leave empty for every pipeline.',
  placeholder: '1',
  validate: (value) => (value === undefined || value === null || value === '' || (typeof value === 'string' && /^[1-9][0-9]{0,15}$/.test(value)) ? null : 'pipelineId must be a pipeline id: a positive whole number'),
};

function idText(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value !== '') return value;
  return null;
}

function timeOf(value: unknown): number | undefined {
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) return ms;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e12 ? value * 1000 : value;
  return undefined;
}

/**
 * The item key. Created: the object id (one object is created once). Updated: the object id and its
 * `update_time` — the version the change produced, the same in every retry of that change's webhook (each
 * retry differs only in `meta.attempt`). Pipedrive writes update_time in whole seconds; should it be missing,
 * the event id (`meta.id`) stands in.
 */
function keyOf(action: PipedriveAction, body: WebhookV2Body, id: string): string | null {
  if (action !== 'change') return id;
  const version = typeof body.data?.update_time === 'string' && body.data.update_time !== '' ? body.data.update_time : idText(body.meta?.id);
  return version ? `${id}:${version}` : null;
}

export function pipedriveWebhook(action: PipedriveAction, object: PipedriveObject): WebhookSource<PipedriveParams> {
  return {
    kind: 'webhook',
    verification: PIPEDRIVE_BASIC_AUTH,
    async register(ctx) {
      const res = await ctx.http.request<{ success?: boolean; data?: PipedriveWebhook }>({
        method: 'POST',
        path: v1(ctx.credential.extra, '/webhooks'),
        json: {
          subscription_url: ctx.hookUrl,
          event_action: action,
          event_object: object,
          version: '2.0',
          http_auth_user: PIPEDRIVE_WEBHOOK_USER,
          http_auth_password: ctx.secret,
          name: `OpenTriggers ${action}.${object}`,
        },
        allowStatus: [400, 403, 404, 410],
      });
      if (res.status >= 400) throw pipedriveError(res);
      const id = idText(res.body?.data?.id);
      if (!id) throw new ProviderError('permanent', 'Pipedrive created the webhook but answered without its id');
      return { state: { webhookId: id }, secret: basicCredential(ctx.secret) };
    },
    async unregister(ctx) {
      const id = idText(ctx.state.webhookId);
      if (!id) return;
      // 404/410: already deleted (by the user, or by Pipedrive after 3 days without a successful delivery).
      await ctx.http.request({ method: 'DELETE', path: v1(ctx.credential.extra, `/webhooks/${encodeURIComponent(id)}`), allowStatus: [404, 410] });
    },
    async check(ctx) {
      // Pipedrive has no "get one webhook": list the user's webhooks and look for ours.
      const id = idText(ctx.state.webhookId);
      if (!id) return 'gone';
      const res = await ctx.http.request<{ success?: boolean; data?: PipedriveWebhook[] | null }>({ path: v1(ctx.credential.extra, '/webhooks'), allowStatus: [403] });
      if (res.status >= 400) throw pipedriveError(res);
      const hook = (res.body?.data ?? []).find((h) => idText(h.id) === id);
      if (!hook) return 'gone';
      // `is_active` is 1/0 in the documented examples (true/false accepted too). Not confirmed whether a webhook
      // banned for 30 minutes shows as inactive; re-creating it then costs only a new id and secret.
      return hook.is_active === 0 || hook.is_active === false ? 'inactive' : 'active';
    },
    toItems(req, ctx): Item[] {
      const body = req.body as WebhookV2Body | null;
      const meta = body?.meta;
      if (!body || !meta || meta.action !== action || meta.entity !== object) return [];
      const id = idText(meta.entity_id) ?? idText(body.data?.id);
      if (!id) return [];
      const pipeline = ctx.params.pipelineId;
      if (pipeline && idText(body.data?.pipeline_id) !== pipeline) return [];
      const key = keyOf(action, body, id);
      if (!key) return [];
      const at = action === 'create' ? timeOf(body.data?.add_time) : timeOf(body.data?.update_time);
      return [{ key, payload: body, ...(at !== undefined ? { occurredAt: at } : {}) }];
    },
  };
}
