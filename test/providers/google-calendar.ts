// A fake Google Calendar API v3 over real HTTP, plus the pieces every fake Google API shares (exported
// for test/providers/gmail.ts and google-drive.ts): bearer-token auth with Google's 401 body, Google's
// OAuth token endpoint (refresh_token grant, invalid_grant), scriptable failures (429, 403 usageLimits,
// 5xx) in Google's error shape, and a request log.
//
// Calendar, as documented (events.list, the sync guide, the push guide):
//   - events.list: real pagination (pageToken → a stable snapshot; at most `pageSize` per page and never
//     more than maxResults), `nextSyncToken` only on the last page, incremental lists with `syncToken`
//     returning every event changed since (deleted ones as `status: "cancelled"` tombstones), 410 Gone
//     for expired tokens, 400 for syncToken combined with a filter it cannot be used with,
//     `singleEvents=true` expanding DAILY/WEEKLY COUNT recurrences into instances;
//   - events.watch: a channel per id (400 if the id is reused), the `sync` message sent right after,
//     `notify()` sending `exists` messages with X-Goog-* headers and increasing, non-consecutive
//     message numbers, no body; channels.stop (404 for an unknown channel).
//
// At the end: a source-level harness used by the Google integration tests (a real HttpClient against a
// fake, and small stand-ins for the poller and the ingest).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import {
  verifyRequest,
  type AnyTriggerDefinition,
  type HttpClient,
  type IntegrationDefinition,
  type Item,
  type Logger,
  type PollSource,
  type SourceContext,
  type WebhookItems,
  type WebhookSource,
} from '../../src/sdk/index.js';

// ── shared Google fake ───────────────────────────────────────────────────────────────────────────────
export interface RecordedGoogleRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  auth: string | undefined;
  body: any;
}

export interface GoogleReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type GoogleRoute = (req: { method: string; url: URL; body: any; recorded: RecordedGoogleRequest }) => GoogleReply | undefined | Promise<GoogleReply | undefined>;

export interface ScriptedFailure {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Only requests whose path matches. */
  path?: RegExp;
}

export interface GoogleFake {
  url: string;
  /** Access tokens the API accepts; anything else gets Google's 401. */
  validTokens: Set<string>;
  /** Refresh tokens the token endpoint accepts. */
  refreshTokens: Set<string>;
  /** Every API request (not the token endpoint), in order. */
  requests: RecordedGoogleRequest[];
  /** Token endpoint calls. */
  tokenRequests: Array<Record<string, string>>;
  /** Answer the next N matching API requests with this failure. */
  failNext(count: number, failure: ScriptedFailure): void;
  /** Keep the next API request matching `path` waiting until `release()`; `reached` resolves once it arrives. */
  holdNext(path: RegExp): { reached: Promise<void>; release: () => void };
  close(): Promise<void>;
}

export function googleError(status: number, reason: string, message: string, domain = 'global'): GoogleReply {
  return { status, body: { error: { errors: [{ domain, reason, message }], code: status, message } } };
}

/** Google's rate-limit answers: 403 usageLimits (the usual one) or 429. */
export const rateLimited = {
  userRateLimit: (): ScriptedFailure => ({ status: 403, body: googleError(403, 'userRateLimitExceeded', 'User Rate Limit Exceeded', 'usageLimits').body }),
  tooMany: (retryAfterSeconds?: number): ScriptedFailure => ({
    status: 429,
    body: googleError(429, 'rateLimitExceeded', 'Rate Limit Exceeded', 'usageLimits').body,
    ...(retryAfterSeconds !== undefined ? { headers: { 'retry-after': String(retryAfterSeconds) } } : {}),
  }),
  backendError: (status = 503): ScriptedFailure => ({ status, body: googleError(status, 'backendError', 'Backend Error').body }),
};

async function readBody(req: IncomingMessage): Promise<{ text: string; json: any }> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  let json: any;
  if (text !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return { text, json };
}

