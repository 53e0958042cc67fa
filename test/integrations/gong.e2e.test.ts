// Gong end to end through the public API, on SQLite and PostgreSQL, against the fake Gong: subscribe (baseline read
// observed at the fake with the Basic token, nothing delivered) → a new call / a hosted call / a new user → the real
// Poller on a test clock → exactly one signed delivery each → re-polls deliver nothing more → unsubscribe stops the
// polls. Plus: bad parameters refused with 400 naming the parameter; 429 with Retry-After backing the credential off,
// a 5xx retried; a revoked key (401) marking the credential INVALID and the subscription ERRORED.
// (No inbound webhook exists for these triggers, so there is no signature to forge.)
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Poller } from '../../src/engine/poller.js';
import { gongIntegration } from '../../src/integrations/gong/integration.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestService } from '../helpers/service.js';
import { GONG_TEST_TOKEN, startFakeGong, type FakeGong } from '../providers/gong.js';

const SEC = 1000;
const MIN = 60_000;

describe.each(DIALECTS)('Gong end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let g: FakeGong;
  let receiver: FakeReceiver;
  let worker: DeliveryWorker;
  let poller: Poller;
  let clock: TestClock;
  let credentialId: string;

  const deliveries = () => receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: any });
  const subscribed = async (type: string, parameters: Record<string, unknown> = {}) => subscriptionOf(await w.subscribe(type, parameters));
  const tick = async (ms = 2 * SEC) => {
    clock.advance(ms);
    await poller.runDue();
    await worker.drain();
  };

  beforeEach(async () => {
    clock = new TestClock(Date.now());
    g = await startFakeGong();
    g.addCall({ started: clock.now() - 2 * 60 * MIN, title: 'Before subscribing' });
    g.addUser({ created: clock.now() - MIN });
    w = await startIntegrationWorld({
      dialect,
      integration: gongIntegration,
      now: clock.now,
      poller: true,
      config: { apiBaseUrl: g.url },
      credential: { apiKey: GONG_TEST_TOKEN },
    });
    ({ t, receiver, worker } = w);
    poller = w.poller!;
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await g.close();
  });

  it('new call: baseline at subscribe, a call processed after subscribing delivered once and signed, nothing after unsubscribe', async () => {
    const sub = await subscribed('GONG_TRIGGER_CALL_CREATED', { workspaceId: '623457276584334' });
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    expect(g.requests).toHaveLength(1);
    expect(g.requests[0]).toMatchObject({ method: 'GET', path: '/v2/calls', auth: `Basic ${GONG_TEST_TOKEN}`, query: { workspaceId: '623457276584334' } });
    await tick();
    expect(receiver.requests).toHaveLength(0); // the call listed before subscribing is never delivered

    const c = g.addCall({ started: clock.now() - 30 * MIN, processed: false, title: 'Acme discovery' });
    await tick();
    expect(receiver.requests).toHaveLength(0);
    c.processed = true;
    await tick();
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({
      integration: 'gong', triggerType: 'GONG_TRIGGER_CALL_CREATED', triggerSubscriptionId: sub.id, credentialId,
      payload: { id: c.id, title: 'Acme discovery', workspaceId: '623457276584334' },
    });
    expectSignedDelivery(delivery!, w.project.signingSecret);
    await tick();
    await tick(MIN);
    expect(receiver.requests).toHaveLength(1);

    expect((await w.user.delete(`${w.base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    const calls = g.requests.length;
    g.addCall({ started: clock.now() });
    await tick(MIN);
    expect(g.requests.length).toBe(calls);
    expect(receiver.requests).toHaveLength(1);
  });

  it('hosted call and new user: one delivery each, none for another host', async () => {
    const hosted = await subscribed('GONG_TRIGGER_CALL_CREATED_BY_USERS', { primaryUserIds: '111, 222' });
    const users = await subscribed('GONG_TRIGGER_USER_CREATED');
    await tick();
    expect(receiver.requests).toHaveLength(0);
    g.addCall({ started: clock.now(), primaryUserId: '999' });
    const mine = g.addCall({ started: clock.now(), primaryUserId: '222' });
    const u = g.addUser({ created: clock.now(), emailAddress: 'new.rep@gong-demo.com' });
    await tick();
    await tick();
    await receiver.waitFor(2);
    const got = deliveries().map((d) => [d.triggerSubscriptionId, d.triggerType, d.payload.metaData?.id ?? d.payload.id]);
    expect(got.sort()).toEqual([[hosted.id, 'GONG_TRIGGER_CALL_CREATED_BY_USERS', mine.id], [users.id, 'GONG_TRIGGER_USER_CREATED', u.id]].sort());
    expect(deliveries().find((d) => d.triggerSubscriptionId === hosted.id)!.payload.parties).toHaveLength(1);
  });

  it('refuses bad parameters with 400 naming the parameter, and calls nothing', async () => {
    for (const [type, params, name] of [
      ['GONG_TRIGGER_CALL_CREATED', { workspaceId: '12/34' }, 'parameters.workspaceId'],
      ['GONG_TRIGGER_CALL_CREATED_BY_USERS', {}, 'parameters.primaryUserIds'],
      ['GONG_TRIGGER_CALL_CREATED_BY_USERS', { primaryUserIds: '1, jon@acme.com' }, 'parameters.primaryUserIds'],
    ] as const) {
      const bad = await w.subscribe(type, params);
      expect([bad.status, bad.body.code]).toEqual([400, 'INVALID_PARAMETER']);
      expect(bad.body.message).toContain(name);
    }
    expect(g.requests).toHaveLength(0);
  });

  it('backs the credential off on 429 (Retry-After), retries a 5xx, and marks a revoked key INVALID on 401', async () => {
    const sub = await subscribed('GONG_TRIGGER_CALL_CREATED');
    const c = g.addCall({ started: clock.now() });
    g.failNext(1, 429, { 'retry-after': '30' }, { requestId: 'r1', errors: ['Too many requests'] });
    await tick();
    expect((await t.svc.storage.credentials.get(credentialId))!.rateLimitedUntil).toBe(clock.now() + 30_000);
    expect((await w.user.get(`${w.base}/trigger-subscriptions/${sub.id}`)).body).toMatchObject({ status: 'ACTIVE' });
    const calls = g.requests.length;
    await tick();
    expect(g.requests.length).toBe(calls); // paused until Retry-After
    clock.advance(30_000);
    g.failNext(1, 503);
    await tick();
    expect((await t.svc.storage.subscriptions.get(sub.id))!.consecutiveFailures).toBe(1);
    await tick(10 * SEC);
    expect(deliveries().map((d) => d.payload.id)).toEqual([c.id]);
    expect((await t.svc.storage.subscriptions.get(sub.id))!.consecutiveFailures).toBe(0);

    g.validAuth.clear(); // the key was revoked in Gong
    await tick(10 * SEC);
    expect((await t.svc.storage.credentials.get(credentialId))!.status).toBe('INVALID');
    const body = (await w.user.get(`${w.base}/trigger-subscriptions/${sub.id}`)).body;
    expect(body.status).toBe('ERRORED');
    expect(JSON.stringify(body)).not.toContain(GONG_TEST_TOKEN);
  });
});
