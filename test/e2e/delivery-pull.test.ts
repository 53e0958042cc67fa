// Pull and stream (SPEC §4 extension) over real HTTP: the user's stored events by cursor, and the
// server-sent-events stream with Last-Event-ID resume.
import { Agent, request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventsPullPlugin } from '../../src/http/routes/events-pull.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS, rawRows } from '../helpers/databases.js';
import { startDeliveryWorld, type DeliveryWorld } from './delivery-helpers.js';

interface SseEvent {
  id: string;
  event: string;
  data: any;
}

/**
 * A minimal SSE reader: collects events and comment lines from a streaming response. Its own Agent, destroyed
 * on close: undici's global one keeps sockets of aborted streams around, which holds up server shutdown.
 */
async function openStream(url: string, headers: Record<string, string>) {
  const controller = new AbortController();
  const dispatcher = new Agent();
  const res = await request(url, { headers, signal: controller.signal, dispatcher });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  let buffer = '';
  const reading = (async () => {
    try {
      for await (const chunk of res.body) {
        buffer += (chunk as Buffer).toString('utf8');
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields: Record<string, string> = {};
          for (const line of frame.split('\n')) {
            if (line.startsWith(':')) comments.push(line);
            else {
              const i = line.indexOf(': ');
              if (i > 0) fields[line.slice(0, i)] = line.slice(i + 2);
            }
          }
          if (fields.data !== undefined) events.push({ id: fields.id ?? '', event: fields.event ?? 'message', data: JSON.parse(fields.data) });
          for (const w of waiters) w();
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return {
    status: res.statusCode,
    contentType: res.headers['content-type'],
    events,
    comments,
    async waitFor(count: number, timeoutMs = 5_000): Promise<SseEvent[]> {
      const deadline = Date.now() + timeoutMs;
      while (events.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} SSE events, got ${events.length}`);
        await new Promise<void>((resolve) => {
          const done = () => {
            waiters.delete(done);
            resolve();
          };
          waiters.add(done);
          setTimeout(done, 50);
        });
      }
      return events;
    },
    async close() {
      controller.abort();
      await reading;
      await dispatcher.destroy();
    },
  };
}

describe.each(DIALECTS)('pull and stream on %s', (dialect) => {
  let w: DeliveryWorld;
  let user: ApiClient;
  let token: string;

  beforeEach(async () => {
    w = await startDeliveryWorld(dialect, { plugins: [eventsPullPlugin({ heartbeatMs: 100, fallbackPollMs: 100 })] });
    user = await w.project.userClient('user-1');
    token = await w.project.tokenFor('user-1');
  });
  afterEach(async () => {
    await w.close();
  });

  it("pages through the user's own events, oldest first, by cursor", async () => {
    const mine = await w.subscribe();
    const theirs = await w.subscribe({ userId: 'user-2' });
    const e1 = await w.emit(mine, { n: 1 });
    const e2 = await w.emit(mine, { n: 2 });
    await w.emit(theirs, { n: 'other user' });
    const e3 = await w.emit(mine, { n: 3 });
    const base = `/projects/${w.project.id}/events`;

    const all = await user.get(base);
    expect(all.status, all.text).toBe(200);
    expect(all.body.events.map((e: any) => e.id)).toEqual([e1.id, e2.id, e3.id]);
    expect(all.body.events[0]).toMatchObject({
      id: e1.id, cursor: String(e1.seq), userId: 'user-1', integration: 'deliverytest', triggerSubscriptionId: mine.id, payload: { n: 1 },
    });
    expect(all.body.nextCursor).toBe(String(e3.seq));

    const page = await user.get(`${base}?after=${e1.seq}&limit=1`);
    expect(page.body.events.map((e: any) => e.id)).toEqual([e2.id]);
    expect(page.body.nextCursor).toBe(String(e2.seq));
    const rest = await user.get(`${base}?after=${page.body.nextCursor}`);
    expect(rest.body.events.map((e: any) => e.id)).toEqual([e3.id]);
    const none = await user.get(`${base}?after=${rest.body.nextCursor}`);
    expect(none.body).toEqual({ events: [], nextCursor: String(e3.seq) });

    const other = await w.project.userClient('user-2');
    expect((await other.get(base)).body.events.map((e: any) => e.payload)).toEqual([{ n: 'other user' }]);
    expect((await user.get(`${base}?after=abc`)).status).toBe(400);
  });

  it('never lets a cursor pass an event that is still to commit: events commit in sequence order', async () => {
    // Two subscriptions of the user: events of one subscription take turns anyway (their transactions
    // update the same subscription row).
    const sub = await w.subscribe();
    const other = await w.subscribe();
    const storage = w.t.svc.storage;
    const base = `/projects/${w.project.id}/events`;
    // A transaction records an event and stays open (as a poll does while it saves its cursor)...
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let slowRecorded!: () => void;
    const recorded = new Promise<void>((resolve) => (slowRecorded = resolve));
    const slow = storage.transaction(async (tx) => {
      const [e] = await tx.events.record([{ subscription: sub, dedupeKey: 'slow', payload: { n: 'slow' } }], w.clock.now());
      slowRecorded();
      await gate;
      return e!;
    });
    await recorded;
    // ...while another inbound event is recorded meanwhile: it waits for its turn instead of committing a
    // larger sequence number first.
    let fastCommitted = false;
    const fast = storage.events.record([{ subscription: other, dedupeKey: 'fast', payload: { n: 'fast' } }], w.clock.now()).then(([e]) => {
      fastCommitted = true;
      return e!;
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(fastCommitted).toBe(false);
      if (dialect === 'postgres') {
        // A reader meanwhile (SQLite's single connection would wait for the transaction instead) sees
        // neither, so its cursor stays before both.
        expect((await user.get(base)).body).toEqual({ events: [], nextCursor: '0' });
        // The waiting insert has not taken a sequence number yet (sequences are not transactional, so a
        // number taken before the turn would show here): it waits before its first row, not after.
        const [sequence] = (await rawRows(w.t.db.url, 'events_seq_seq')) as Array<{ last_value: string }>;
        expect(Number(sequence!.last_value)).toBe(1);
      }
    } finally {
      release();
    }
    const [e1, e2] = await Promise.all([slow, fast]);
    expect(e1.seq).toBeLessThan(e2.seq);
    expect((await user.get(base)).body.events.map((e: any) => e.id)).toEqual([e1.id, e2.id]);
  });

  it('streams the webhook envelope live and resumes with Last-Event-ID', async () => {
    const sub = await w.subscribe({ webhookOverride: { url: w.receiver.url, metadata: { via: 'stream' } } });
    const e1 = await w.emit(sub, { n: 1 });
    const e2 = await w.emit(sub, { n: 2 });
    const url = `${w.t.url}/projects/${w.project.id}/events/stream`;
    const auth = { authorization: `Bearer ${token}` };

    const s1 = await openStream(url, auth);
    expect(s1.status).toBe(200);
    expect(s1.contentType).toMatch(/^text\/event-stream/);
    const first = await s1.waitFor(2);
    expect(first.map((e) => [e.id, e.event])).toEqual([[String(e1.seq), 'trigger'], [String(e2.seq), 'trigger']]);
    // The same envelope as the webhook body.
    await w.worker.drain();
    const posted = w.receiver.requests.find((r) => (r.json as { eventId: string }).eventId === e1.id);
    expect(first[0]!.data).toEqual(posted!.json);
    expect(first[0]!.data.triggerSubscriptionMetadata).toEqual({ via: 'stream' });

    // Live: a new event arrives without reconnecting.
    const e3 = await w.emit(sub, { n: 3 });
    expect((await s1.waitFor(3))[2]!.data.eventId).toBe(e3.id);
    await new Promise((r) => setTimeout(r, 150));
    expect(s1.comments).toContain(': heartbeat');
    await s1.close();

    // Missed while disconnected: resume after the last id seen, without gaps or repeats.
    const e4 = await w.emit(sub, { n: 4 });
    const e5 = await w.emit(sub, { n: 5 });
    const s2 = await openStream(url, { ...auth, 'last-event-id': String(e3.seq) });
    expect((await s2.waitFor(2)).map((e) => e.data.eventId)).toEqual([e4.id, e5.id]);
    await new Promise((r) => setTimeout(r, 150));
    expect(s2.events).toHaveLength(2);
    await s2.close();

    const s3 = await openStream(`${url}?after=${e4.seq}`, auth);
    expect((await s3.waitFor(1)).map((e) => e.data.eventId)).toEqual([e5.id]);
    await s3.close();
  });

  it('refuses a stream without a user token, and closes open streams on shutdown', async () => {
    const url = `${w.t.url}/projects/${w.project.id}/events/stream`;
    const anonymous = await request(url);
    expect(anonymous.statusCode).toBe(401);
    await anonymous.body.dump();

    const open = await openStream(url, { authorization: `Bearer ${token}` });
    expect(open.status).toBe(200);
    // Service shutdown must not hang on the open stream (afterEach stops it too; this bounds the time).
    const started = Date.now();
    await w.t.svc.app!.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    await open.close();
  });
});