export async function startGoogleFake(route: GoogleRoute, opts: { scope?: string } = {}): Promise<GoogleFake> {
  let failures: ScriptedFailure[] = [];
  let holds: Array<{ path: RegExp; arrived: () => void; released: Promise<void> }> = [];
  let issued = 0;
  const fake = {
    validTokens: new Set(['valid-token']),
    refreshTokens: new Set(['valid-refresh-token']),
    requests: [] as RecordedGoogleRequest[],
    tokenRequests: [] as Array<Record<string, string>>,
  };
  const send = (res: ServerResponse, reply: GoogleReply) => {
    const isEmpty = reply.body === undefined || reply.status === 204;
    res.writeHead(reply.status, { ...(isEmpty ? {} : { 'content-type': 'application/json; charset=UTF-8' }), ...reply.headers });
    res.end(isEmpty ? undefined : JSON.stringify(reply.body));
  };
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://fake.googleapis.test');
      const { text, json } = await readBody(req);
      // Google's OAuth token endpoint (https://oauth2.googleapis.com/token), refresh_token grant.
      if (req.method === 'POST' && url.pathname === '/token') {
        const form = Object.fromEntries(new URLSearchParams(text));
        fake.tokenRequests.push(form);
        if (form.grant_type !== 'refresh_token' || !form.refresh_token || !fake.refreshTokens.has(form.refresh_token)) {
          return send(res, { status: 400, body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } });
        }
        const accessToken = `ya29.fresh-${++issued}`;
        fake.validTokens.add(accessToken);
        return send(res, { status: 200, body: { access_token: accessToken, expires_in: 3599, scope: opts.scope ?? '', token_type: 'Bearer' } });
      }
      const recorded: RecordedGoogleRequest = {
        method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, auth: req.headers.authorization, body: json,
      };
      fake.requests.push(recorded);
      const i = failures.findIndex((f) => !f.path || f.path.test(url.pathname));
      if (i >= 0) {
        const [failure] = failures.splice(i, 1);
        return send(res, { status: failure!.status, body: failure!.body ?? googleError(failure!.status, 'backendError', 'scripted failure').body, ...(failure!.headers ? { headers: failure!.headers } : {}) });
      }
      const held = holds.find((h) => h.path.test(url.pathname));
      if (held) {
        holds = holds.filter((h) => h !== held);
        held.arrived();
        await held.released;
      }
      const token = req.headers.authorization?.replace(/^Bearer /, '');
      if (!token || !fake.validTokens.has(token)) {
        return send(res, {
          ...googleError(401, 'authError', 'Invalid Credentials'),
          headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
        });
      }
      const reply = await route({ method: req.method ?? 'GET', url, body: json, recorded });
      send(res, reply ?? googleError(404, 'notFound', 'Not Found'));
    })().catch((err: unknown) => send(res, googleError(500, 'backendError', String(err))));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    failNext(count: number, failure: ScriptedFailure) {
      failures = [...failures, ...Array.from({ length: count }, () => failure)];
    },
    holdNext(path: RegExp) {
      let arrived!: () => void;
      let release!: () => void;
      const reached = new Promise<void>((r) => (arrived = r));
      holds = [...holds, { path, arrived, released: new Promise<void>((r) => (release = r)) }];
      return { reached, release };
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
}

export const opaqueToken = (prefix: string) => `${prefix}${randomBytes(12).toString('base64url')}`;

// ── Google Calendar ──────────────────────────────────────────────────────────────────────────────────
export interface FakeEvent {
  kind: 'calendar#event';
  id: string;
  status: 'confirmed' | 'tentative' | 'cancelled';
  created?: string;
  updated?: string;
  summary?: string;
  start?: { date?: string; dateTime?: string; timeZone?: string };
  end?: { date?: string; dateTime?: string; timeZone?: string };
  recurrence?: string[];
  recurringEventId?: string;
  originalStartTime?: { dateTime?: string; date?: string };
  [field: string]: unknown;
}

