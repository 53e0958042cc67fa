// Freshdesk end to end through the public API, on SQLite and PostgreSQL, against the fake Freshdesk. The
// project's apiBaseUrl keeps the `{domain}` placeholder (`${fake}/{domain}/api/v2`), so every call shows the engine
// filled in the credential's helpdesk (given as the host `acme.freshdesk.com`, stored as `acme`): subscribe (baseline
// ticket list observed at the fake with HTTP Basic `<key>:X`, nothing delivered) → a new ticket / a new version / a
// new contact → the real Poller on a test clock → exactly one signed delivery each → re-polls deliver nothing more →
// unsubscribe. Plus: many tickets sharing one second across pages, each delivered once; group filter refused when
// malformed and applied when valid; 429 with Retry-After backing the credential off and a 5xx retried; a revoked
// API key (401) marking the credential INVALID and the subscription ERRORED; a URL as extra.domain refused at
// creation, and a stored one (the old credential form) refused with the fix named, without any call.
// (No inbound webhook exists for these triggers, so there is no signature to forge.)
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Poller } from '../../src/engine/poller.js';
import { freshdeskIntegration } from '../../src/integrations/freshdesk/integration.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestService } from '../helpers/service.js';
import { basicAuth, freshdeskRateLimitHeaders, startFakeFreshdesk, type FakeFreshdesk } from '../providers/freshdesk.js';

const SEC = 1000;

