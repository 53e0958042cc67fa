// Freshservice end to end through the public API, on SQLite and PostgreSQL, against the fake Freshservice. The
// project's apiBaseUrl keeps the `{domain}` placeholder (`${fake}/{domain}/api/v2`), so every call shows the engine
// filled in the credential's account domain: subscribe (baseline ticket list observed at the fake with HTTP Basic
// `<key>:X`, nothing delivered) → a new ticket / a resolved ticket / a new change → the real Poller on a test clock →
// exactly one signed delivery each → re-polls deliver nothing more → unsubscribe stops the polling. Plus: a malformed
// group refused naming the field; 429 with Retry-After backing the credential off and a 5xx retried; a revoked API
// key (401) marking the credential INVALID and the subscription ERRORED.
// (No inbound webhook exists for these triggers — Freshservice has no API to register one — so there is no
// signature to forge and no provider webhook to remove.)
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Poller } from '../../src/engine/poller.js';
import { freshserviceIntegration } from '../../src/integrations/freshservice/integration.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestService } from '../helpers/service.js';
import { basicAuth, freshserviceRateLimitHeaders, startFakeFreshservice, type FakeFreshservice } from '../providers/freshservice.js';

const SEC = 1000;

describe.each(DIALECTS)('Freshservice end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let fs: FakeFreshservice;
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
    fs = await startFakeFreshservice({ now: clock.now });
    fs.addTicket({ id: 1, createdAt: clock.now() - 60_000 });
    fs.addChange({ createdAt: clock.now() - 60_000 });
    w = await startIntegrationWorld({
      dialect,
      integration: freshserviceIntegration,
      now: clock.now,
      poller: true,
      config: { apiBaseUrl: `${fs.url}/{domain}/api/v2` },
      credential: { apiKey: 'fs-key-1', extra: { domain: 'acme' } },
    });
    ({ t, receiver, worker } = w);
    poller = w.poller!;
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await fs.close();
  });

  it('ticket created: baseline at subscribe, one signed delivery, no duplicate on re-poll, nothing after unsubscribe', async () => {
    const sub = await subscribed('FRESHSERVICE_TRIGGER_TICKET_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const [baseline] = fs.ticketLists();
    expect(baseline).toMatchObject({ domain: 'acme', auth: `Basic ${basicAuth('fs-key-1')}`, query: { order_type: 'asc', per_page: '100', page: '1' } });
    await tick();
    expect(receiver.requests).toHaveLength(0); // the ticket that existed before subscribing is never delivered

    const ticket = fs.addTicket({ subject: 'Laptop will not boot', createdAt: clock.now() });
    await tick();
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({
      integration: 'freshservice', triggerType: 'FRESHSERVICE_TRIGGER_TICKET_CREATED', triggerSubscriptionId: sub.id, credentialId, userId: 'user-1',
      payload: { id: ticket.id, subject: 'Laptop will not boot', status: 2 },
    });
    expectSignedDelivery(delivery!, w.project.signingSecret);
    fs.updateTicket(ticket.id, clock.now() + SEC, { status: 3 }); // an update is not a second creation
    await tick();
    await tick();
    expect(receiver.requests).toHaveLength(1);

    expect((await w.user.delete(`${w.base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    const calls = fs.requests.length;
    fs.addTicket({ createdAt: clock.now() });
    await tick();
    expect(fs.requests.length).toBe(calls);
    expect(receiver.requests).toHaveLength(1);
  });

  it('ticket resolved and change created: one delivery each; a malformed group is refused naming the field', async () => {
    const bad = await w.subscribe('FRESHSERVICE_TRIGGER_TICKET_RESOLVED', { groupId: '7 OR 1=1' });
    expect([bad.status, bad.body.code]).toEqual([400, 'INVALID_PARAMETER']);
    expect(bad.body.message).toContain('parameters.groupId');
    const resolved = await subscribed('FRESHSERVICE_TRIGGER_TICKET_RESOLVED');
    const changes = await subscribed('FRESHSERVICE_TRIGGER_CHANGE_CREATED');
    const updated = await subscribed('FRESHSERVICE_TRIGGER_TICKET_UPDATED');
    fs.updateTicket(1, clock.now() + SEC, { status: 4, resolvedAt: clock.now() + SEC });
    const change = fs.addChange({ subject: 'Rotate the TLS certificates', createdAt: clock.now() + SEC });
    await tick();
    await tick();
    fs.updateTicket(1, clock.now() + SEC, { subject: 'edited after resolving' });
    await tick();
    await tick();
    const got = deliveries();
    expect(got.filter((d) => d.triggerSubscriptionId === resolved.id).map((d) => [d.payload.id, d.payload.status, d.payload.stats?.resolved_at != null])).toEqual([[1, 4, true]]);
    expect(got.filter((d) => d.triggerSubscriptionId === changes.id).map((d) => [d.triggerType, d.payload.id, d.payload.subject])).toEqual([
      ['FRESHSERVICE_TRIGGER_CHANGE_CREATED', change.id, 'Rotate the TLS certificates'],
    ]);
    expect(got.filter((d) => d.triggerSubscriptionId === updated.id).map((d) => d.payload.subject)).toEqual(['Support Needed...', 'edited after resolving']);
    expect(got).toHaveLength(4);
    for (const r of receiver.requests) expectSignedDelivery(r, w.project.signingSecret);
  });

  it('backs the credential off on 429 (Retry-After), retries a 5xx, and marks a revoked key INVALID on 401', async () => {
    const sub = await subscribed('FRESHSERVICE_TRIGGER_TICKET_CREATED');
    const ticket = fs.addTicket({ createdAt: clock.now() });
    fs.failNext(1, 429, freshserviceRateLimitHeaders(120));
    await tick();
    expect((await t.svc.storage.credentials.get(credentialId))!.rateLimitedUntil).toBe(clock.now() + 120_000);
    expect((await w.user.get(`${w.base}/trigger-subscriptions/${sub.id}`)).body).toMatchObject({ status: 'ACTIVE' });
    const calls = fs.requests.length;
    await tick();
    expect(fs.requests.length).toBe(calls); // paused until Retry-After
    clock.advance(120_000);
    fs.failNext(1, 503);
    await tick();
    expect((await t.svc.storage.subscriptions.get(sub.id))!.consecutiveFailures).toBe(1);
    await tick(10 * SEC);
    expect(deliveries().map((d) => d.payload.id)).toEqual([ticket.id]);
    expect((await t.svc.storage.subscriptions.get(sub.id))!.consecutiveFailures).toBe(0);

    fs.validKeys.clear(); // the agent's API key was reset
    await tick(10 * SEC);
    expect((await t.svc.storage.credentials.get(credentialId))!.status).toBe('INVALID');
    const body = (await w.user.get(`${w.base}/trigger-subscriptions/${sub.id}`)).body;
    expect(body.status).toBe('ERRORED');
    expect(JSON.stringify(body)).not.toContain('fs-key-1');
  });
});