interface StoredEvent {
  event: FakeEvent;
  seq: number;
}

export interface FakeChannel {
  id: string;
  resourceId: string;
  calendarId: string;
  address: string;
  token?: string;
  expiration: number;
  messageNumber: number;
  stopped: boolean;
}

export interface NotificationResult {
  channelId: string;
  messageNumber: number;
  status: number;
  resourceState: string;
}

export interface FakeGoogleCalendar extends GoogleFake {
  /** The primary calendar's id (the account email). */
  primaryId: string;
  /** Items per page at most (whatever maxResults asks). */
  pageSize: number;
  /** Whether tombstones of deleted events carry `updated` (Google only guarantees `id`). */
  tombstonesHaveUpdated: boolean;
  /** Channel lifetime granted, seconds. */
  channelTtlSeconds: number;
  channels: Map<string, FakeChannel>;
  /** Every notification sent, with our answer's status. */
  notifications: NotificationResult[];
  insertEvent(event: Partial<FakeEvent> & { id?: string }, calendarId?: string): FakeEvent;
  updateEvent(id: string, patch: Partial<FakeEvent>, calendarId?: string): FakeEvent;
  deleteEvent(id: string, calendarId?: string): void;
  /** Every sync token issued so far answers 410 Gone. */
  expireSyncTokens(): void;
  /** Sends an `exists` notification on every live channel of the calendar; resolves with our answers. */
  notify(calendarId?: string, opts?: { token?: string; repeatMessage?: boolean }): Promise<NotificationResult[]>;
  activeChannels(calendarId?: string): FakeChannel[];
}

