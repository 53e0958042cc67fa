// Webhook delivery end to end (SPEC §4): real service, real database, real HTTP to a scripted receiver, and
// an injected clock for retry timing. Signatures are checked with the standardwebhooks package and with an
// HMAC computed here, never only with our own code.
import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { behave, closedPortUrl, headerMap, startFakeReceiver } from '../helpers/fake-receiver.js';
import { DIALECTS } from '../helpers/databases.js';
import { startDeliveryWorld, type DeliveryWorld } from './delivery-helpers.js';
import type { StoredEvent } from '../../src/storage/port.js';

const HOUR = 3_600_000;

/** Paragon style, computed independently: hex HMAC-SHA256 keyed with the whole `whsec_…` string. */
const paragonSignature = (secret: string, body: Buffer) => `v1=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe.each(DIALECTS)('webhook delivery on %s', (dialect) => {
  let w: DeliveryWorld;
  beforeEach(async () => {
    w = await startDeliveryWorld(dialect);
  });
  afterEach(async () => {
    await w.close();
  });

  it('posts the SPEC envelope with both signatures; override url, headers and metadata are honoured', async () => {
    const sub = await w.subscribe({
      webhookOverride: {
        url: `${w.receiver.url}override?tenant=acme`,
        headers: {
          'X-Tenant': 'acme',
          // None of these may replace ours.
          'Content-Type': 'text/plain',
          'X-Paragon-Signature': 'v1=forged',
          'Webhook-Signature': 'v1,forged',
          'webhook-id': 'forged',
        },
        metadata: { tenant: 'acme', tier: 2 },
      },
    });
    const plain = await w.subscribe({ userId: 'user-2' });
    const e1 = await w.emit(sub, { issue: { number: 1 } });
    const e2 = await w.emit(plain, { issue: { number: 2 } });
    await w.worker.drain();

    const reqs = await w.receiver.waitFor(2);
    const r1 = reqs.find((r) => (r.json as { eventId: string }).eventId === e1.id)!;
    const r2 = reqs.find((r) => (r.json as { eventId: string }).eventId === e2.id)!;
    expect(r1.path).toBe('/override?tenant=acme');
    expect(r2.path).toBe('/');
    expect(r1.json).toEqual({
      eventId: e1.id,
      userId: 'user-1',
      integration: 'deliverytest',
      triggerType: 'DELIVERYTEST_TRIGGER_THING_HAPPENED',
      triggerSubscriptionId: sub.id,
      credentialId: null,
      projectId: w.project.id,
      dateReceived: new Date(e1.dateReceived).toISOString(),
      payload: { issue: { number: 1 } },
      triggerSubscriptionMetadata: { tenant: 'acme', tier: 2 },
    });
    expect((r2.json as { triggerSubscriptionMetadata: unknown }).triggerSubscriptionMetadata).toEqual({});

    for (const [req, event] of [[r1, e1], [r2, e2]] as const) {
      const h = headerMap(req);
      expect(h['content-type']).toBe('application/json');
      expect(h['webhook-id']).toBe(event.id);
      expect(Math.abs(Number(h['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
      expect(h['x-paragon-signature']).toBe(paragonSignature(w.project.signingSecret, req.rawBody));
      expect(new Webhook(w.project.signingSecret).verify(req.rawBody.toString('utf8'), h)).toEqual(req.json);
    }
    expect(r1.headers['x-tenant']).toBe('acme');

    const log = await w.eventLog(e1.id);
    expect(log.status).toBe('DELIVERED');
    expect(log.attempts).toMatchObject([{ attempt: 1, statusCode: 200, outcome: 'succeeded', error: null }]);
  });

  it('signs with both secrets for 24 h after a rotation, then with the new one only', async () => {
    const oldSecret = w.project.signingSecret;
    const rotated = await w.t.admin.post(`/admin/v1/projects/${w.project.id}/signing-secret/rotate`, {});
    expect(rotated.status).toBe(200);
    const newSecret = rotated.body.signingSecret as string;
    expect(newSecret).not.toBe(oldSecret);

    const sub = await w.subscribe();
    await w.emit(sub);
    await w.worker.drain();
    const [req] = await w.receiver.waitFor(1);
    const h = headerMap(req!);
    expect(h['x-paragon-signature']!.split(' ')).toEqual([paragonSignature(newSecret, req!.rawBody), paragonSignature(oldSecret, req!.rawBody)]);
    expect(h['webhook-signature']!.split(' ')).toHaveLength(2);
    // A receiver configured with either secret accepts the delivery.
    expect(() => new Webhook(newSecret).verify(req!.rawBody, h)).not.toThrow();
    expect(() => new Webhook(oldSecret).verify(req!.rawBody, h)).not.toThrow();

    w.clock.advance(24 * HOUR + 1_000);
    await w.emit(sub);
    await w.worker.drain();
    const later = (await w.receiver.waitFor(2))[1]!;
    expect(later.headers['x-paragon-signature']).toBe(paragonSignature(newSecret, later.rawBody));
    expect(String(later.headers['webhook-signature']).split(' ')).toHaveLength(1);
  });

  it('retries 500, 429 + Retry-After, a timeout and a reset, then delivers; every attempt is recorded', async () => {
    w.receiver.script([behave.status(500, 'boom'), behave.retryAfter(429, 600), behave.slow(2_000), behave.reset(), behave.ok()]);
    const sub = await w.subscribe();
    const e = await w.emit(sub);
    await w.worker.drain();
    expect(w.receiver.requests).toHaveLength(1); // 500

    await w.advance(4_000);
    expect(w.receiver.requests).toHaveLength(1); // not due before the 5 s retry
    await w.advance(1_000);
    expect(w.receiver.requests).toHaveLength(2); // 429, Retry-After: 600 beats the 300 s step

    await w.advance(300_000);
    expect(w.receiver.requests).toHaveLength(2);
    await w.advance(360_000); // 600 s + 10 % upward jitter (random 0.5)
    expect(w.receiver.requests).toHaveLength(3); // slow: times out after 400 ms
    await w.advance(1_800_000);
    expect(w.receiver.requests).toHaveLength(4); // reset
    await w.advance(3_600_000);
    expect(w.receiver.requests).toHaveLength(5); // 200

    // The event id is stable across retries.
    expect(new Set(w.receiver.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([e.id]));
    const log = await w.eventLog(e.id);
    expect(log.status).toBe('DELIVERED');
    expect(log.attempts.map((a: any) => [a.attempt, a.statusCode, a.outcome])).toEqual([
      [1, 500, 'retry'], [2, 429, 'retry'], [3, null, 'retry'], [4, null, 'retry'], [5, 200, 'succeeded'],
    ]);
    expect(log.attempts[0]).toMatchObject({ error: 'HTTP 500', responseExcerpt: 'boom' });
    expect(log.attempts[2].error).toBe('timed out after 400 ms');
    expect(log.attempts[3].error).toMatch(/^connection failed: /);
  });

  it('retries a closed port', async () => {
    const sub = await w.subscribe({ webhookOverride: { url: await closedPortUrl() } });
    const e = await w.emit(sub);
    await w.worker.drain();
    let log = await w.eventLog(e.id);
    expect(log.attempts).toMatchObject([{ statusCode: null, outcome: 'retry' }]);
    expect(log.attempts[0].error).toContain('ECONNREFUSED');
    expect(log.deliveries[0]).toMatchObject({ status: 'PENDING', attempts: 1 });

    await w.t.svc.storage.subscriptions.update(sub.id, { webhookOverride: { url: w.receiver.url } });
    await w.advance(5_000);
    log = await w.eventLog(e.id);
    expect(log.status).toBe('DELIVERED');
  });

  it('does not follow redirects', async () => {
    const elsewhere = await startFakeReceiver();
    try {
      w.receiver.script([behave.redirect(elsewhere.url, 308)]);
      const e = await w.emit(await w.subscribe());
      await w.worker.drain();
      const log = await w.eventLog(e.id);
      expect(log.attempts).toMatchObject([{ statusCode: 308, outcome: 'retry', error: 'HTTP 308 (redirects are not followed)' }]);
      expect(elsewhere.requests).toHaveLength(0);
    } finally {
      await elsewhere.close();
    }
  });

  it('410 Gone stops at once: event FAILED, subscription ERRORED', async () => {
    w.receiver.script([behave.status(410)]);
    const sub = await w.subscribe();
    const e = await w.emit(sub);
    await w.worker.drain();
    await w.advance(24 * HOUR);
    expect(w.receiver.requests).toHaveLength(1);
    const log = await w.eventLog(e.id);
    expect(log.status).toBe('FAILED');
    expect(log.attempts).toMatchObject([{ statusCode: 410, outcome: 'failed' }]);
    expect(log.subscription.status).toBe('ERRORED');
    expect(log.subscription.error).toMatch(/^delivery failed: HTTP 410 Gone from http:\/\/127\.0\.0\.1:\d+; /);
  });

  it('exhausts, holds while ERRORED, delivers held events on re-activation, redelivers one and in bulk', async () => {
    w.receiver.script(() => behave.status(500));
    const sub = await w.subscribe();
    const user = await w.project.userClient('user-1');
    const failed = await w.emit(sub);
    await w.worker.drain();
    await w.advance(5_000);
    await w.advance(300_000);
    await w.advance(1_800_000);
    await w.advance(3_600_000);
    expect(w.receiver.requests).toHaveLength(5); // 1 + 4 retries of the schedule 5,300,1800,3600

    const origin = new URL(w.receiver.url).origin;
    const reason = `delivery failed after 5 attempts; last: HTTP 500 from ${origin}`;
    expect((await w.eventLog(failed.id)).status).toBe('FAILED');
    const shown = await user.get(`/projects/${w.project.id}/trigger-subscriptions/${sub.id}`);
    expect(shown.body).toMatchObject({ status: 'ERRORED', error: reason });

    // Detected while ERRORED: stored HELD, not sent.
    const erroredSub = (await w.t.svc.storage.subscriptions.get(sub.id))!;
    const held = await w.emit(erroredSub);
    expect(held.status).toBe('HELD');
    await w.advance(HOUR);
    expect(w.receiver.requests).toHaveLength(5);
    expect((await w.eventLog(held.id)).status).toBe('HELD');

    // Re-activation delivers what was held; the failed event stays FAILED.
    w.receiver.script(() => behave.ok());
    const patched = await user.patch(`/projects/${w.project.id}/trigger-subscriptions/${sub.id}`, { status: 'ACTIVE' });
    expect(patched.status, patched.text).toBe(200);
    await w.worker.drain();
    expect((await w.eventLog(held.id)).status).toBe('DELIVERED');
    expect((await w.eventLog(failed.id)).status).toBe('FAILED');

    // Redeliver one event: same event id, a new delivery.
    const one = await w.t.admin.post(`/admin/v1/projects/${w.project.id}/events/${failed.id}/redeliver`, {});
    expect(one.status).toBe(202);
    await w.worker.drain();
    const redelivered = await w.eventLog(failed.id);
    expect(redelivered.status).toBe('DELIVERED');
    expect(redelivered.deliveries).toHaveLength(2);
    expect(w.receiver.requests.at(-1)!.headers['webhook-id']).toBe(failed.id);

    // Bulk: two more fail (410 fails at once), the subscription is fixed and re-activated, then all
    // FAILED events of the subscription in the window go again.
    w.receiver.script(() => behave.status(410));
    const f1 = await w.emit(sub);
    await w.worker.drain();
    const f2 = await w.emit((await w.t.svc.storage.subscriptions.get(sub.id))!);
    await w.worker.drain();
    expect((await w.eventLog(f1.id)).status).toBe('FAILED');
    expect((await w.eventLog(f2.id)).status).toBe('HELD'); // the first 410 had errored the subscription
    w.receiver.script(() => behave.ok());
    expect((await user.patch(`/projects/${w.project.id}/trigger-subscriptions/${sub.id}`, { status: 'ACTIVE' })).status).toBe(200);
    await w.worker.drain();
    const bulk = await w.t.admin.post(`/admin/v1/projects/${w.project.id}/events/redeliver`, {
      subscriptionId: sub.id,
      from: new Date(f1.dateReceived - 1_000).toISOString(),
    });
    expect(bulk.status).toBe(202);
    expect(bulk.body).toEqual({ redelivered: 1 });
    await w.worker.drain();
    for (const e of [f1, f2]) expect((await w.eventLog(e.id)).status).toBe('DELIVERED');
  });

  it('holds a queued delivery whose subscription failed meanwhile, and sends it after re-activation', async () => {
    const sub = await w.subscribe();
    let secondTries = 0;
    // Scripted before emitting: the worker is woken by the emit itself.
    w.receiver.script((req) => {
      if ((req.json as { payload: { which: string } }).payload.which === 'first') return behave.status(410);
      return ++secondTries === 1 ? behave.status(503) : behave.ok();
    });
    // One transaction, so one claim takes both: `second` is in flight when `first` errors the subscription.
    const [first, second] = await w.t.svc.storage.events.record(
      ['first', 'second'].map((which) => ({ subscription: sub, dedupeKey: which, payload: { which } })),
      w.clock.now(),
    );
    await w.worker.drain();
    expect((await w.eventLog(first!.id)).status).toBe('FAILED');
    await w.advance(5_000); // the retry of `second` is due, but its subscription is ERRORED now
    expect(secondTries).toBe(1);
    expect((await w.eventLog(second!.id)).status).toBe('HELD');

    const user = await w.project.userClient('user-1');
    expect((await user.patch(`/projects/${w.project.id}/trigger-subscriptions/${sub.id}`, { status: 'ACTIVE' })).status).toBe(200);
    await w.worker.drain();
    expect(secondTries).toBe(2);
    expect((await w.eventLog(second!.id)).status).toBe('DELIVERED');
  });

  it('retries with a clear error while the project has no webhook URL', async () => {
    await w.t.svc.storage.projects.update(w.project.id, { webhookUrl: null });
    const e = await w.emit(await w.subscribe());
    await w.worker.drain();
    const log = await w.eventLog(e.id);
    expect(log.status).toBe('PENDING');
    expect(log.attempts).toMatchObject([{ url: '', statusCode: null, outcome: 'retry' }]);
    expect(log.attempts[0].error).toMatch(/^project has no webhook URL/);

    await w.t.admin.patch(`/admin/v1/projects/${w.project.id}`, { webhookUrl: w.receiver.url });
    await w.advance(5_000);
    expect((await w.eventLog(e.id)).status).toBe('DELIVERED');
  });

  it('shows deliveries, latency and queue depth on /metrics', async () => {
    const sub = await w.subscribe();
    w.receiver.script([behave.ok(), behave.status(500)]);
    await w.emit(sub);
    await w.worker.drain();
    await w.emit(sub);
    await w.worker.drain();
    const text = (await w.t.admin.get('/metrics')).text;
    expect(text).toMatch(/^opentriggers_deliveries_total\{outcome="succeeded"\} 1$/m);
    expect(text).toMatch(/^opentriggers_deliveries_total\{outcome="retry"\} 1$/m);
    expect(text).toMatch(/^opentriggers_delivery_latency_seconds_count 1$/m);
    expect(text).toMatch(/^opentriggers_delivery_attempt_seconds_count 2$/m);
    expect(text).toMatch(/^opentriggers_delivery_queue_depth\{status="PENDING"\} 1$/m);
  });

  it('stop() waits for an attempt in flight and records it', async () => {
    w.receiver.script([behave.slow(200)]);
    const e = await w.emit(await w.subscribe());
    await w.receiver.waitFor(1);
    await w.worker.stop();
    const log = await w.eventLog(e.id);
    expect(log.status).toBe('DELIVERED');
    expect(log.attempts).toHaveLength(1);
  });

  it('sends a signed test event on demand (admin webhook-test)', async () => {
    w.receiver.script([behave.ok(), behave.status(500, 'nope')]);
    const ok = await w.t.admin.post(`/admin/v1/projects/${w.project.id}/webhook-test`, {});
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toMatchObject({ statusCode: 200 });
    expect(ok.body.error).toBeUndefined();
    expect(typeof ok.body.latencyMs).toBe('number');
    const [req] = await w.receiver.waitFor(1);
    expect(new Webhook(w.project.signingSecret).verify(req!.rawBody, headerMap(req!))).toMatchObject({
      eventId: ok.body.eventId, projectId: w.project.id, triggerType: 'OPENTRIGGERS_TEST_EVENT',
    });

    const failing = await w.t.admin.post(`/admin/v1/projects/${w.project.id}/webhook-test`, {});
    expect(failing.body).toMatchObject({ statusCode: 500, error: 'HTTP 500', responseExcerpt: 'nope' });
    const closed = await w.t.admin.post(`/admin/v1/projects/${w.project.id}/webhook-test`, { url: await closedPortUrl() });
    expect(closed.body.statusCode).toBeNull();
    expect(closed.body.error).toContain('ECONNREFUSED');
  });
});

describe.each(DIALECTS)('SSRF policy at delivery time on %s', (dialect) => {
  let w: DeliveryWorld;
  beforeEach(async () => {
    w = await startDeliveryWorld(dialect, { env: { OPENTRIGGERS_ALLOW_PRIVATE_WEBHOOK_URLS: 'false' }, projectWebhookUrl: null });
  });
  afterEach(async () => {
    await w.close();
  });

  it('refuses a private destination as a permanent failure, without sending', async () => {
    // Settings would refuse this URL; storage stands in for a URL that became private later (DNS change).
    await w.t.svc.storage.projects.update(w.project.id, { webhookUrl: w.receiver.url });
    const sub = await w.subscribe();
    const e = await w.emit(sub);
    await w.worker.drain();
    expect(w.receiver.requests).toHaveLength(0);
    const log = await w.eventLog(e.id);
    expect(log.status).toBe('FAILED');
    expect(log.attempts).toMatchObject([{ statusCode: null, outcome: 'failed' }]);
    expect(log.subscription.status).toBe('ERRORED');
    expect(log.subscription.error).toMatch(/^delivery refused: .*127\.0\.0\.1 is not a public address \(loopback\)/);

    const test = await w.t.admin.post(`/admin/v1/projects/${w.project.id}/webhook-test`, {});
    expect(test.body.statusCode).toBeNull();
    expect(test.body.error).toMatch(/^refused: /);
  });
});

describe.each(DIALECTS)('delivery with slow outcome commits on %s', (dialect) => {
  const CONCURRENCY = 2; // room for claims: 2 × concurrency = 4 deliveries claimed and not yet sent
  const AWAITING_RECORD_LIMIT = 6;
  let w: DeliveryWorld;
  beforeEach(async () => {
    w = await startDeliveryWorld(dialect, {
      env: { OPENTRIGGERS_DELIVERY_CONCURRENCY: String(CONCURRENCY) },
      worker: { awaitingRecordLimit: AWAITING_RECORD_LIMIT },
    });
  });
  afterEach(async () => {
    await w.close();
  });

  it('keeps sending while outcomes wait for their commit, up to the awaiting-record limit, and loses nothing', async () => {
    // Every outcome commit waits until the gate opens: a database far away, or stalled.
    const deliveries = w.t.svc.storage.deliveries;
    const complete = deliveries.complete.bind(deliveries);
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    deliveries.complete = async (...args) => {
      await gate;
      return complete(...args);
    };
    const sub = await w.subscribe();
    const events: StoredEvent[] = [];
    for (let i = 0; i < 20; i++) events.push(await w.emit(sub));

    // More than the 4 that fit the claim room: sent deliveries no longer hold it while they wait.
    await w.receiver.waitFor(AWAITING_RECORD_LIMIT);
    // Then claiming pauses: at most what was already claimed (4) goes out beyond the limit.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(w.receiver.requests.length).toBeLessThanOrEqual(AWAITING_RECORD_LIMIT + 2 * CONCURRENCY);

    openGate();
    const requests = await w.receiver.waitFor(events.length);
    await w.worker.drain();
    const sent = requests.map((r) => (r.json as { eventId: string }).eventId);
    expect(new Set(sent)).toEqual(new Set(events.map((e) => e.id)));
    expect(sent).toHaveLength(events.length); // each sent once: none waited past its lease
    for (const e of events) {
      const log = await w.eventLog(e.id);
      expect(log.status).toBe('DELIVERED');
      expect(log.attempts).toHaveLength(1);
    }
  });
});
