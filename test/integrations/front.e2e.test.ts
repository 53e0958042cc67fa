// Front end to end through the public API, on SQLite and PostgreSQL, against the fake Front: subscribe (baseline
// event list observed at the fake with the credential's Bearer token, nothing delivered) → new events of each type
// → the real Poller on a test clock → exactly one signed delivery each, to the subscription of the right trigger and
// inbox → re-polls deliver nothing more → unsubscribe stops the polling. Plus: a malformed inbox or tag id refused
// naming the parameter; 429 with Retry-After backing the credential off and a 5xx retried; a revoked token (401)
// marking the credential INVALID and the subscription ERRORED.
// (These triggers poll; no inbound webhook exists, so there is no signature to forge and no webhook to remove.)
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Poller } from '../../src/engine/poller.js';
import { frontIntegration } from '../../src/integrations/front/integration.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestService } from '../helpers/service.js';
import { startFakeFront, type FakeFront } from '../providers/front.js';

const SEC = 1000;

describe.each(DIALECTS)('Front end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let front: FakeFront;
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
    front = await startFakeFront();
    front.addEvent({ type: 'inbound', emittedAt: clock.now() - 20 * SEC });
    w = await startIntegrationWorld({
      dialect,
      integration: frontIntegration,
      now: clock.now,
      poller: true,
      config: { clientId: 'front-client', clientSecret: 'front-client-secret', apiBaseUrl: front.url },
      credential: { accessToken: 'front-token-1', providerAccountId: front.companyId },
    });
    ({ t, receiver, worker } = w);
    poller = w.poller!;
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await front.close();
  });

  it('inbound message: baseline at subscribe, one signed delivery, no duplicate on re-poll, nothing after unsubscribe', async () => {
    const sub = await subscribed('FRONT_TRIGGER_INBOUND_MESSAGE_RECEIVED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const [baseline] = front.eventLists();
    expect(baseline).toMatchObject({ auth: 'Bearer front-token-1', query: { 'q[types][]': 'inbound', sort_by: 'created_at', sort_order: 'asc', limit: '15' } });
    await tick();
    expect(receiver.requests).toHaveLength(0); // the message received before subscribing is never delivered

    const ev = front.addEvent({ type: 'inbound', emittedAt: clock.now() });
    await tick();
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({
      integration: 'front', triggerType: 'FRONT_TRIGGER_INBOUND_MESSAGE_RECEIVED', triggerSubscriptionId: sub.id, credentialId, userId: 'user-1',
      payload: { id: ev.id, type: 'inbound', target: { _meta: { type: 'message' } } },
    });
    expectSignedDelivery(delivery!, w.project.signingSecret);
    await tick();
    await tick();
    expect(receiver.requests).toHaveLength(1);

    expect((await w.user.delete(`${w.base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    const calls = front.requests.length;
    front.addEvent({ type: 'inbound', emittedAt: clock.now() });
    await tick();
    expect(front.requests.length).toBe(calls);
    expect(receiver.requests).toHaveLength(1);
  });

  it('outbound, assigned, tag (by tag) and comment (by inbox): each event reaches only its subscriptions, once', async () => {
    const outbound = await subscribed('FRONT_TRIGGER_OUTBOUND_MESSAGE_SENT');
    const assigned = await subscribed('FRONT_TRIGGER_CONVERSATION_ASSIGNED');
    const urgent = await subscribed('FRONT_TRIGGER_TAG_ADDED', { tagId: 'tag_urgent' });
    const sales = await subscribed('FRONT_TRIGGER_COMMENT_ADDED', { inboxId: 'inb_sales' });
    const at = clock.now() + SEC;
    const o = front.addEvent({ type: 'outbound', emittedAt: at });
    const a = front.addEvent({ type: 'assign', emittedAt: at + 1 });
    const tg = front.addEvent({ type: 'tag', emittedAt: at + 2, tagId: 'tag_urgent' });
    front.addEvent({ type: 'tag', emittedAt: at + 3, tagId: 'tag_other' });
    const c = front.addEvent({ type: 'comment', emittedAt: at + 4, inboxId: 'inb_sales' });
    front.addEvent({ type: 'comment', emittedAt: at + 5, inboxId: 'inb_support' });
    await tick();
    await tick();
    await tick();
    const got = deliveries().map((d) => [d.triggerSubscriptionId, d.triggerType, d.payload.id]);
    expect(got.sort()).toEqual([
      [outbound.id, 'FRONT_TRIGGER_OUTBOUND_MESSAGE_SENT', o.id],
      [assigned.id, 'FRONT_TRIGGER_CONVERSATION_ASSIGNED', a.id],
      [urgent.id, 'FRONT_TRIGGER_TAG_ADDED', tg.id],
      [sales.id, 'FRONT_TRIGGER_COMMENT_ADDED', c.id],
    ].sort());
    expect(front.eventLists().some((r) => r.query['q[inboxes][]'] === 'inb_sales')).toBe(true);
  });

  it('refuses a malformed inbox or tag id, naming the parameter', async () => {
    for (const [type, params, field] of [
      ['FRONT_TRIGGER_INBOUND_MESSAGE_RECEIVED', { inboxId: 'support' }, 'inboxId'],
      ['FRONT_TRIGGER_TAG_ADDED', { tagId: 'tag_x&q[types][]=comment' }, 'tagId'],
    ] as const) {
      const bad = await w.subscribe(type, params);
      expect([bad.status, bad.body.code]).toEqual([400, 'INVALID_PARAMETER']);
      expect(bad.body.message).toContain(`parameters.${field}`);
    }
  });

  it('backs the credential off on 429 (Retry-After), retries a 5xx, and marks a revoked token INVALID on 401', async () => {
    const sub = await subscribed('FRONT_TRIGGER_INBOUND_MESSAGE_RECEIVED');
    const ev = front.addEvent({ type: 'inbound', emittedAt: clock.now() });
    front.failNext(1, 429, { 'retry-after': '120' });
    await tick();
    expect((await t.svc.storage.credentials.get(credentialId))!.rateLimitedUntil).toBe(clock.now() + 120_000);
    expect((await w.user.get(`${w.base}/trigger-subscriptions/${sub.id}`)).body).toMatchObject({ status: 'ACTIVE' });
    const calls = front.requests.length;
    await tick();
    expect(front.requests.length).toBe(calls); // paused until Retry-After
    clock.advance(120_000);
    front.failNext(1, 503);
    await tick();
    expect((await t.svc.storage.subscriptions.get(sub.id))!.consecutiveFailures).toBe(1);
    await tick(10 * SEC);
    expect(deliveries().map((d) => d.payload.id)).toEqual([ev.id]);
    expect((await t.svc.storage.subscriptions.get(sub.id))!.consecutiveFailures).toBe(0);

    front.validTokens.clear(); // the admin revoked the app / the API token
    await tick(10 * SEC);
    expect((await t.svc.storage.credentials.get(credentialId))!.status).toBe('INVALID');
    const after = await w.user.get(`${w.base}/trigger-subscriptions/${sub.id}`);
    expect(after.body.status).toBe('ERRORED');
    expect(JSON.stringify(after.body)).not.toContain('front-token-1');
  });
});