const pad = (n: number) => String(n).padStart(2, '0');
const instanceSuffix = (d: Date) =>
  `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;

/** DAILY/WEEKLY recurrences with COUNT (3 instances when unbounded), as singleEvents=true lists them. */
function expand(master: FakeEvent): FakeEvent[] {
  const rule = (master.recurrence ?? []).find((r) => r.startsWith('RRULE:'));
  if (!rule) return [master];
  const count = Number(/COUNT=(\d+)/.exec(rule)?.[1] ?? '3');
  const stepDays = /FREQ=WEEKLY/.test(rule) ? 7 : 1;
  const start = Date.parse(master.start?.dateTime ?? `${master.start?.date ?? '1970-01-01'}T00:00:00Z`);
  const end = Date.parse(master.end?.dateTime ?? `${master.end?.date ?? '1970-01-02'}T00:00:00Z`);
  const out: FakeEvent[] = [];
  for (let i = 0; i < Math.min(count, 50); i++) {
    const s = new Date(start + i * stepDays * 86_400_000);
    const e = new Date(end + i * stepDays * 86_400_000);
    const { recurrence: _r, ...rest } = master;
    out.push({
      ...rest,
      id: `${master.id}_${instanceSuffix(s)}`,
      recurringEventId: master.id,
      originalStartTime: { dateTime: s.toISOString() },
      start: { dateTime: s.toISOString() },
      end: { dateTime: e.toISOString() },
    });
  }
  return out;
}

const FORBIDDEN_WITH_SYNC_TOKEN = ['iCalUID', 'orderBy', 'privateExtendedProperty', 'q', 'sharedExtendedProperty', 'timeMin', 'timeMax', 'updatedMin'];

export async function startFakeGoogleCalendar(opts: { now?: () => number; primaryId?: string } = {}): Promise<FakeGoogleCalendar> {
  const now = opts.now ?? Date.now;
  const primaryId = opts.primaryId ?? 'lpage@example.com';
  const calendars = new Map<string, { events: Map<string, StoredEvent>; seq: number }>();
  const syncTokens = new Map<string, { calendarId: string; seq: number; singleEvents: boolean; expired: boolean }>();
  const pageTokens = new Map<string, { items: FakeEvent[]; offset: number; nextSyncToken: string }>();
  const channels = new Map<string, FakeChannel>();
  const notifications: NotificationResult[] = [];
  let nextId = 1;

  const resolve = (calendarId: string) => (calendarId === 'primary' ? primaryId : calendarId);
  const calendar = (calendarId: string) => {
    const id = resolve(calendarId);
    let c = calendars.get(id);
    if (!c) {
      c = { events: new Map(), seq: 1000 };
      calendars.set(id, c);
    }
    return c;
  };
  const iso = () => new Date(now()).toISOString();

  async function sendNotification(ch: FakeChannel, resourceState: string, opt: { token?: string; repeat?: boolean } = {}): Promise<NotificationResult> {
    if (!opt.repeat) ch.messageNumber += 1 + Math.floor(Math.random() * 3);
    const headers: Record<string, string> = {
      'x-goog-channel-id': ch.id,
      'x-goog-channel-expiration': new Date(ch.expiration).toUTCString(),
      'x-goog-message-number': String(ch.messageNumber),
      'x-goog-resource-id': ch.resourceId,
      'x-goog-resource-state': resourceState,
      'x-goog-resource-uri': `https://www.googleapis.com/calendar/v3/calendars/${encodeURIComponent(ch.calendarId)}/events?alt=json`,
      'user-agent': 'APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)',
    };
    const token = opt.token ?? ch.token;
    if (token !== undefined) headers['x-goog-channel-token'] = token;
    let status = 0;
    try {
      const r = await request(ch.address, { method: 'POST', headers });
      status = r.statusCode;
      await r.body.text();
    } catch {
      status = -1;
    }
    const result = { channelId: ch.id, messageNumber: ch.messageNumber, status, resourceState };
    notifications.push(result);
    return result;
  }

  const base = await startGoogleFake(async ({ method, url, body }) => {
    const path = decodeURIComponent(url.pathname);
    const cal = /^\/calendar\/v3\/calendars\/([^/]+)$/.exec(path);
    if (method === 'GET' && cal) {
      return { status: 200, body: { kind: 'calendar#calendar', etag: '"p33c"', id: resolve(cal[1]!), summary: resolve(cal[1]!), timeZone: 'America/Los_Angeles' } };
    }
    const list = /^\/calendar\/v3\/calendars\/([^/]+)\/events$/.exec(path);
    if (method === 'GET' && list) return listEvents(resolve(list[1]!), url.searchParams);
    const watch = /^\/calendar\/v3\/calendars\/([^/]+)\/events\/watch$/.exec(path);
    if (method === 'POST' && watch) {
      const b = body ?? {};
      if (typeof b.id !== 'string' || b.id.length > 64 || typeof b.address !== 'string' || !['web_hook', 'webhook'].includes(b.type)) {
        return googleError(400, 'invalid', 'Invalid channel: id (at most 64 characters), type web_hook and address are required');
      }
      if (b.token !== undefined && (typeof b.token !== 'string' || b.token.length > 256)) return googleError(400, 'invalid', 'Invalid channel token');
      if (channels.has(b.id)) return googleError(400, 'channelIdNotUnique', 'Channel id not unique');
      const calendarId = resolve(watch[1]!);
      const ttl = Math.min(Number(b.params?.ttl ?? fake.channelTtlSeconds) || fake.channelTtlSeconds, fake.channelTtlSeconds);
      const ch: FakeChannel = {
        id: b.id, resourceId: `res-${Buffer.from(calendarId).toString('hex').slice(0, 16)}`, calendarId, address: b.address,
        ...(typeof b.token === 'string' ? { token: b.token } : {}),
        expiration: now() + ttl * 1000, messageNumber: 0, stopped: false,
      };
      channels.set(ch.id, ch);
      // The first message of a channel, sent as soon as it exists (it may even beat our answer).
      setImmediate(() => void sendNotification(ch, 'sync'));
      return {
        status: 200,
        body: {
          kind: 'api#channel', id: ch.id, resourceId: ch.resourceId,
          resourceUri: `https://www.googleapis.com/calendar/v3/calendars/${encodeURIComponent(calendarId)}/events?alt=json`,
          ...(ch.token !== undefined ? { token: ch.token } : {}),
          expiration: String(ch.expiration),
        },
      };
    }
    if (method === 'POST' && path === '/calendar/v3/channels/stop') {
      const ch = channels.get(body?.id);
      if (!ch || ch.stopped || ch.resourceId !== body?.resourceId) return googleError(404, 'notFound', `Channel '${String(body?.id)}' not found for project`);
      ch.stopped = true;
      return { status: 204 };
    }
    return undefined;
  });

  function listEvents(calendarId: string, q: URLSearchParams): ReturnType<GoogleRoute> {
    const maxResults = Math.min(Number(q.get('maxResults') ?? '250') || 250, 2500);
    const size = Math.max(1, Math.min(maxResults, fake.pageSize));
    const pageToken = q.get('pageToken');
    const syncToken = q.get('syncToken');
    if (syncToken !== null) {
      const bad = FORBIDDEN_WITH_SYNC_TOKEN.find((p) => q.has(p));
      if (bad) return googleError(400, 'invalid', `The parameter ${bad} cannot be used with syncToken`);
      if (q.get('showDeleted') === 'false') return googleError(400, 'invalid', 'showDeleted=false cannot be used with syncToken');
    }
    let snapshot: { items: FakeEvent[]; offset: number; nextSyncToken: string };
    if (pageToken !== null) {
      const s = pageTokens.get(pageToken);
      if (!s) return googleError(400, 'invalid', 'Invalid page token');
      if (syncToken !== null && syncTokens.get(syncToken)?.expired) return googleError(410, 'fullSyncRequired', 'Sync token is no longer valid, a full sync is required.');
      snapshot = s;
    } else {
      const singleEvents = q.get('singleEvents') === 'true';
      const c = calendar(calendarId);
      let stored = [...c.events.values()];
      if (syncToken !== null) {
        const t = syncTokens.get(syncToken);
        if (!t || t.expired || t.calendarId !== calendarId) return googleError(410, 'fullSyncRequired', 'Sync token is no longer valid, a full sync is required.');
        stored = stored.filter((s) => s.seq > t.seq);
      } else if (q.get('showDeleted') !== 'true') {
        stored = stored.filter((s) => s.event.status !== 'cancelled');
      }
      let items = stored.map((s) => s.event);
      if (singleEvents) {
        const overrides = new Map(items.filter((e) => e.recurringEventId).map((e) => [e.id, e]));
        items = items.filter((e) => !e.recurringEventId).flatMap((e) => expand(e).map((i) => overrides.get(i.id) ?? i));
        for (const o of overrides.values()) if (!items.includes(o)) items.push(o);
      }
      const nextSyncToken = opaqueToken('CPDAlvWDx70C');
      syncTokens.set(nextSyncToken, { calendarId, seq: c.seq, singleEvents, expired: false });
      snapshot = { items: items.map((e) => structuredClone(e)), offset: 0, nextSyncToken };
    }
    const page = snapshot.items.slice(snapshot.offset, snapshot.offset + size);
    const rest = snapshot.offset + size < snapshot.items.length;
    const body: Record<string, unknown> = {
      kind: 'calendar#events', etag: '"p32o9vdpvnmvu80o"', summary: calendarId, updated: iso(), timeZone: 'America/Los_Angeles',
      accessRole: 'owner', defaultReminders: [{ method: 'popup', minutes: 10 }], items: page,
    };
    if (rest) {
      const next = opaqueToken('CiAKGjBpNDd2');
      pageTokens.set(next, { ...snapshot, offset: snapshot.offset + size });
      body.nextPageToken = next;
    } else {
      body.nextSyncToken = snapshot.nextSyncToken;
    }
    return { status: 200, body };
  }

  const fake: FakeGoogleCalendar = Object.assign(base, {
    primaryId,
    pageSize: 2500,
    tombstonesHaveUpdated: true,
    channelTtlSeconds: 604_800,
    channels,
    notifications,
    insertEvent(partial: Partial<FakeEvent> & { id?: string }, calendarId = 'primary') {
      const c = calendar(calendarId);
      const at = iso();
      const id = partial.id ?? `ev${String(nextId++).padStart(6, '0')}${randomBytes(3).toString('hex')}`;
      const event: FakeEvent = {
        kind: 'calendar#event', etag: `"${c.seq + 1}"`, status: 'confirmed', created: at, updated: at, summary: `Event ${id}`,
        start: { dateTime: new Date(now() + 86_400_000).toISOString() }, end: { dateTime: new Date(now() + 90_000_000).toISOString() },
        iCalUID: `${id}@google.com`, sequence: 0, ...partial, id,
      };
      c.events.set(id, { event, seq: ++c.seq });
      return structuredClone(event);
    },
    updateEvent(id: string, patch: Partial<FakeEvent>, calendarId = 'primary') {
      const c = calendar(calendarId);
      const s = c.events.get(id);
      if (!s) throw new Error(`no event ${id}`);
      const event: FakeEvent = { ...s.event, ...patch, id, updated: patch.updated ?? iso(), etag: `"${c.seq + 1}"`, sequence: Number(s.event.sequence ?? 0) + 1 };
      c.events.set(id, { event, seq: ++c.seq });
      return structuredClone(event);
    },
    deleteEvent(id: string, calendarId = 'primary') {
      const c = calendar(calendarId);
      const s = c.events.get(id);
      if (!s) throw new Error(`no event ${id}`);
      // What an incremental sync returns for a deleted event: a tombstone (only the id is guaranteed).
      const tombstone: FakeEvent = {
        kind: 'calendar#event', etag: `"${c.seq + 1}"`, id, status: 'cancelled',
        ...(fake.tombstonesHaveUpdated ? { updated: iso() } : {}),
        ...(s.event.recurringEventId ? { recurringEventId: s.event.recurringEventId, originalStartTime: s.event.originalStartTime } : {}),
      };
      c.events.set(id, { event: tombstone, seq: ++c.seq });
    },
    expireSyncTokens() {
      for (const t of syncTokens.values()) t.expired = true;
    },
    activeChannels(calendarId = 'primary') {
      const id = resolve(calendarId);
      return [...channels.values()].filter((ch) => ch.calendarId === id && !ch.stopped && ch.expiration > now());
    },
    async notify(calendarId = 'primary', opt: { token?: string; repeatMessage?: boolean } = {}) {
      const results: NotificationResult[] = [];
      for (const ch of fake.activeChannels(calendarId)) {
        results.push(await sendNotification(ch, 'exists', { ...(opt.token !== undefined ? { token: opt.token } : {}), ...(opt.repeatMessage ? { repeat: true } : {}) }));
      }
      return results;
    },
  });
  return fake;
}