describe.each(DIALECTS)('Freshdesk end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let fd: FakeFreshdesk;
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
    fd = await startFakeFreshdesk({ now: clock.now });
    fd.addTicket({ id: 1, createdAt: clock.now() - 60_000 });
    fd.addContact({ createdAt: clock.now() - 60_000 });
    w = await startIntegrationWorld({
      dialect,
      integration: freshdeskIntegration,
      now: clock.now,
      poller: true,
      config: { apiBaseUrl: `${fd.url}/{domain}/api/v2` },
      credential: { apiKey: 'fd-key-1', extra: { domain: 'acme.freshdesk.com' } },
    });
    ({ t, receiver, worker } = w);
    poller = w.poller!;
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await fd.close();
  });

  it('ticket created: baseline at subscribe, one signed delivery, no duplicate on re-poll, nothing after unsubscribe', async () => {
    const sub = await subscribed('FRESHDESK_TRIGGER_TICKET_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const [baseline] = fd.ticketLists();
    expect(baseline).toMatchObject({ domain: 'acme', path: '/api/v2/tickets', auth: `Basic ${basicAuth('fd-key-1')}`, query: { order_by: 'updated_at', order_type: 'asc', per_page: '100', page: '1' } });
    await tick();
    expect(receiver.requests).toHaveLength(0); // the ticket that existed before subscribing is never delivered

    const ticket = fd.addTicket({ subject: 'Printer on fire', createdAt: clock.now() });
    await tick();
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({
      integration: 'freshdesk', triggerType: 'FRESHDESK_TRIGGER_TICKET_CREATED', triggerSubscriptionId: sub.id, credentialId, userId: 'user-1',
      payload: { id: ticket.id, subject: 'Printer on fire', status: 2 },
    });
    expectSignedDelivery(delivery!, w.project.signingSecret);
    fd.updateTicket(ticket.id, clock.now() + SEC, { status: 3 }); // an update is not a second creation
    await tick();
    await tick();
    expect(receiver.requests).toHaveLength(1);

    expect((await w.user.delete(`${w.base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    const calls = fd.requests.length;
    fd.addTicket({ createdAt: clock.now() });
    await tick();
    expect(fd.requests.length).toBe(calls);
    expect(receiver.requests).toHaveLength(1);
  });

  it('ticket updated and contact created: one delivery per new version and per new contact', async () => {
    const updated = await subscribed('FRESHDESK_TRIGGER_TICKET_UPDATED');
    const contacts = await subscribed('FRESHDESK_TRIGGER_CONTACT_CREATED');
    fd.updateTicket(1, clock.now() + SEC, { status: 3 });
    const contact = fd.addContact({ name: 'Hal Jordan', createdAt: clock.now() + SEC });
    await tick();
    await tick();
    fd.updateTicket(1, clock.now() + SEC, { status: 4 });
    await tick();
    await tick();
    const got = deliveries();
    expect(got.filter((d) => d.triggerSubscriptionId === updated.id).map((d) => [d.payload.id, d.payload.status])).toEqual([[1, 3], [1, 4]]);
    expect(got.filter((d) => d.triggerSubscriptionId === contacts.id).map((d) => [d.triggerType, d.payload.id, d.payload.name])).toEqual([
      ['FRESHDESK_TRIGGER_CONTACT_CREATED', contact.id, 'Hal Jordan'],
    ]);
    expect(got).toHaveLength(3);
  });

  it('delivers each of many tickets sharing one second across pages exactly once, and filters by group', async () => {
    const all = await subscribed('FRESHDESK_TRIGGER_TICKET_CREATED');
    const bad = await w.subscribe('FRESHDESK_TRIGGER_TICKET_CREATED', { groupId: '7 OR 1=1' });
    expect([bad.status, bad.body.code]).toEqual([400, 'INVALID_PARAMETER']);
    expect(bad.body.message).toContain('parameters.groupId');
    const grouped = await subscribed('FRESHDESK_TRIGGER_TICKET_CREATED', { groupId: '7' });
    const at = clock.now() + SEC;
    const ids = Array.from({ length: 130 }, (_, n) => fd.addTicket({ createdAt: at, group_id: n % 10 === 0 ? 7 : null }).id);
    await tick();
    await tick();
    await tick();
    const got = deliveries();
    expect(got.filter((d) => d.triggerSubscriptionId === all.id).map((d) => d.payload.id as number).sort((a, b) => a - b)).toEqual(ids);
    expect(got.filter((d) => d.triggerSubscriptionId === grouped.id).map((d) => d.payload.id as number).sort((a, b) => a - b)).toEqual(ids.filter((_, n) => n % 10 === 0));
    expect(got).toHaveLength(130 + 13);
    expect(fd.ticketLists().some((r) => r.query.page === '2')).toBe(true);
  });

  it('backs the credential off on 429 (Retry-After), retries a 5xx, and marks a revoked key INVALID on 401', async () => {
    const sub = await subscribed('FRESHDESK_TRIGGER_TICKET_CREATED');
    const ticket = fd.addTicket({ createdAt: clock.now() });
    fd.failNext(1, 429, freshdeskRateLimitHeaders(120));
    await tick();
    expect((await t.svc.storage.credentials.get(credentialId))!.rateLimitedUntil).toBe(clock.now() + 120_000);
    expect((await w.user.get(`${w.base}/trigger-subscriptions/${sub.id}`)).body).toMatchObject({ status: 'ACTIVE' });
    const calls = fd.requests.length;
    await tick();
    expect(fd.requests.length).toBe(calls); // paused until Retry-After
    clock.advance(120_000);
    fd.failNext(1, 503);
    await tick();
    expect((await t.svc.storage.subscriptions.get(sub.id))!.consecutiveFailures).toBe(1);
    await tick(10 * SEC);
    expect(deliveries().map((d) => d.payload.id)).toEqual([ticket.id]);
    expect((await t.svc.storage.subscriptions.get(sub.id))!.consecutiveFailures).toBe(0);

    fd.validKeys.clear(); // the agent regenerated the API key
    await tick(10 * SEC);
    expect((await t.svc.storage.credentials.get(credentialId))!.status).toBe('INVALID');
    expect((await w.user.get(`${w.base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ERRORED');
    expect(JSON.stringify((await w.user.get(`${w.base}/trigger-subscriptions/${sub.id}`)).body)).not.toContain('fd-key-1');
  });

  it('keeps the helpdesk as the domain account parameter: a URL is refused at creation, a stored one names the fix', async () => {
    expect((await t.svc.storage.credentials.get(credentialId))!.secrets.extra).toEqual({ domain: 'acme' });
    const refused = await w.user.post(`${w.base}/credentials`, { integration: 'freshdesk', apiKey: 'fd-key-1', extra: { domain: 'https://acme.freshdesk.com' } });
    expect([refused.status, refused.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(refused.body.message).toContain('extra.domain: must be a single host name label');

    // A credential stored before the account parameter, with an origin URL as extra.domain.
    const sub = await subscribed('FRESHDESK_TRIGGER_TICKET_CREATED');
    const stored = (await t.svc.storage.credentials.get(credentialId))!;
    await t.svc.storage.credentials.update(credentialId, { secrets: { ...stored.secrets, extra: { domain: 'https://acme.freshdesk.com' } } });
    const calls = fd.requests.length;
    fd.addTicket({ createdAt: clock.now() });
    await tick();
    expect(fd.requests.length).toBe(calls); // nothing sent anywhere
    expect((await t.svc.storage.subscriptions.get(sub.id))!.consecutiveFailures).toBe(1);
    const logs = await t.svc.storage.logs.list(sub.id, 10);
    expect(logs.map((l) => l.message).join('\n')).toContain('store extra.domain as the subdomain, e.g. acme for https://acme.freshdesk.com');
    const again = await w.subscribe('FRESHDESK_TRIGGER_CONTACT_CREATED', {});
    expect([again.status, again.body.code]).toEqual([422, 'PROVIDER_REFUSED']);
    expect(again.body.message).toContain('store extra.domain as the subdomain');
    expect(receiver.requests).toHaveLength(0);
  });
});
