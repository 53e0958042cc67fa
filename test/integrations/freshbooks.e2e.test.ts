// FreshBooks end to end through the public API, on SQLite and PostgreSQL: subscribe → an unverified callback is
// created at the fake FreshBooks (our per-subscription URL, the trigger's event) → FreshBooks POSTs the verifier →
// we confirm it with PUT and keep it as the secret → a signed delivery → the object read back → exactly one signed
// delivery at the receiver → a retry adds nothing → unsubscribe deletes the callback. Plus forged verifiers and
// signatures (refused, nothing stored), refusals at subscribe time, and the hourly check.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import client from '../../src/integrations/freshbooks/fixtures/client.json' with { type: 'json' };
import invoice from '../../src/integrations/freshbooks/fixtures/invoice.json' with { type: 'json' };
import payment from '../../src/integrations/freshbooks/fixtures/payment.json' with { type: 'json' };
import { freshbooksIntegration } from '../../src/integrations/freshbooks/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld, subscriptionOf } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeFreshBooks, type FakeFreshBooks, type FreshBooksCallback } from '../providers/freshbooks.js';

describe.each(DIALECTS)('FreshBooks end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let fb: FakeFreshBooks;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribe = (type: string, parameters: Record<string, unknown> = {}) => w.subscribe(type, parameters);
  const subscribed = async (type: string, parameters: Record<string, unknown> = {}) => subscriptionOf(await subscribe(type, parameters));
  const callbackFor = (subscriptionId: string): FreshBooksCallback | undefined => [...fb.callbacks.values()].find((c) => c.uri === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    fb = await startFakeFreshBooks();
    fb.validTokens.add('valid-token');
    fb.objects.set(`invoices/invoices/${invoice.id}`, invoice);
    fb.objects.set(`payments/payments/${payment.id}`, payment);
    fb.objects.set(`users/clients/${client.id}`, client);
    w = await startIntegrationWorld({
      dialect,
      integration: freshbooksIntegration,
      config: { clientId: fb.clientId, clientSecret: fb.clientSecret, apiBaseUrl: fb.url, tokenUrl: fb.tokenUrl },
      credential: { accessToken: 'valid-token', providerAccountId: fb.accountId },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await fb.close();
  });

  it('invoice created: callback verified with the handed-over verifier, one signed delivery of the invoice, retry deduplicated, callback deleted', async () => {
    const sub = await subscribed('FRESHBOOKS_TRIGGER_INVOICE_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const cb = callbackFor(sub.id)!;
    expect(cb).toMatchObject({ event: 'invoice.create', accountId: '6BApk', verified: false });
    expect(fb.requests.find((r) => r.method === 'POST')!.auth).toBe('Bearer valid-token');

    // A forged verifier: FreshBooks refuses it at the PUT, so nothing is kept and the callback stays unverified.
    expect((await fb.sendVerification(cb.callbackid, { verifier: 'forged' })).status).toBe(401);
    expect(cb.verified).toBe(false);
    // A verifier for another callback id is not this subscription's.
    expect((await fb.sendVerification(cb.callbackid, { objectId: '999' })).status).toBe(409);
    // A delivery signed with a guessed key before verification is refused.
    expect((await fb.deliver(cb.callbackid, invoice.id, { force: true, secret: 'guess' })).status).toBe(401);

    expect((await fb.sendVerification(cb.callbackid)).status).toBe(200);
    expect(cb.verified).toBe(true);
    // Once verified, no further handover is taken.
    expect((await fb.sendVerification(cb.callbackid)).status).toBe(409);

    expect((await fb.deliver(cb.callbackid, invoice.id)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      integration: 'freshbooks', triggerType: 'FRESHBOOKS_TRIGGER_INVOICE_CREATED', triggerSubscriptionId: sub.id, credentialId, projectId: project.id, payload: invoice,
    });
    expectSignedDelivery(sent!, project.signingSecret);

    expect((await fb.deliver(cb.callbackid, invoice.id)).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(fb.callbacks.size).toBe(0);
    expect(fb.deletedCallbacks.map((c) => c.callbackid)).toEqual([cb.callbackid]);
  });

  it('payment and client created: bad signatures are refused with 401 and store nothing; each object delivered once', async () => {
    const pay = await subscribed('FRESHBOOKS_TRIGGER_PAYMENT_CREATED');
    const cli = await subscribed('FRESHBOOKS_TRIGGER_CLIENT_CREATED', { accountId: '6BApk' });
    const payCb = callbackFor(pay.id)!;
    const cliCb = callbackFor(cli.id)!;
    expect([payCb.event, cliCb.event]).toEqual(['payment.create', 'client.create']);
    expect((await fb.sendVerification(payCb.callbackid)).status).toBe(200);
    expect((await fb.sendVerification(cliCb.callbackid)).status).toBe(200);

    expect((await fb.deliver(payCb.callbackid, payment.id, { secret: cliCb.verifier })).status).toBe(401);
    const forged = await fetch(payCb.uri, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `name=payment.create&object_id=${payment.id}` });
    expect(forged.status).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);

    expect((await fb.deliver(payCb.callbackid, payment.id)).status).toBe(200);
    expect((await fb.deliver(cliCb.callbackid, client.id)).status).toBe(200);
    // An object deleted before it is read back is skipped.
    expect((await fb.deliver(cliCb.callbackid, 777)).status).toBe(200);
    await worker.drain();
    const sent = await receiver.waitFor(2);
    expect(sent.map((r) => (r.json as { payload: unknown }).payload)).toEqual(expect.arrayContaining([payment, client]));
    expect(await w.events()).toHaveLength(2);
  });

  it('reports FreshBooks refusals at subscribe time and stores nothing; a bad accountId is refused naming the field', async () => {
    const bad = await subscribe('FRESHBOOKS_TRIGGER_ESTIMATE_CREATED', { accountId: 'no/slashes' });
    expect([bad.status, bad.body.message]).toEqual([400, expect.stringContaining('accountId')]);
    fb.failNext(1, 429, { message: 'Too many requests' }, { 'retry-after': '30' });
    expect((await subscribe('FRESHBOOKS_TRIGGER_ESTIMATE_CREATED')).status).toBe(429);
    fb.failNext(1, 502);
    expect((await subscribe('FRESHBOOKS_TRIGGER_ESTIMATE_CREATED')).status).toBe(502);
    fb.failNext(1, 403, { response: { errors: [{ errno: 1003, message: 'The server could not verify that you are authorized' }] } });
    const denied = await subscribe('FRESHBOOKS_TRIGGER_ESTIMATE_CREATED');
    expect([denied.status, denied.body.message]).toEqual([422, expect.stringContaining('FreshBooks 403: The server could not verify')]);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(fb.callbacks.size).toBe(0);
  });

  it('checks the callback every hour: one never verified or deleted in FreshBooks is registered again', async () => {
    const sub = await subscribed('FRESHBOOKS_TRIGGER_INVOICE_CREATED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });

    // The verification never arrived (e.g. it raced the registration): replaced by a new callback.
    const first = callbackFor(sub.id)!;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    expect(fb.deletedCallbacks.map((c) => c.callbackid)).toEqual([first.callbackid]);
    const second = callbackFor(sub.id)!;
    expect((await fb.sendVerification(second.callbackid)).status).toBe(200);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });

    fb.callbacks.delete(second.callbackid);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const third = callbackFor(sub.id)!;
    expect((await fb.sendVerification(third.callbackid)).status).toBe(200);
    expect((await fb.deliver(third.callbackid, invoice.id, { secret: second.verifier })).status).toBe(401);
    expect((await fb.deliver(third.callbackid, invoice.id)).status).toBe(200);
    await worker.drain();
    expect((await receiver.waitFor(1)).map((r) => (r.json as { triggerSubscriptionId: string }).triggerSubscriptionId)).toEqual([sub.id]);
  });
});
