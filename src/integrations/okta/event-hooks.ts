// Okta event hooks, one per trigger subscription, for the trigger's one event type
// (https://developer.okta.com/docs/reference/api/event-hooks/, https://developer.okta.com/docs/concepts/event-hooks/):
//
// register   `POST /api/v1/eventHooks` {name, events: {type: 'EVENT_TYPE', items: [eventType]}, channel: {type: 'HTTP',
//            version: '1.0.0', config: {uri: our hook URL, headers: [], authScheme: {type: 'HEADER', key:
//            'Authorization', value: the subscription's secret}}}} → the hook, ACTIVE and UNVERIFIED; then
//            `POST /api/v1/eventHooks/{id}/lifecycle/verify`: Okta sends one GET to our URL with
//            `X-Okta-Verification-Challenge`, which the engine answers `{"verification": value}` (the `headerChallenge`
//            handshake, answered while the registration is pending); the answer is the hook, VERIFIED. A hook Okta could
//            not verify is deactivated and deleted again, and the subscription fails with Okta's message.
// unregister `POST …/{id}/lifecycle/deactivate`, then `DELETE …/{id}` (only INACTIVE hooks can be deleted); 404 tolerated.
// check      every hour `GET …/{id}`: 404 → gone (created again); INACTIVE or UNVERIFIED (Okta delivers to neither) →
//            inactive (deleted and created again, with a new secret).
//
// Verification: Okta signs nothing; it sends the authScheme header we chose with every request. That is the
// `sharedSecret` scheme on `Authorization` (the value is the subscription's 64-hex-digit secret, compared in constant
// time). It proves the request came from whoever holds the secret (Okta, or anyone who read the hook's configuration
// — Okta never returns the value through its API); it does not sign the body.
//
// Keys: each element of `data.events` is one LogEvent with a `uuid`, which Okta documents as the way to detect a
// duplicated delivery (delivery is at least once, with one retry). Key = uuid. No `redeliveryDays`: Okta documents one
// automatic retry but no resend window.
import { inboundJson, ProviderError, type Handshake, type HttpClient, type InboundRequest, type Item, type SharedSecretScheme, type WebhookSource } from '../../sdk/index.js';
import { OKTA_ERROR_STATUSES, oktaError } from './api.js';

export const OKTA_EVENT_HOOKS_DOCS = 'https://developer.okta.com/docs/concepts/event-hooks/';

export const OKTA_AUTH_HEADER: SharedSecretScheme = { kind: 'sharedSecret', header: 'authorization' };

export const OKTA_VERIFICATION_CHALLENGE: Handshake = { kind: 'headerChallenge', header: 'X-Okta-Verification-Challenge', responseKey: 'verification' };

export type OktaEventType =
  | 'user.lifecycle.create'
  | 'user.lifecycle.deactivate'
  | 'group.user_membership.add'
  | 'user.session.start'
  | 'application.user_membership.add';

/** Okta object ids: letters and digits (users `00u…`, groups `00g…`, apps `0oa…`, event hooks `who…`). */
export const OKTA_ID = /^[A-Za-z0-9]{6,40}$/;

interface OktaEventHook {
  id?: unknown;
  status?: unknown;
  verificationStatus?: unknown;
}

interface LogTarget {
  id?: unknown;
  type?: unknown;
}

/** Narrows a trigger's events to one target of a type (a group, an app), or lets all through. */
export interface TargetFilter {
  param: string;
  targetType: string;
}

function hookPath(state: Record<string, unknown>): { id: string; path: string } | null {
  const id = state.eventHookId;
  if (typeof id !== 'string' || !OKTA_ID.test(id)) return null;
  return { id, path: `/eventHooks/${encodeURIComponent(id)}` };
}

/** The optional id parameter named `param`, trimmed, or null for all. Throws naming the field. */
export function idParam(params: Record<string, unknown>, param: string): string | null {
  const value = params[param];
  if (value === undefined || value === null || value === '') return null;
  const text = typeof value === 'string' ? value.trim() : '';
  if (!OKTA_ID.test(text)) throw new ProviderError('permanent', `${param}: must be an Okta id (letters and digits, e.g. 00g1emaKYZTWRYYRRTSK)`);
  return text;
}

