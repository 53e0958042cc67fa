// Intercom end to end through the public API, on SQLite and PostgreSQL, against the fake Intercom:
// - a user connects a workspace with OAuth (the workspace id becomes the credential's provider account id);
// - contacts: subscribe → baseline search → a contact is created / updated → the real Poller → exactly one
//   signed delivery → re-polls add nothing → unsubscribe;
// - companies: the app webhook URL shown by the admin API (verified with the app's client secret) receives
//   signed notifications routed by `app_id` → exactly one signed delivery of the company → Intercom's retry
//   of the notification adds nothing → another workspace's notification reaches nobody here → unsubscribe;
// plus forged signatures (401, nothing stored), 429 backed off, 5xx, a revoked token.
import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Poller } from '../../src/engine/poller.js';
import { intercomIntegration } from '../../src/integrations/intercom/integration.js';
import company from '../../src/integrations/intercom/fixtures/company.json' with { type: 'json' };
import type { ApiClient } from '../helpers/api-client.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import { headerMap, type FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeIntercom, type FakeIntercom } from '../providers/intercom.js';

const MIN = 60_000;

describe.each(DIALECTS)('Intercom end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let ic: FakeIntercom;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let poller: Poller;
  let clock: TestClock;
  let base: string;
  let hookUrl: string;
  let credentialId: string;

  const events = () => w.events(200);
  const deliveries = () => receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; credentialId: string; payload: any });
  const subscribe = (type: string, client: ApiClient = user) => client.post(`${base}/trigger-subscriptions`, { integration: 'intercom', type, parameters: {} });
  const subscribed = async (type: string, client: ApiClient = user) => {
    const r = await subscribe(type, client);
    expect(r.status, r.text).toBe(200);
    return r.body as { id: string; status: string; credentialId: string };
  };
  const nextPoll = async () => {
    clock.advance(2000);
    await poller.runDue();
    await worker.drain();
  };
  const searches = () => ic.requests.filter((r) => r.path === '/contacts/search');

  const connect = async (client: ApiClient) => {
    const start = await client.post(`${base}/connect/intercom`, { redirectUrl: 'https://app.example.com/connected' });
    expect(start.status, start.text).toBe(200);
    const authorize = new URL(start.body.authorizationUrl);
    const code = `code-${Math.random().toString(36).slice(2)}==`;
    ic.codes.add(code);
    const cb = await t.admin.get(`/oauth/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(authorize.searchParams.get('state')!)}`);
    expect(cb.status, cb.text).toBe(302);
    return new URL(String(cb.headers.location)).searchParams.get('credentialId')!;
  };

  beforeEach(async () => {
    clock = new TestClock(Date.now());
    ic = await startFakeIntercom({ now: clock.now });
    ic.addContact({ name: 'Existing' }, clock.now() - 30 * MIN);
    w = await startIntegrationWorld({
      dialect,
      integration: intercomIntegration,
      now: clock.now,
      poller: true,
      config: {
        clientId: ic.clientId, clientSecret: ic.clientSecret, webhookSecret: ic.clientSecret,
        apiBaseUrl: ic.url, tokenUrl: ic.tokenUrl, authorizationUrl: `${ic.url}/oauth`,
      },
    });
    ({ t, receiver, project, base, user, worker } = w);
    poller = w.poller!;
    hookUrl = w.config.webhookUrl;
    expect(hookUrl).toBe(`${t.url}/hooks/app/${project.id}/intercom`);
    credentialId = await connect(user);
  });
  afterEach(async () => {
    await w.close();
    await ic.close();
  });

  it('connect: the workspace is the provider account; the code exchange sends the client credentials in the body', async () => {
    const exchange = ic.requests.find((r) => r.path === '/auth/eagle/token')!;
    expect(exchange.body).toMatchObject({ client_id: ic.clientId, client_secret: ic.clientSecret, grant_type: 'authorization_code' });
    const stored = (await t.svc.storage.credentials.get(credentialId))!;
    expect(stored.providerAccountId).toBe('ecahpwf5');
    expect(stored.secrets.extra).toMatchObject({ workspaceId: 'ecahpwf5', workspaceName: 'MyApp 1' });
    expect(ic.requests.find((r) => r.path === '/me')!.version).toBe('2.14');
  });

  it('contact created and updated: baseline, one signed delivery each, re-polls deduped, unsubscribe stops searching', async () => {
    const createdSub = await subscribed('INTERCOM_TRIGGER_CONTACT_CREATED');
    const updatedSub = await subscribed('INTERCOM_TRIGGER_CONTACT_UPDATED');
    expect(searches()).toHaveLength(2);
    expect(await events()).toEqual([]);

    const c = ic.addContact({ name: 'Joe Bloggs', email: 'joe@bloggs.com' });
    await nextPoll();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      userId: 'user-1', integration: 'intercom', triggerType: 'INTERCOM_TRIGGER_CONTACT_CREATED', triggerSubscriptionId: createdSub.id,
      credentialId, projectId: project.id, payload: c,
    });
    expectSignedDelivery(sent!, project.signingSecret);

    clock.advance(5000);
    ic.updateContact(c.id, { name: 'Joe B.' });
    await nextPoll();
    await nextPoll();
    await receiver.waitFor(2);
    expect(deliveries().map((d) => [d.triggerType, d.payload.id, d.payload.name])).toEqual([
      ['INTERCOM_TRIGGER_CONTACT_CREATED', c.id, 'Joe Bloggs'],
      ['INTERCOM_TRIGGER_CONTACT_UPDATED', c.id, 'Joe B.'],
    ]);
    expect(await events()).toHaveLength(2);

    for (const s of [createdSub, updatedSub]) expect((await user.delete(`${base}/trigger-subscriptions/${s.id}`)).body).toEqual({ success: true });
    const before = searches().length;
    ic.addContact();
    await nextPoll();
    expect(searches().length).toBe(before);
  });

  it('company created/updated: notifications routed by workspace, one signed delivery each, Intercom retries deduped, ping ignored', async () => {
    const createdSub = await subscribed('INTERCOM_TRIGGER_COMPANY_CREATED');
    const updatedSub = await subscribed('INTERCOM_TRIGGER_COMPANY_UPDATED');
    expect(ic.requests.filter((r) => r.path !== '/auth/eagle/token' && r.path !== '/me')).toEqual([]); // app-level: no API call

    // Another user of this project, connected to another workspace, subscribes too.
    const other = await project.userClient('user-2');
    ic.workspaceId = 'otherws1';
    const otherCredential = await connect(other);
    ic.workspaceId = 'ecahpwf5';
    const otherSub = await subscribed('INTERCOM_TRIGGER_COMPANY_CREATED', other);

    expect((await ic.notify(hookUrl, 'ping', { type: 'ping', message: 'something, something, something, dark side' })).status).toBe(200);
    const first = await ic.notify(hookUrl, 'company.created', company);
    expect(first.status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      userId: 'user-1', integration: 'intercom', triggerType: 'INTERCOM_TRIGGER_COMPANY_CREATED', triggerSubscriptionId: createdSub.id, credentialId, payload: company,
    });
    expect(new Webhook(project.signingSecret).verify(sent!.rawBody.toString('utf8'), headerMap(sent!))).toEqual(sent!.json);

    // Intercom's retry of the same notification (same id, delivery_attempts 2): acknowledged, nothing new.
    expect((await ic.notify(hookUrl, 'company.created', company, { id: first.id, deliveryAttempts: 2 })).status).toBe(200);
    // Two updates in the same second are two notifications: both delivered; the retry of one is not.
    const u1 = await ic.notify(hookUrl, 'company.updated', { ...company, monthly_spend: 10 });
    await ic.notify(hookUrl, 'company.updated', { ...company, monthly_spend: 20 });
    await ic.notify(hookUrl, 'company.updated', { ...company, monthly_spend: 10 }, { id: u1.id, deliveryAttempts: 2 });
    // The other workspace's company reaches only the other user's subscription.
    await ic.notify(hookUrl, 'company.created', { ...company, id: 'other-company' }, { appId: 'otherws1' });
    await worker.drain();
    await receiver.waitFor(4);
    await worker.drain();
    // Deliveries are sent side by side: they may arrive in any order.
    const bySubscription = [createdSub.id, updatedSub.id, otherSub.id];
    const arrived = deliveries()
      .map((d) => [d.triggerSubscriptionId, d.payload.id, d.payload.monthly_spend] as [string, string, number])
      .sort((a, b) => bySubscription.indexOf(a[0]) - bySubscription.indexOf(b[0]) || a[2] - b[2]);
    expect(arrived).toEqual([
      [createdSub.id, company.id, 0],
      [updatedSub.id, company.id, 10],
      [updatedSub.id, company.id, 20],
      [otherSub.id, 'other-company', 0],
    ]);
    expect(deliveries().find((d) => d.triggerSubscriptionId === otherSub.id)!.credentialId).toBe(otherCredential);

    expect((await user.delete(`${base}/trigger-subscriptions/${createdSub.id}`)).body).toEqual({ success: true });
    await ic.notify(hookUrl, 'company.created', { ...company, id: 'after-unsubscribe' });
    await worker.drain();
    expect(receiver.requests).toHaveLength(4);
  });

  it('refuses forged, tampered and unsigned notifications with 401 and stores nothing', async () => {
    await subscribed('INTERCOM_TRIGGER_COMPANY_CREATED');
    expect((await ic.notify(hookUrl, 'company.created', company, { secret: 'not-the-client-secret' })).status).toBe(401);
    const body = JSON.stringify({ type: 'notification_event', app_id: 'ecahpwf5', id: 'notif_x', topic: 'company.created', data: { item: company } });
    const sig = `sha1=${createHmac('sha1', ic.clientSecret).update(body).digest('hex')}`;
    const tampered = await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature': sig }, body: body.replace('IntercomQATest1', 'Evil') });
    expect(tampered.status).toBe(401);
    expect((await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status).toBe(401);
    await worker.drain();
    expect(await events()).toEqual([]);
  });

  // Intercom validates an endpoint URL with a HEAD request when it is saved in the Developer Hub ("it must be
  // able to receive a HEAD request"): the hooks routes answer HEAD with 200 without verification.
  it('answers Intercom\'s HEAD validation of the endpoint URL with 200', async () => {
    expect(await ic.validateEndpoint(hookUrl)).toBe(200);
  });

  it('429 pauses the credential without an error; 5xx counts as a failure; a revoked token needs reconnecting', async () => {
    const sub = await subscribed('INTERCOM_TRIGGER_CONTACT_CREATED');
    const a = ic.addContact();
    ic.rateLimitNext(9);
    const reset = (Math.floor(clock.now() / 1000) + 9) * 1000; // X-RateLimit-Reset is a Unix time
    await nextPoll();
    expect((await t.svc.storage.credentials.get(credentialId))!.rateLimitedUntil).toBe(reset);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
    const before = searches().length;
    await nextPoll();
    expect(searches().length).toBe(before);
    clock.advance(10_000);
    ic.failNext(1, 500);
    await nextPoll();
    expect((await t.svc.storage.subscriptions.get(sub.id))!.consecutiveFailures).toBe(1);
    clock.advance(10_000);
    await nextPoll();
    await receiver.waitFor(1);
    expect(deliveries().map((d) => d.payload.id)).toEqual([a.id]);
    // Intercom tokens have no refresh token: a 401 marks the account for reconnection.
    ic.validTokens.clear();
    clock.advance(10_000);
    await nextPoll();
    expect((await t.svc.storage.credentials.get(credentialId))!.status).toBe('INVALID');
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ERRORED');
  });
});