// ── source-level harness ─────────────────────────────────────────────────────────────────────────────
// A real HttpClient (createProviderHttp) against a fake Google API, and two stand-ins for the engine: one
// runs a poll source the way the poller does (baseline recorded as seen, dedupe by key, cursor kept), one
// receives a webhook source's notifications over real HTTP, verifies them with the source's scheme, maps
// them with toItems and keeps state and keys the way the ingest does.
export const silentLog: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined };

export function httpFor(integration: IntegrationDefinition, apiBaseUrl: string, token = 'valid-token'): HttpClient {
  return createProviderHttp({ integration, apiBaseUrl, auth: { canRefresh: false, headers: async () => ({ authorization: `Bearer ${token}` }) } });
}

/** Parameters with the trigger's defaults applied, as the engine stores them. */
export function withDefaults(trigger: AnyTriggerDefinition, params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of trigger.parameters) {
    const v = params[p.id];
    if (v !== undefined && v !== '') out[p.id] = v;
    else if (p.defaultValue !== undefined) out[p.id] = p.defaultValue;
  }
  return out;
}

export function sourceContext(http: HttpClient, params: Record<string, unknown>, now: () => number): SourceContext {
  return { http, params, credential: { id: 'cred-1', providerAccountId: null, extra: {} }, log: silentLog, signal: new AbortController().signal, now };
}

