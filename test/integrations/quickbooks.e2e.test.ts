// QuickBooks Online end to end through the public API, on SQLite and PostgreSQL, against the fake QuickBooks:
// two users, each with a credential for their own company (realmId as provider account id), subscribe; the app
// webhook URL shown by the admin API takes Intuit's signed notifications and routes them by realmId:
// - a notification for company A makes only A's subscriptions read the query endpoint at once (the real Poller,
//   no schedule reached): one signed delivery carrying the full entity; B's subscription does not even poll;
// - forged or unsigned notifications are refused (401) and store or read nothing;
// - Intuit's retry of a notification (same body again) delivers nothing twice;
// - a notification for a company nobody connected stores and reads nothing;
// - one notification naming several entities (legacy format) reaches each matching trigger once;
// - reading fails: 5xx counted as a failure and retried, 429 pauses the credential, 401 refreshes the token with
//   HTTP Basic client authentication, a 400 fault is logged with Intuit's message.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Poller } from '../../src/engine/poller.js';
import { quickbooksIntegration } from '../../src/integrations/quickbooks/integration.js';
import validationFault from '../../src/integrations/quickbooks/fixtures/fault-validation.json' with { type: 'json' };
import throttleFault from '../../src/integrations/quickbooks/fixtures/fault-throttle.json' with { type: 'json' };
import type { ApiClient } from '../helpers/api-client.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestService } from '../helpers/service.js';
import { startFakeQuickbooks, type FakeQuickbooks } from '../providers/quickbooks.js';

const REALM_A = '4620816365';
const REALM_B = '9130357766';

const cloudEvent = (realm: string, entity: string, id: string, verb = 'created') => ({
  specversion: '1.0', id: `evt-${realm}-${entity}-${id}-${verb}`, source: 'intuit.dsnBgbseACLLRZNxo2dfc4evmEJdxde58xeeYcZliOU=',
  type: `qbo.${entity.toLowerCase()}.${verb}.v1`, datacontenttype: 'application/json', time: '2026-12-07T12:00:05.179Z',
  intuitentityid: id, intuitaccountid: realm, data: {},
});

