// Xero end to end through the public API, on SQLite and PostgreSQL, against the fake Xero: two users, each with a
// credential for their own organisation (tenantId as provider account id), subscribe; the app webhook URL shown by
// the admin API takes Xero's signed payloads and routes them by tenantId:
// - "intent to receive": a correctly signed empty payload is answered 200 (empty body), a wrongly signed one 401;
// - an event for tenant A makes only A's subscriptions read the Accounting API at once (the real Poller, no
//   schedule reached): one signed delivery carrying the full record; B's subscription does not even poll;
// - Xero's retry of a payload (same body again) delivers nothing twice;
// - an event for a tenant nobody connected stores and reads nothing;
// - records that existed at subscribe time (the baseline) are not delivered when a later event re-reads them;
// - 429 pauses the credential for Retry-After; a 401 refreshes the token (HTTP Basic, rotated refresh token) and,
//   when Xero refuses the refresh (invalid_grant), marks the credential INVALID.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Poller } from '../../src/engine/poller.js';
import { xeroIntegration } from '../../src/integrations/xero/integration.js';
import itr from '../../src/integrations/xero/fixtures/webhook-intent-to-receive.json' with { type: 'json' };
import type { ApiClient } from '../helpers/api-client.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestService } from '../helpers/service.js';
import { startFakeXero, type FakeXero } from '../providers/xero.js';

const TENANT_A = '70784a63-d24b-46a9-a4db-0e70a274b056';
const TENANT_B = 'c2cc9b6e-9458-4c7d-93cc-f02b81b0594f';

const payload = (tenantId: string, category: 'INVOICE' | 'CONTACT', resourceId: string, eventType = 'CREATE', seq = 1) => ({
  events: [{
    resourceUrl: `https://api.xero.com/api.xro/2.0/${category === 'INVOICE' ? 'Invoices' : 'Contacts'}/${resourceId}`,
    resourceId, eventDateUtc: '2026-12-07T12:00:05.902', eventType, eventCategory: category, tenantId, tenantType: 'ORGANISATION',
  }],
  firstEventSequence: seq, lastEventSequence: seq, entropy: 'QWERTYUIOPASDFGHJKLZ',
});

