// Google Calendar API v3: events.list with sync tokens, events.watch / channels.stop, and the pure rules
// that turn a batch of changed events into trigger items.
//
// Sync (https://developers.google.com/workspace/calendar/api/guides/sync): a full list (no syncToken),
// followed page by page through `nextPageToken`, ends with a `nextSyncToken` on its last page; an
// incremental list with that `syncToken` returns every event changed since, deleted ones included
// (`status: "cancelled"`). An expired token answers HTTP 410 Gone: clear it and list in full again.
import { randomUUID } from 'node:crypto';
import { ProviderError, type HttpClient, type Item } from '../../sdk/index.js';
import { googleRequest } from '../../sdk/providers/google.js';

export const CALENDAR_EVENTS_LIST_DOCS = 'https://developers.google.com/workspace/calendar/api/v3/reference/events/list';
export const CALENDAR_PUSH_DOCS = 'https://developers.google.com/workspace/calendar/api/guides/push';

/** events.list allows at most 2500 per page. */
const PAGE_SIZE = 2500;
/** A runaway page chain (a provider bug) must not hold a poll forever: 400 pages = 1M events. */
const MAX_PAGES = 400;
/** Channel lifetime we ask for: events.watch's documented default and the most we ever get. */
export const CHANNEL_TTL_SECONDS = 604_800;
/**
 * An event whose `updated` is this close to its `created` is still its creation (Calendar writes an
 * event more than once while creating it, e.g. to attach a Meet link), not an update.
 */
export const CREATION_GRACE_MS = 10_000;
/** After a 410 full resync, changes this long before the last successful sync are re-examined. */
export const RESYNC_OVERLAP_MS = 10 * 60_000;

export interface CalendarParams {
  calendarId?: string;
  collapseRecurringEventUpdates?: boolean;
  shouldTriggerOnPastEventUpdates?: boolean;
}

export interface EventTime {
  date?: string;
  dateTime?: string;
  timeZone?: string;
}

/** The Event resource, as events.list returns it (the fields the triggers read; the rest passes through). */
export interface CalendarEvent {
  kind?: string;
  id: string;
  status?: 'confirmed' | 'tentative' | 'cancelled';
  created?: string;
  updated?: string;
  recurringEventId?: string;
  recurrence?: string[];
  start?: EventTime;
  end?: EventTime;
  [field: string]: unknown;
}

interface EventsPage {
  items?: CalendarEvent[];
  nextPageToken?: string;
  nextSyncToken?: string;
}

export interface ListTarget {
  calendarId: string;
  /** `!collapseRecurringEventUpdates`: expand recurring events into their instances. */
  singleEvents: boolean;
}

export type ListOutcome = { kind: 'ok'; events: CalendarEvent[]; nextSyncToken: string } | { kind: 'gone' };

export function listTarget(params: CalendarParams): ListTarget {
  const calendarId = typeof params.calendarId === 'string' && params.calendarId.trim() !== '' ? params.calendarId.trim() : 'primary';
  return { calendarId, singleEvents: params.collapseRecurringEventUpdates === false };
}

const eventsPath = (calendarId: string) => `/calendar/v3/calendars/${encodeURIComponent(calendarId)}/events`;

/**
 * One full (syncToken null) or incremental list, every page, ending with the next sync token. A full list
 * includes deleted events (`showDeleted`) so that a resync after 410 still sees cancellations; an
 * incremental one always does (and refuses `showDeleted=false`).
 */
export async function listEvents(http: HttpClient, target: ListTarget, syncToken: string | null): Promise<ListOutcome> {
  const events: CalendarEvent[] = [];
  let pageToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await googleRequest<EventsPage>(http, {
      path: eventsPath(target.calendarId),
      query: {
        maxResults: PAGE_SIZE,
        singleEvents: target.singleEvents,
        ...(syncToken !== null ? { syncToken } : { showDeleted: true }),
        pageToken,
      },
      // 410 Gone: the sync token expired (also possible on a later page of an incremental list).
      allowStatus: syncToken !== null ? [410] : [],
    });
    if (res.status === 410) return { kind: 'gone' };
    for (const item of res.body?.items ?? []) if (item && typeof item.id === 'string') events.push(item);
    if (res.body?.nextPageToken) {
      pageToken = res.body.nextPageToken;
      continue;
    }
    if (!res.body?.nextSyncToken) throw new ProviderError('permanent', 'Google Calendar ended an events list without a nextSyncToken');
    return { kind: 'ok', events, nextSyncToken: res.body.nextSyncToken };
  }
  throw new ProviderError('transient', `Google Calendar events list did not end after ${MAX_PAGES} pages`);
}

/** A full list: cannot be Gone. */
export async function fullList(http: HttpClient, target: ListTarget): Promise<{ events: CalendarEvent[]; nextSyncToken: string }> {
  const r = await listEvents(http, target, null);
  if (r.kind !== 'ok') throw new ProviderError('transient', 'Google Calendar answered 410 to a full list');
  return r;
}

// ── push channels ────────────────────────────────────────────────────────────────────────────────────
export interface Channel {
  channelId: string;
  resourceId: string;
  /** Epoch ms. */
  expiration: number;
}

interface ChannelResponse {
  id?: string;
  resourceId?: string;
  expiration?: string | number;
}