describe.each(DIALECTS)('QuickBooks end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let qb: FakeQuickbooks;
  let receiver: FakeReceiver;
  let worker: DeliveryWorker;
  let poller: Poller;
  let clock: TestClock;
  let hookUrl: string;
  let userB: ApiClient;
  let credentialB: string;

  const deliveries = () => receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; credentialId: string; payload: any });
  const subscribeA = async (type: string) => subscriptionOf(await w.subscribe(type, {}));
  const subscribeB = async (type: string) => subscriptionOf(await userB.post(`${w.base}/trigger-subscriptions`, { integration: 'quickbooks', type, parameters: {} }));
  /** Only what notifications made due: the clock does not reach the polling schedule. */
  const pollNudged = async () => {
    await poller.runDue();
    await worker.drain();
  };

  beforeEach(async () => {
    clock = new TestClock(Date.now());
    qb = await startFakeQuickbooks({ now: clock.now });
    const a = qb.tokensFor(REALM_A);
    w = await startIntegrationWorld({
      dialect,
      integration: quickbooksIntegration,
      now: clock.now,
      poller: true,
      config: { clientId: qb.clientId, clientSecret: qb.clientSecret, webhookSecret: qb.verifierToken, apiBaseUrl: qb.url, tokenUrl: qb.tokenUrl },
      credential: { accessToken: a.accessToken, refreshToken: a.refreshToken, providerAccountId: REALM_A },
    });
    ({ t, receiver, worker } = w);
    poller = w.poller!;
    hookUrl = w.config.webhookUrl;
    expect(hookUrl).toBe(`${t.url}/hooks/app/${w.project.id}/quickbooks`);
    userB = await w.project.userClient('user-2');
    const b = qb.tokensFor(REALM_B);
    const cred = await userB.post(`${w.base}/credentials`, { integration: 'quickbooks', accessToken: b.accessToken, refreshToken: b.refreshToken, providerAccountId: REALM_B });
    expect(cred.status, cred.text).toBe(201);
    credentialB = cred.body.id;
  });
  afterEach(async () => {
    await w.close();
    await qb.close();
  });

  it('connects through OAuth: the realmId Intuit adds to the redirect is the account, confirmed with the new token', async () => {
    const authorize = async () => {
      const start = await w.user.post(`${w.base}/connect/quickbooks`, { redirectUrl: 'https://app.example.com/connected' });
      expect(start.status, start.text).toBe(200);
      return encodeURIComponent(new URL(start.body.authorizationUrl).searchParams.get('state')!);
    };
    const back = (location: unknown) => new URL(String(location)).searchParams;
    // A realmId that is not the token's company (changed in the browser): refused, nothing stored.
    qb.codes.set('code-1', REALM_B);
    const forged = await t.admin.get(`/oauth/callback?code=code-1&state=${await authorize()}&realmId=${REALM_A}`);
    expect(forged.status).toBe(302);
    expect(back(forged.headers.location).get('error')).toBe('account_lookup_failed');
    // Intuit's redirect as documented: ?code=…&state=…&realmId=…
    qb.codes.set('code-2', REALM_B);
    const cb = await t.admin.get(`/oauth/callback?code=code-2&state=${await authorize()}&realmId=${REALM_B}`);
    expect(cb.status, cb.text).toBe(302);
    const credentialId = back(cb.headers.location).get('credentialId')!;
    expect(await t.svc.storage.credentials.get(credentialId)).toMatchObject({ userId: 'user-1', providerAccountId: REALM_B });
    expect(qb.requests.filter((r) => r.path.endsWith(`/companyinfo/${REALM_B}`))).toHaveLength(1);
  });

  it('routes a signed notification by realmId: only that company\'s subscriptions read and deliver the full entity', async () => {
    const subA = await subscribeA('QUICKBOOKS_TRIGGER_INVOICE_CREATED');
    const subB = await subscribeB('QUICKBOOKS_TRIGGER_INVOICE_CREATED');
    const baselineQueriesB = qb.queries(REALM_B).length;
    expect(baselineQueriesB).toBe(1);

    clock.advance(100);
    const invoice = qb.create(REALM_A, 'Invoice', { DocNumber: '1037', TotalAmt: 362.07, CustomerRef: { value: '24', name: 'Sonnenschein Family Store' } });
    qb.create(REALM_B, 'Invoice', { DocNumber: 'B-1' }); // B changed too, but Intuit has not said so yet
    const res = await qb.notify(hookUrl, [cloudEvent(REALM_A, 'Invoice', invoice.Id)]);
    expect(res.status).toBe(200);
    await pollNudged();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({ userId: 'user-1', integration: 'quickbooks', triggerType: 'QUICKBOOKS_TRIGGER_INVOICE_CREATED', triggerSubscriptionId: subA.id, credentialId: w.credentialId, payload: invoice });
    expectSignedDelivery(sent!, w.project.signingSecret);
    expect(qb.queries(REALM_B).length).toBe(baselineQueriesB);
    expect(deliveries().some((d) => d.triggerSubscriptionId === subB.id)).toBe(false);
    expect((await w.events()).map((e) => e.triggerSubscriptionId)).toEqual([subA.id]);
  });

  it('refuses forged and unsigned notifications (401): nothing is read or stored', async () => {
    await subscribeA('QUICKBOOKS_TRIGGER_INVOICE_CREATED');
    const before = qb.queries().length;
    const invoice = qb.create(REALM_A, 'Invoice', { DocNumber: 'x' });
    const forged = await qb.notify(hookUrl, [cloudEvent(REALM_A, 'Invoice', invoice.Id)], { secret: qb.clientSecret });
    expect(forged.status).toBe(401);
    const unsigned = await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([cloudEvent(REALM_A, 'Invoice', invoice.Id)]) });
    expect(unsigned.status).toBe(401);
    await pollNudged();
    expect(qb.queries().length).toBe(before);
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('delivers once when Intuit retries the same notification', async () => {
    await subscribeA('QUICKBOOKS_TRIGGER_CUSTOMER_CREATED');
    clock.advance(100);
    const customer = qb.create(REALM_A, 'Customer', { DisplayName: "King's Groceries" });
    const body = { eventNotifications: [{ realmId: REALM_A, dataChangeEvent: { entities: [{ name: 'Customer', id: customer.Id, operation: 'Create', lastUpdated: customer.MetaData.LastUpdatedTime }] } }] };
    expect((await qb.notify(hookUrl, body)).status).toBe(200);
    await pollNudged();
    await receiver.waitFor(1);
    clock.advance(10_000); // Intuit retries after 10 s (it did not see our answer)
    expect((await qb.notify(hookUrl, body)).status).toBe(200);
    await pollNudged();
    expect((await qb.notify(hookUrl, body)).status).toBe(200);
    await pollNudged();
    expect(qb.queries(REALM_A).length).toBeGreaterThanOrEqual(3);
    expect(deliveries().map((d) => d.payload)).toEqual([customer]);
    expect(await w.events()).toHaveLength(1);
  });

  it('stores and reads nothing for a company nobody connected', async () => {
    await subscribeA('QUICKBOOKS_TRIGGER_INVOICE_CREATED');
    const before = qb.requests.length;
    const res = await qb.notify(hookUrl, [cloudEvent('5550001111', 'Invoice', '7')]);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ ok: true, events: 0 });
    await pollNudged();
    expect(qb.requests.length).toBe(before);
    expect(await w.events()).toEqual([]);
  });

  it('one notification naming several entities reaches each matching trigger once', async () => {
    const customerSub = await subscribeA('QUICKBOOKS_TRIGGER_CUSTOMER_CREATED');
    const invoiceSub = await subscribeA('QUICKBOOKS_TRIGGER_INVOICE_CREATED');
    const updatedSub = await subscribeA('QUICKBOOKS_TRIGGER_INVOICE_UPDATED');
    const billSub = await subscribeA('QUICKBOOKS_TRIGGER_BILL_CREATED');
    const old = qb.create(REALM_A, 'Invoice', { DocNumber: 'old' }, { at: clock.now() - 30 * 60_000 });
    clock.advance(100); // not enough to reach the polling schedule
    const customer = qb.create(REALM_A, 'Customer', { DisplayName: 'Amy\'s Bird Sanctuary' });
    const inv1 = qb.create(REALM_A, 'Invoice', { DocNumber: '1038' });
    const inv2 = qb.create(REALM_A, 'Invoice', { DocNumber: '1039' });
    const edited = qb.update(REALM_A, 'Invoice', old.Id, { Balance: 0 });
    const billQueries = () => qb.queries(REALM_A).filter((q) => q.includes('FROM Bill')).length;
    const billBefore = billQueries();
    const stamp = (e: { MetaData: { LastUpdatedTime: string } }) => e.MetaData.LastUpdatedTime;
    const body = {
      eventNotifications: [{
        realmId: REALM_A,
        dataChangeEvent: {
          entities: [
            { name: 'Customer', id: customer.Id, operation: 'Create', lastUpdated: stamp(customer) },
            { name: 'Invoice', id: inv1.Id, operation: 'Create', lastUpdated: stamp(inv1) },
            { name: 'Invoice', id: inv2.Id, operation: 'Create', lastUpdated: stamp(inv2) },
            { name: 'Invoice', id: old.Id, operation: 'Update', lastUpdated: stamp(edited) },
          ],
        },
      }],
    };
    expect((await qb.notify(hookUrl, body)).status).toBe(200);
    await pollNudged();
    await receiver.waitFor(4);
    const got = deliveries().map((d) => [d.triggerSubscriptionId, d.payload.Id, d.payload.SyncToken]).sort();
    expect(got).toEqual([
      [customerSub.id, customer.Id, '0'],
      [invoiceSub.id, inv1.Id, '0'],
      [invoiceSub.id, inv2.Id, '0'],
      [updatedSub.id, old.Id, '1'],
    ].sort());
    expect(deliveries().some((d) => d.triggerSubscriptionId === billSub.id)).toBe(false);
    expect(billQueries()).toBe(billBefore);
  });

  it('maps failures to read the entity: 5xx retried, 429 pauses the credential, 401 refreshes the token, a 400 fault is logged', async () => {
    const sub = await subscribeB('QUICKBOOKS_TRIGGER_PAYMENT_CREATED');
    clock.advance(100);
    const payment = qb.create(REALM_B, 'Payment', { TotalAmt: 65 });
    const notify = async () => expect((await qb.notify(hookUrl, [cloudEvent(REALM_B, 'Payment', payment.Id)])).status).toBe(200);

    qb.failNext(1, 503);
    await notify();
    await pollNudged();
    expect((await t.svc.storage.subscriptions.get(sub.id))!.consecutiveFailures).toBe(1);

    qb.failNext(1, 429, throttleFault, { 'retry-after': '120' });
    clock.advance(60_000);
    await notify();
    await pollNudged();
    expect((await t.svc.storage.credentials.get(credentialB))!.rateLimitedUntil).toBe(clock.now() + 120_000);
    expect(receiver.requests).toHaveLength(0);

    clock.advance(121_000);
    qb.validTokens.clear(); // the one-hour access token expired
    await notify();
    await pollNudged();
    await receiver.waitFor(1);
    expect(deliveries().map((d) => [d.triggerSubscriptionId, d.payload])).toEqual([[sub.id, payment]]);
    const refresh = qb.requests.filter((r) => r.path === '/oauth2/v1/tokens/bearer');
    expect(refresh).toHaveLength(1);
    expect(refresh[0]!.body).toMatchObject({ grant_type: 'refresh_token' });
    expect(refresh[0]!.auth).toBe(`Basic ${Buffer.from(`${qb.clientId}:${qb.clientSecret}`).toString('base64')}`);

    clock.advance(5_000);
    qb.failNext(1, 400, validationFault);
    await notify();
    await pollNudged();
    const logs = await t.svc.storage.logs.list(sub.id, 50);
    expect(logs.map((l) => l.message).join('\n')).toContain('QuickBooks HTTP 400: Error parsing query');
    expect((await userB.get(`${w.base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
    expect(receiver.requests).toHaveLength(1);
  });
});