describe.each(DIALECTS)('Xero end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let xero: FakeXero;
  let receiver: FakeReceiver;
  let worker: DeliveryWorker;
  let poller: Poller;
  let clock: TestClock;
  let hookUrl: string;
  let userB: ApiClient;
  let credentialB: string;

  const deliveries = () => receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; credentialId: string; payload: any });
  const subscribeA = async (type: string) => subscriptionOf(await w.subscribe(type, {}));
  const subscribeB = async (type: string) => subscriptionOf(await userB.post(`${w.base}/trigger-subscriptions`, { integration: 'xero', type, parameters: {} }));
  /** Only what webhook events made due: the clock does not reach the polling schedule. */
  const pollNudged = async () => {
    await poller.runDue();
    await worker.drain();
  };

  beforeEach(async () => {
    clock = new TestClock(Date.now());
    xero = await startFakeXero({ now: clock.now });
    const a = xero.tokensFor(TENANT_A);
    w = await startIntegrationWorld({
      dialect,
      integration: xeroIntegration,
      now: clock.now,
      poller: true,
      config: { clientId: xero.clientId, clientSecret: xero.clientSecret, webhookSecret: xero.webhookKey, apiBaseUrl: xero.url, tokenUrl: xero.tokenUrl },
      credential: { accessToken: a.accessToken, refreshToken: a.refreshToken, providerAccountId: TENANT_A },
    });
    ({ t, receiver, worker } = w);
    poller = w.poller!;
    hookUrl = w.config.webhookUrl;
    expect(hookUrl).toBe(`${t.url}/hooks/app/${w.project.id}/xero`);
    userB = await w.project.userClient('user-2');
    const b = xero.tokensFor(TENANT_B);
    const cred = await userB.post(`${w.base}/credentials`, { integration: 'xero', accessToken: b.accessToken, refreshToken: b.refreshToken, providerAccountId: TENANT_B });
    expect(cred.status, cred.text).toBe(201);
    credentialB = cred.body.id;
  });
  afterEach(async () => {
    await w.close();
    await xero.close();
  });

  it('passes "intent to receive": 200 to a correctly signed empty payload, 401 to a wrongly signed or unsigned one', async () => {
    await subscribeA('XERO_TRIGGER_INVOICE_CREATED');
    const before = xero.requests.length;
    const good = await xero.notify(hookUrl, itr);
    expect(good).toEqual({ status: 200, body: '' });
    expect((await xero.notify(hookUrl, { ...itr, entropy: 'ZLKJHGFDSAPOIUYTREWQ' }, { secret: 'not-the-webhook-key' })).status).toBe(401);
    const unsigned = await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(itr) });
    expect(unsigned.status).toBe(401);
    await pollNudged();
    expect(xero.requests.length).toBe(before);
    expect(await w.events()).toEqual([]);
  });

  it('routes a signed event by tenantId: only that tenant\'s subscriptions read and deliver the full record, once', async () => {
    const subA = await subscribeA('XERO_TRIGGER_INVOICE_CREATED');
    const subB = await subscribeB('XERO_TRIGGER_INVOICE_CREATED');
    const readsB = xero.reads(TENANT_B).length;
    expect(readsB).toBe(1); // B's baseline

    clock.advance(100);
    const invoice = xero.create(TENANT_A, 'Invoices', { InvoiceNumber: 'INV-0041', Total: 1150, Contact: { ContactID: '717f2bfc-c6d4-41fd-b238-3f2f0c0cf777', Name: 'Marine Systems' } });
    xero.create(TENANT_B, 'Invoices', { InvoiceNumber: 'B-1' }); // B changed too, but Xero has not said so yet
    expect((await xero.notify(hookUrl, payload(TENANT_A, 'INVOICE', invoice.InvoiceID))).status).toBe(200);
    await pollNudged();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({ userId: 'user-1', integration: 'xero', triggerType: 'XERO_TRIGGER_INVOICE_CREATED', triggerSubscriptionId: subA.id, credentialId: w.credentialId, payload: invoice });
    expectSignedDelivery(sent!, w.project.signingSecret);
    expect(xero.reads(TENANT_B).length).toBe(readsB);
    expect(xero.reads(TENANT_A).every((r) => r.tenant === TENANT_A)).toBe(true);
    expect(deliveries().some((d) => d.triggerSubscriptionId === subB.id)).toBe(false);
    expect((await w.events()).map((e) => e.triggerSubscriptionId)).toEqual([subA.id]);
  });

  it('delivers once when Xero retries the same payload, and a contact event wakes only contact triggers', async () => {
    const contactSub = await subscribeA('XERO_TRIGGER_CONTACT_CREATED');
    const invoiceSub = await subscribeA('XERO_TRIGGER_INVOICE_UPDATED');
    clock.advance(100);
    const contact = xero.create(TENANT_A, 'Contacts', { Name: 'Marine Systems', IsCustomer: true });
    const body = payload(TENANT_A, 'CONTACT', contact.ContactID);
    const invoiceReads = () => xero.reads(TENANT_A).filter((r) => r.path.endsWith('/Invoices')).length;
    const invoiceBefore = invoiceReads();
    expect((await xero.notify(hookUrl, body)).status).toBe(200);
    await pollNudged();
    await receiver.waitFor(1);
    clock.advance(300); // Xero sends the same payload again (it did not see our answer in time); the 1 s polling schedule is not reached
    expect((await xero.notify(hookUrl, body)).status).toBe(200);
    await pollNudged();
    expect(xero.reads(TENANT_A).filter((r) => r.path.endsWith('/Contacts')).length).toBeGreaterThanOrEqual(3);
    expect(deliveries().map((d) => [d.triggerSubscriptionId, d.payload])).toEqual([[contactSub.id, contact]]);
    expect(invoiceReads()).toBe(invoiceBefore);
    expect(deliveries().some((d) => d.triggerSubscriptionId === invoiceSub.id)).toBe(false);
    expect(await w.events()).toHaveLength(1);
  });

  it('stores and reads nothing for a tenant nobody connected', async () => {
    await subscribeA('XERO_TRIGGER_INVOICE_CREATED');
    const before = xero.requests.length;
    const res = await xero.notify(hookUrl, payload('5a4e3c2d-1b0a-4f9e-8d7c-6b5a4e3c2d1b', 'INVOICE', '0b9d6f8e-8f0a-4c53-9d55-4b7e6a3c1f22'));
    expect(res.status).toBe(200);
    await pollNudged();
    expect(xero.requests.length).toBe(before);
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('does not deliver what the baseline saw, only what changed after it', async () => {
    const existing = xero.create(TENANT_A, 'Invoices', { InvoiceNumber: 'BEFORE' }, { at: clock.now() - 60_000 });
    const sub = await subscribeA('XERO_TRIGGER_INVOICE_UPDATED');
    clock.advance(100);
    expect((await xero.notify(hookUrl, payload(TENANT_A, 'INVOICE', existing.InvoiceID, 'UPDATE'))).status).toBe(200);
    await pollNudged();
    expect(receiver.requests).toHaveLength(0);
    clock.advance(300);
    const edited = xero.update(TENANT_A, 'Invoices', existing.InvoiceID, { Status: 'AUTHORISED' });
    expect((await xero.notify(hookUrl, payload(TENANT_A, 'INVOICE', existing.InvoiceID, 'UPDATE', 2))).status).toBe(200);
    await pollNudged();
    await receiver.waitFor(1);
    expect(deliveries().map((d) => [d.triggerSubscriptionId, d.payload])).toEqual([[sub.id, edited]]);
  });

  it('429 pauses the credential for Retry-After; a 401 refreshes the rotating token; a refused refresh marks the credential INVALID', async () => {
    const sub = await subscribeB('XERO_TRIGGER_INVOICE_CREATED');
    clock.advance(100);
    const invoice = xero.create(TENANT_B, 'Invoices', { InvoiceNumber: 'INV-B' });
    const notify = async () => expect((await xero.notify(hookUrl, payload(TENANT_B, 'INVOICE', invoice.InvoiceID))).status).toBe(200);

    xero.failNext(1, 429, { Title: 'Too Many Requests', Status: 429, Detail: 'Rate limit exceeded' }, { 'retry-after': '120', 'x-rate-limit-problem': 'minute' });
    await notify();
    await pollNudged();
    expect((await t.svc.storage.credentials.get(credentialB))!.rateLimitedUntil).toBe(clock.now() + 120_000);
    expect(receiver.requests).toHaveLength(0);

    clock.advance(121_000);
    xero.validTokens.clear(); // the 30-minute access token expired
    await notify();
    await pollNudged();
    await receiver.waitFor(1);
    expect(deliveries().map((d) => [d.triggerSubscriptionId, d.payload])).toEqual([[sub.id, invoice]]);
    const refresh = xero.requests.filter((r) => r.path === '/connect/token');
    expect(refresh).toHaveLength(1);
    expect(refresh[0]!.body).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'xero-refresh-2' });
    expect(refresh[0]!.auth).toBe(`Basic ${Buffer.from(`${xero.clientId}:${xero.clientSecret}`).toString('base64')}`);
    const stored = (await t.svc.storage.credentials.get(credentialB))!;
    expect(stored.secrets.refreshToken).not.toBe('xero-refresh-2'); // rotated: the new one is kept

    clock.advance(5_000);
    xero.validTokens.clear();
    xero.refreshTokens.clear(); // the user disconnected the app in Xero
    xero.create(TENANT_B, 'Invoices', { InvoiceNumber: 'INV-B2' });
    await notify();
    await pollNudged();
    expect((await t.svc.storage.credentials.get(credentialB))!.status).toBe('INVALID');
    expect(receiver.requests).toHaveLength(1);
    const logs = JSON.stringify((await t.svc.storage.logs.list(sub.id, 50)).map((l) => l.message));
    expect(logs).not.toContain('xero-access-');
    expect(logs).not.toContain('xero-refresh-');
  });
});