/** events.watch: a new channel with a new id, delivering to `address` with `token` echoed on every notification. */
export async function watchEvents(http: HttpClient, calendarId: string, address: string, token: string, now: number): Promise<Channel> {
  const channelId = randomUUID();
  const res = await googleRequest<ChannelResponse>(http, {
    method: 'POST',
    path: `${eventsPath(calendarId)}/watch`,
    json: { id: channelId, type: 'web_hook', address, token, params: { ttl: String(CHANNEL_TTL_SECONDS) } },
  });
  const body = res.body ?? {};
  if (typeof body.resourceId !== 'string' || body.resourceId === '') {
    throw new ProviderError('permanent', 'Google Calendar answered events.watch without a resourceId');
  }
  // The returned expiration (ms, a JSON string or number) is authoritative; never trust it beyond our ttl.
  const returned = Number(body.expiration);
  const ceiling = now + CHANNEL_TTL_SECONDS * 1000;
  return { channelId: body.id ?? channelId, resourceId: body.resourceId, expiration: Number.isFinite(returned) && returned > 0 ? Math.min(returned, ceiling) : ceiling };
}

/** channels.stop; a channel that is already gone (404) is fine. */
export async function stopChannel(http: HttpClient, channelId: string, resourceId: string): Promise<'stopped' | 'gone'> {
  const res = await googleRequest(http, { method: 'POST', path: '/calendar/v3/channels/stop', json: { id: channelId, resourceId }, allowStatus: [404] });
  return res.status === 404 ? 'gone' : 'stopped';
}

// ── from changed events to items ─────────────────────────────────────────────────────────────────────
const time = (iso: unknown): number => (typeof iso === 'string' ? Date.parse(iso) : Number.NaN);

/**
 * The key of a "created" item: the event id — or, when recurring updates are collapsed, the series id,
 * so that an exception of a recurring event (a moved instance, with an id of its own) is not a new event.
 */
export function createdKey(event: CalendarEvent, collapse: boolean): string {
  return collapse && typeof event.recurringEventId === 'string' ? event.recurringEventId : event.id;
}

/** An update is a version of the event: its id and `updated` time. */
export function updatedKey(event: CalendarEvent): string {
  return `${event.id}:${event.updated ?? ''}`;
}

/** A cancellation; a deleted event is only guaranteed to carry its id, so `updated` is used when present. */
export function cancelledKey(event: CalendarEvent): string {
  return `${event.id}:cancelled${event.updated ? `:${event.updated}` : ''}`;
}

/** Whether this version of the event is a change after its creation (see CREATION_GRACE_MS). */
export function isModification(event: CalendarEvent): boolean {
  const created = time(event.created);
  const updated = time(event.updated);
  if (Number.isNaN(updated)) return false;
  if (Number.isNaN(created)) return true;
  return updated - created >= CREATION_GRACE_MS;
}

/** UNTIL of an RRULE (`20250101` or `20250101T100000Z`) as epoch ms, or null when the rule has none. */
function rruleUntil(rule: string): number | null {
  const m = /(?:^|;)UNTIL=(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?/i.exec(rule.replace(/^RRULE:/i, ''));
  if (!m) return null;
  const [, y, mo, d, h = '23', mi = '59', s = '59'] = m;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
}

/**
 * Whether the event is over. All-day end dates are exclusive and read as UTC midnight. A recurring
 * series is over only when every RRULE has an UNTIL in the past (a COUNT-bounded or endless series is
 * treated as still running).
 */
export function isPastEvent(event: CalendarEvent, now: number): boolean {
  const rules = (event.recurrence ?? []).filter((r) => typeof r === 'string' && /^RRULE:/i.test(r));
  if (rules.length > 0) {
    const untils = rules.map(rruleUntil);
    return untils.every((u) => u !== null && u < now);
  }
  const end = event.end?.dateTime ? time(event.end.dateTime) : event.end?.date ? time(`${event.end.date}T00:00:00Z`) : Number.NaN;
  return !Number.isNaN(end) && end < now;
}

export type PushKind = 'created' | 'updated' | 'cancelled';

export interface SyncWindow {
  /** Whether the batch is a full list (after 410) rather than the changes since the last sync. */
  full: boolean;
  /** When the subscription started: nothing older is ever reported. */
  baselineAt: number;
  /** Full lists only: changes older than this were already examined by an earlier incremental sync. */
  floor: number;
  now: number;
}

/**
 * Items of a push-channel trigger from one batch of changed events. Incremental batches hold only
 * changes since the last sync; a full batch (after 410) holds everything, so it is cut at `floor` and
 * the engine's dedupe by key drops what an earlier sync already reported.
 */
export function pushItems(kind: PushKind, events: CalendarEvent[], params: CalendarParams, w: SyncWindow): Item[] {
  const collapse = params.collapseRecurringEventUpdates !== false;
  const items: Item[] = [];
  for (const event of events) {
    const cancelled = event.status === 'cancelled';
    if (kind === 'created') {
      const created = time(event.created);
      // Created after the subscription started (an event id first seen later may be an old event that
      // was only edited); a full list is additionally cut at the floor.
      if (cancelled || Number.isNaN(created) || created < w.baselineAt || (w.full && created < w.floor)) continue;
      items.push({ key: createdKey(event, collapse), payload: event, occurredAt: created });
    } else if (kind === 'updated') {
      const updated = time(event.updated);
      if (cancelled || !isModification(event) || updated < w.baselineAt || (w.full && updated < w.floor)) continue;
      if (params.shouldTriggerOnPastEventUpdates !== true && isPastEvent(event, w.now)) continue;
      items.push({ key: updatedKey(event), payload: event, occurredAt: updated });
    } else {
      if (!cancelled) continue;
      const updated = time(event.updated);
      // In a full list a tombstone without a date cannot be placed in time: it is old news, skip it.
      if (w.full && (Number.isNaN(updated) || updated < w.floor)) continue;
      items.push({ key: cancelledKey(event), payload: event, ...(Number.isNaN(updated) ? {} : { occurredAt: updated }) });
    }
  }
  return items;
}
