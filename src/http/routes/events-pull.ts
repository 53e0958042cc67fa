// Pull and stream (SPEC §4 extension): a connected user reads their events instead of being called —
// for consumers without a public URL (local agents, scripts). Both read the same stored events as webhook
// delivery (no second pipeline), oldest first, addressed by a cursor (the event's sequence number).
//
//   GET /projects/{projectId}/events?after=<cursor>&limit=   → {events, nextCursor}
//   GET /projects/{projectId}/events/stream                 → server-sent events, resumable with
//       Last-Event-ID (or ?after=): `id: <cursor>`, `event: trigger`, `data: <the webhook envelope>`
//
// Every event of the token's user is listed whatever its delivery status (pending, held, delivered,
// failed): pulling does not depend on the webhook.
//
// Events are committed in sequence order on both databases (SQLite has one writer; on PostgreSQL recording
// transactions take turns, events.ts), so a page read now never skips an event that commits later: each
// event is served as soon as it is committed (ADR 0015).
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';
import { toEnvelope } from '../../delivery/envelope.js';
import type { Storage, StoredEvent, WebhookOverride } from '../../storage/port.js';
import { principal, type AppContext, type AppPlugin } from '../app.js';
import { eventJson } from '../present.js';
import { bearerSecurity, errorResponses } from '../schemas.js';

export interface EventsPullOptions {
  /** Comment line sent when the stream is otherwise quiet, so proxies keep it open. */
  heartbeatMs?: number;
  /** Look for new events this often even without a wake-up (held events, other processes' commits). */
  fallbackPollMs?: number;
}

const PAGE = 100;
const MAX_LIMIT = 500;
const CURSOR = '^[0-9]{1,18}$';

export function eventsPullPlugin(opts: EventsPullOptions = {}): AppPlugin {
  return {
    userRoutes(scope, ctx) {
      registerPull(scope, ctx);
      registerStream(scope, ctx, {
        heartbeatMs: opts.heartbeatMs ?? 15_000,
        fallbackPollMs: opts.fallbackPollMs ?? 5_000,
      });
    },
  };
}

function registerPull(scope: FastifyInstance, ctx: AppContext) {
  scope.get('/events', {
    schema: {
      tags: ['events'],
      summary: "Pull the user's events after a cursor, oldest first",
      description: 'Pass the returned nextCursor as `after` to continue; it is returned even when no event is new.',
      security: bearerSecurity,
      querystring: {
        type: 'object',
        properties: {
          after: { type: 'string', pattern: CURSOR, description: 'cursor of the last event seen; omit to start at the beginning' },
          limit: { type: 'string', pattern: '^[0-9]{1,4}$', description: `1–${MAX_LIMIT}, default ${PAGE}` },
        },
      },
      response: { ...errorResponses },
    },
  }, async (req) => {
    const me = principal(req);
    const q = req.query as { after?: string; limit?: string };
    const after = q.after ? Number(q.after) : 0;
    const limit = Math.min(Math.max(Number(q.limit ?? PAGE), 1), MAX_LIMIT);
    const events = await ctx.storage.events.listForUserAfter(me.projectId, me.userId, after, limit);
    const last = events.at(-1);
    return { events: events.map(eventJson), nextCursor: String(last ? last.seq : after) };
  });
}

function registerStream(scope: FastifyInstance, ctx: AppContext, opts: Required<EventsPullOptions>) {
  const open = new Set<ServerResponse>();
  // Open streams would otherwise keep the server from closing. End each stream, then its connection once
  // the last bytes are out: a kept-alive socket would only hold close() up. Clients reconnect elsewhere.
  scope.addHook('preClose', async () => {
    for (const res of open) {
      const socket = res.socket; // detached from the response once it ends
      res.end(() => socket?.destroy());
    }
  });

  scope.get('/events/stream', {
    schema: {
      tags: ['events'],
      summary: "Stream the user's events as server-sent events",
      description:
        'Each event: `id: <cursor>`, `event: trigger`, `data: <the webhook envelope JSON>`. Reconnect with Last-Event-ID ' +
        '(EventSource does this itself) or ?after=<cursor> to resume without gaps; without either the stream starts at ' +
        'the oldest stored event. Comment lines are sent as heartbeats.',
      security: bearerSecurity,
      headers: { type: 'object', properties: { 'last-event-id': { type: 'string', pattern: CURSOR } } },
      querystring: { type: 'object', properties: { after: { type: 'string', pattern: CURSOR } } },
      response: { ...errorResponses },
    },
  }, async (req, reply) => {
    const me = principal(req);
    const lastEventId = req.headers['last-event-id'];
    const after = (typeof lastEventId === 'string' && lastEventId !== '' ? lastEventId : undefined) ?? (req.query as { after?: string }).after;
    startStream(reply, ctx, opts, open, { projectId: me.projectId, userId: me.userId, cursor: after ? Number(after) : 0, requestId: req.id });
  });
}

function startStream(
  reply: FastifyReply,
  ctx: AppContext,
  opts: Required<EventsPullOptions>,
  open: Set<ServerResponse>,
  s: { projectId: string; userId: string; cursor: number; requestId: string },
) {
  // Headers set so far (CORS, src/http/cors.ts) go out with the stream's own: hijacking skips Fastify's send.
  const set = Object.fromEntries(Object.entries(reply.getHeaders()).filter((e): e is [string, string | number | string[]] => e[1] !== undefined));
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    ...set,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no', // nginx: do not buffer the stream
    'x-request-id': s.requestId,
  });
  res.write('retry: 3000\n\n');
  open.add(res);

  let cursor = s.cursor;
  let closed = false;
  let busy = false;
  let again = false;

  const pump = async () => {
    do {
      again = false;
      for (;;) {
        const events = await ctx.storage.events.listForUserAfter(s.projectId, s.userId, cursor, PAGE);
        const metadata = await metadataOf(ctx.storage, events);
        for (const e of events) {
          if (closed) return;
          const data = JSON.stringify(toEnvelope(e, { metadata: metadata.get(e.subscriptionId) ?? {} }));
          const flushed = res.write(`id: ${e.seq}\nevent: trigger\ndata: ${data}\n\n`);
          cursor = e.seq;
          if (!flushed) await drained(res);
        }
        if (events.length < PAGE) break;
      }
    } while (again && !closed);
  };

  const kick = () => {
    if (closed) return;
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    pump()
      .catch((err: unknown) => ctx.logger.warn({ err, requestId: s.requestId }, 'event stream read failed; will retry'))
      .finally(() => {
        busy = false;
      });
  };

  const unsubscribe = ctx.storage.onEventsStored(kick);
  const poll = setInterval(kick, opts.fallbackPollMs);
  const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), opts.heartbeatMs);
  res.on('close', () => {
    closed = true;
    open.delete(res);
    unsubscribe();
    clearInterval(poll);
    clearInterval(heartbeat);
  });
  kick();
}

/** triggerSubscriptionMetadata of each subscription on a page (one read per distinct subscription). */
async function metadataOf(storage: Storage, events: StoredEvent[]): Promise<Map<string, Record<string, unknown>>> {
  const ids = [...new Set(events.map((e) => e.subscriptionId))];
  const subs = await Promise.all(ids.map((id) => storage.subscriptions.get(id)));
  const out = new Map<string, Record<string, unknown>>();
  subs.forEach((sub, i) => out.set(ids[i]!, (sub?.webhookOverride as WebhookOverride | null)?.metadata ?? {}));
  return out;
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