/** Runs a poll source like the engine: the first poll is the baseline; keys are stored once. */
export class PollRunner {
  readonly seen = new Set<string>();
  cursor: unknown = null;
  readonly delivered: Item[] = [];
  constructor(
    private readonly source: PollSource<any>,
    private readonly ctx: () => SourceContext,
  ) {}

  /** Returns the items the engine would deliver (none on the baseline). */
  async poll(): Promise<Item[]> {
    const baseline = this.cursor === null;
    const r = await this.source.poll({ ...this.ctx(), cursor: this.cursor });
    const fresh: Item[] = [];
    for (const it of r.items) {
      if (this.seen.has(it.key)) continue;
      this.seen.add(it.key);
      fresh.push(it);
    }
    this.cursor = r.cursor;
    if (baseline) return [];
    this.delivered.push(...fresh);
    return fresh;
  }
}

/** Receives a webhook source's notifications on a real URL, like the engine's ingest. */
export class HookRunner {
  state: Record<string, unknown> = {};
  secret = '';
  readonly seen = new Set<string>();
  readonly delivered: Item[] = [];
  readonly answers: number[] = [];
  private server: Server | null = null;
  url = '';

  constructor(
    private readonly source: WebhookSource<any>,
    private readonly ctx: () => SourceContext,
    private readonly now: () => number,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void (async () => {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const headers: Record<string, string | undefined> = {};
        for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
        const inbound = { method: req.method ?? 'POST', url: req.url ?? '/', headers, rawBody: Buffer.concat(chunks), body: null };
        const answer = async (status: number) => {
          this.answers.push(status);
          res.writeHead(status).end();
        };
        if (!this.secret || !verifyRequest(this.source.verification, inbound, { secret: this.secret }, this.now()).ok) return answer(401);
        try {
          const mapped: Item[] | WebhookItems = await this.source.toItems(inbound, { ...this.ctx(), state: this.state });
          const { items, state } = Array.isArray(mapped) ? { items: mapped, state: undefined } : mapped;
          if (state) this.state = state;
          const deliveryId = this.source.deliveryId?.(inbound);
          for (const it of items) {
            const key = deliveryId ? `${deliveryId}:${it.key}` : it.key;
            if (this.seen.has(key)) continue;
            this.seen.add(key);
            this.delivered.push(it);
          }
          return answer(200);
        } catch {
          return answer(503);
        }
      })();
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/s/00000000-0000-4000-8000-000000000001`;
  }

  async register(secret = 'channel-secret-0123456789abcdef'): Promise<{ expiresAt?: number }> {
    this.secret = secret;
    const reg = await this.source.register({ ...this.ctx(), hookUrl: this.url, secret });
    this.state = reg.state;
    if (reg.secret) this.secret = reg.secret;
    return reg.expiresAt !== undefined ? { expiresAt: reg.expiresAt } : {};
  }

  async renew(): Promise<{ expiresAt?: number; secret?: string }> {
    if (!this.source.renew) throw new Error('source cannot renew');
    const reg = await this.source.renew({ ...this.ctx(), state: this.state });
    this.state = reg.state;
    if (reg.secret) this.secret = reg.secret;
    return { ...(reg.expiresAt !== undefined ? { expiresAt: reg.expiresAt } : {}), ...(reg.secret ? { secret: reg.secret } : {}) };
  }

  unregister(): Promise<void> {
    return this.source.unregister({ ...this.ctx(), state: this.state });
  }

  /** Delivered items since the last call. */
  take(): Item[] {
    return this.delivered.splice(0);
  }

  async close(): Promise<void> {
    await new Promise<void>((r) => {
      if (!this.server) return r();
      this.server.closeAllConnections();
      this.server.close(() => r());
    });
  }
}