/** The items of one delivery: each event of this type (and, with a filter, naming that target), keyed by its uuid. */
export function itemsOf(eventType: OktaEventType, body: unknown, only?: { targetType: string; id: string }): Item[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return [];
  const data = (body as { data?: unknown }).data;
  const events = data && typeof data === 'object' ? (data as { events?: unknown }).events : undefined;
  if (!Array.isArray(events)) return [];
  const items: Item[] = [];
  for (const e of events) {
    if (!e || typeof e !== 'object' || Array.isArray(e)) continue;
    const event = e as { uuid?: unknown; eventType?: unknown; published?: unknown; target?: unknown };
    if (event.eventType !== eventType || typeof event.uuid !== 'string' || event.uuid === '') continue;
    if (only) {
      const targets = Array.isArray(event.target) ? (event.target as LogTarget[]) : [];
      if (!targets.some((t) => t && t.type === only.targetType && t.id === only.id)) continue;
    }
    const at = typeof event.published === 'string' ? Date.parse(event.published) : Number.NaN;
    items.push({ key: event.uuid, payload: e, ...(Number.isFinite(at) ? { occurredAt: at } : {}) });
  }
  return items;
}

export function oktaEventHook(eventType: OktaEventType, filter?: TargetFilter): WebhookSource<Record<string, unknown>> {
  return {
    kind: 'webhook',
    verification: OKTA_AUTH_HEADER,
    handshakes: [OKTA_VERIFICATION_CHALLENGE],
    async register(ctx) {
      if (filter) idParam(ctx.params, filter.param);
      // Okta requires unique names: the subscription id (our URL's last segment) makes it so.
      const suffix = ctx.hookUrl.split('/').pop() ?? '';
      const created = await ctx.http.request<OktaEventHook | null>({
        method: 'POST',
        path: '/eventHooks',
        json: {
          name: `OpenTriggers ${eventType} ${suffix}`.slice(0, 255),
          events: { type: 'EVENT_TYPE', items: [eventType] },
          channel: {
            type: 'HTTP',
            version: '1.0.0',
            config: { uri: ctx.hookUrl, headers: [], authScheme: { type: 'HEADER', key: 'Authorization', value: ctx.secret } },
          },
        },
        allowStatus: OKTA_ERROR_STATUSES,
      });
      if (created.status >= 400) throw oktaError(created, ctx.now());
      const id = created.body?.id;
      if (typeof id !== 'string' || !OKTA_ID.test(id)) throw new ProviderError('permanent', 'Okta created the event hook but answered without its id');
      const path = `/eventHooks/${encodeURIComponent(id)}`;
      const verified = await ctx.http.request<OktaEventHook | null>({ method: 'POST', path: `${path}/lifecycle/verify`, allowStatus: OKTA_ERROR_STATUSES });
      if (verified.status >= 400 || verified.body?.verificationStatus !== 'VERIFIED') {
        const failure =
          verified.status >= 400
            ? oktaError(verified, ctx.now())
            : new ProviderError('permanent', `Okta did not verify the event hook (verificationStatus ${String(verified.body?.verificationStatus).slice(0, 20)})`);
        await removeHook(ctx, path).catch((err: unknown) => ctx.log.warn('could not remove the unverified Okta event hook', { eventHookId: id, error: String(err) }));
        throw failure;
      }
      return { state: { eventHookId: id } };
    },
    async unregister(ctx) {
      const hook = hookPath(ctx.state);
      if (!hook) return;
      if (!(await removeHook(ctx, hook.path))) ctx.log.info('Okta event hook was already deleted', { eventHookId: hook.id });
    },
    async check(ctx) {
      const hook = hookPath(ctx.state);
      if (!hook) return 'gone';
      const res = await ctx.http.request<OktaEventHook | null>({ path: hook.path, allowStatus: OKTA_ERROR_STATUSES });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw oktaError(res, ctx.now());
      const body = res.body;
      if (!body || typeof body !== 'object') throw new ProviderError('transient', 'Okta GET event hook answered without the event hook');
      return body.status === 'INACTIVE' || body.verificationStatus === 'UNVERIFIED' ? 'inactive' : 'active';
    },
    toItems(req: InboundRequest, ctx) {
      const only = filter ? idParam(ctx.params, filter.param) : null;
      return itemsOf(eventType, inboundJson(req), only && filter ? { targetType: filter.targetType, id: only } : undefined);
    },
  };
}

/** Deactivate, then delete (Okta deletes INACTIVE hooks only). False when the hook was already gone. */
async function removeHook(ctx: { http: HttpClient; now(): number }, path: string): Promise<boolean> {
  const off = await ctx.http.request({ method: 'POST', path: `${path}/lifecycle/deactivate`, allowStatus: OKTA_ERROR_STATUSES });
  if (off.status === 404) return false;
  if (off.status >= 400) throw oktaError(off, ctx.now());
  const del = await ctx.http.request({ method: 'DELETE', path, allowStatus: OKTA_ERROR_STATUSES });
  if (del.status === 404) return false;
  if (del.status >= 400) throw oktaError(del, ctx.now());
  return true;
}
