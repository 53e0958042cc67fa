// The push-channel source shared by the GOOGLE_CALENDAR_WEBHOOK_TRIGGER_* triggers.
//
// register: list the calendar in full (every page) for a sync token, then open a channel with
//   events.watch whose `token` is our per-subscription secret. Listing first means no notification can
//   reach us before the subscription exists; a change made between the two is picked up by the next sync.
// inbound: Google signs nothing; every notification echoes the channel token in X-Goog-Channel-Token,
//   compared in constant time with the subscription's secret (sharedSecret scheme). A notification is
//   thin ("something changed"): it triggers an incremental events.list with the stored syncToken, and the
//   new syncToken is stored with the items in the same transaction (`{items, state}`). The first message
//   of a channel (`X-Goog-Resource-State: sync`) produces nothing. A 410 on the sync token means a full
//   list, cut at the last sync time and deduped by key, so nothing known is re-emitted.
// renew: channels are never extended: a new channel (new id, new token) is opened, then the old one is
//   stopped; the engine stores the returned secret and expiry. unregister: channels.stop.
//
// Delivery id: none on purpose. The engine prefixes item keys with the delivery id; Google's
// X-Goog-Message-Number is per notification, so two notifications whose syncs overlap (concurrent
// notifications, a retry after a slow sync, a 410 resync) would give the same event two keys and deliver
// it twice. The items' own keys (event id, id + updated) are stable across every re-read, and a retried
// notification re-runs an idempotent sync.
import { randomBytes } from 'node:crypto';
import { ProviderError, type Item, type SharedSecretScheme, type WebhookContext, type WebhookSource } from '../../../sdk/index.js';
import {
  RESYNC_OVERLAP_MS,
  fullList,
  listEvents,
  listTarget,
  pushItems,
  stopChannel,
  watchEvents,
  type CalendarParams,
  type PushKind,
} from '../calendar.js';

export const channelTokenScheme: SharedSecretScheme = { kind: 'sharedSecret', header: 'x-goog-channel-token' };

/** What the subscription stores for its channel and its sync position. */
export interface ChannelState {
  channelId: string;
  resourceId: string;
  /** Channel expiry, epoch ms. */
  expiration: number;
  /** Where Google delivers (renewals open the new channel to the same address). */
  address: string;
  syncToken: string;
  /** When the subscription started: nothing created or changed before is reported. */
  baselineAt: number;
  /** Start of the last successful sync. */
  lastSyncAt: number;
}

function readState(state: Record<string, unknown>): ChannelState {
  const s = state as Partial<ChannelState>;
  if (typeof s.channelId !== 'string' || typeof s.resourceId !== 'string' || typeof s.address !== 'string') {
    throw new ProviderError('permanent', 'the subscription has no Google Calendar push channel; re-create the subscription');
  }
  return {
    channelId: s.channelId,
    resourceId: s.resourceId,
    expiration: Number(s.expiration) || 0,
    address: s.address,
    syncToken: typeof s.syncToken === 'string' ? s.syncToken : '',
    baselineAt: Number(s.baselineAt) || 0,
    lastSyncAt: Number(s.lastSyncAt) || 0,
  };
}

/** An incremental sync (a full one after 410) and the items of `kind` it yields, with the new state. */
export async function syncChannel(kind: PushKind, ctx: WebhookContext<CalendarParams>): Promise<{ items: Item[]; state: Record<string, unknown> }> {
  const s = readState(ctx.state);
  const target = listTarget(ctx.params);
  const startedAt = ctx.now();
  let r = s.syncToken !== '' ? await listEvents(ctx.http, target, s.syncToken) : ({ kind: 'gone' } as const);
  let full = false;
  if (r.kind === 'gone') {
    ctx.log.info('Google Calendar sync token expired (410); listing the calendar in full again');
    r = { kind: 'ok', ...(await fullList(ctx.http, target)) };
    full = true;
  }
  const floor = Math.max(s.baselineAt, s.lastSyncAt - RESYNC_OVERLAP_MS);
  const items = pushItems(kind, r.events, ctx.params, { full, baselineAt: s.baselineAt, floor, now: startedAt });
  return { items, state: { ...ctx.state, syncToken: r.nextSyncToken, lastSyncAt: startedAt } };
}

export function pushChannelSource(kind: PushKind): WebhookSource<CalendarParams> {
  return {
    kind: 'webhook',
    verification: channelTokenScheme,
    async register(ctx) {
      const target = listTarget(ctx.params);
      const baselineAt = ctx.now();
      const { nextSyncToken } = await fullList(ctx.http, target);
      const channel = await watchEvents(ctx.http, target.calendarId, ctx.hookUrl, ctx.secret, ctx.now());
      const state: ChannelState = { ...channel, address: ctx.hookUrl, syncToken: nextSyncToken, baselineAt, lastSyncAt: baselineAt };
      return { state: { ...state }, expiresAt: channel.expiration };
    },
    async unregister(ctx) {
      const s = ctx.state as Partial<ChannelState>;
      if (typeof s.channelId !== 'string' || typeof s.resourceId !== 'string') return;
      if ((await stopChannel(ctx.http, s.channelId, s.resourceId)) === 'gone') ctx.log.info('Google Calendar channel already stopped or expired');
    },
    async renew(ctx) {
      const s = readState(ctx.state);
      const target = listTarget(ctx.params);
      // The engine keeps the subscription's secret to itself, so the new channel gets a new token, returned
      // as the subscription's new secret. Until the engine stores it, the new channel's first messages (its
      // `sync`) are refused while the old channel, stopped only below, still reports every change; after
      // that the old token is refused. Both channels report the same changes, so nothing is lost.
      const token = randomBytes(32).toString('hex');
      const channel = await watchEvents(ctx.http, target.calendarId, s.address, token, ctx.now());
      try {
        await stopChannel(ctx.http, s.channelId, s.resourceId);
      } catch (err) {
        // It expires on its own shortly; a failed stop must not lose the new channel.
        ctx.log.warn('could not stop the previous Google Calendar channel', { error: (err as Error).message });
      }
      return { state: { ...ctx.state, ...channel }, secret: token, expiresAt: channel.expiration };
    },
    toItems(req, ctx) {
      // `sync` is the handshake-like first message of a new channel; it can even arrive before events.watch returns.
      if ((req.headers['x-goog-resource-state'] ?? '').toLowerCase() === 'sync') return [];
      // The watched resource (the calendar's events) keeps its id across channels; another one is not ours.
      const resourceId = req.headers['x-goog-resource-id'];
      if (resourceId !== undefined && resourceId !== ctx.state.resourceId) {
        ctx.log.warn('Google Calendar notification for another resource ignored', { resourceId });
        return [];
      }
      return syncChannel(kind, ctx);
    },
    catchUp: (ctx) => syncChannel(kind, ctx),
  };
}
