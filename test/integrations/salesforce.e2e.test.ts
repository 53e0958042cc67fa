// Salesforce end to end through the public API, on SQLite and PostgreSQL, against the fake Salesforce (login
// host + a separate instance host): a user connects with OAuth (PKCE) → the token response's instance_url is
// saved as credential extra → subscribe → the baseline query runs on the INSTANCE host → a record is created →
// the real Poller → exactly one signed delivery of the record → re-polls add nothing → unsubscribe → no more
// queries. Plus an expired session refreshed at the login host, REQUEST_LIMIT_EXCEEDED backed off, Salesforce
// 5xx, refused parameters, and the CONDITIONAL filter. (Polling triggers receive no inbound requests, so there
// is no signature to forge: the "bad signature" path does not exist for this integration.)
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Poller } from '../../src/engine/poller.js';
import { salesforceIntegration } from '../../src/integrations/salesforce/integration.js';
import errors from '../../src/integrations/salesforce/fixtures/errors.json' with { type: 'json' };
import type { ApiClient } from '../helpers/api-client.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld, subscriptionOf } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeSalesforce, type FakeSalesforce } from '../providers/salesforce.js';

const MIN = 60_000;

describe.each(DIALECTS)('Salesforce end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let sf: FakeSalesforce;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let poller: Poller;
  let clock: TestClock;
  let base: string;
  let credentialId: string;

  const events = () => w.events(200);
  const deliveries = () => receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: any });
  const subscribe = (type: string, parameters: Record<string, unknown>) => user.post(`${base}/trigger-subscriptions`, { integration: 'salesforce', type, parameters });
  const subscribed = async (type: string, parameters: Record<string, unknown> = { recordType: 'Opportunity' }) => subscriptionOf(await subscribe(type, parameters));
  const nextPoll = async () => {
    clock.advance(2000);
    await poller.runDue();
    await worker.drain();
  };
  const instanceQueries = () => sf.requests.filter((q) => q.host === 'instance' && q.path.startsWith('/services/data/'));

  /** The OAuth connect flow as a browser runs it: our authorize URL → Salesforce consent → our callback. */
  const connect = async () => {
    const start = await user.post(`${base}/connect/salesforce`, { redirectUrl: 'https://app.example.com/connected' });
    expect(start.status, start.text).toBe(200);
    const authorize = new URL(start.body.authorizationUrl);
    const code = `aPrx${Math.random().toString(36).slice(2)}`;
    sf.codes.add(code);
    const cb = await t.admin.get(`/oauth/callback?code=${code}&state=${encodeURIComponent(authorize.searchParams.get('state')!)}`);
    expect(cb.status, cb.text).toBe(302);
    return { authorize, location: new URL(String(cb.headers.location)) };
  };

  beforeEach(async () => {
    clock = new TestClock(Date.now());
    sf = await startFakeSalesforce({ now: clock.now });
    sf.defineObject('Opportunity', { StageName: 'picklist', Amount: 'currency', CloseDate: 'date' });
    sf.insert('Opportunity', { Name: 'Existing deal', StageName: 'Prospecting', Amount: 100 }, clock.now() - 10 * MIN);
    w = await startIntegrationWorld({
      dialect,
      integration: salesforceIntegration,
      now: clock.now,
      poller: true,
      config: {
        clientId: sf.clientId, clientSecret: sf.clientSecret,
        apiBaseUrl: sf.loginUrl, tokenUrl: sf.tokenUrl, authorizationUrl: `${sf.loginUrl}/services/oauth2/authorize`,
      },
    });
    ({ t, receiver, project, base, user, worker } = w);
    poller = w.poller!;
    expect(w.config.webhookUrl).toBeNull(); // polling: nothing to paste
    const { authorize, location } = await connect();
    expect(authorize.origin + authorize.pathname).toBe(`${sf.loginUrl}/services/oauth2/authorize`);
    expect(authorize.searchParams.get('scope')).toBe('api refresh_token');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    credentialId = location.searchParams.get('credentialId')!;
    expect(credentialId).toBeTruthy();
  });
  afterEach(async () => {
    await w.close();
    await sf.close();
  });

  it('connect saves instance_url; created: baseline on the instance, one signed delivery, re-polls deduped, unsubscribe stops queries', async () => {
    const exchange = sf.requests.find((q) => q.path === '/services/oauth2/token')!;
    expect(exchange).toMatchObject({ host: 'login', body: { grant_type: 'authorization_code', client_id: sf.clientId } });
    expect(exchange.body.code_verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = (await t.svc.storage.credentials.get(credentialId))!;
    expect(stored.providerAccountId).toBe(`${sf.organizationId}:${sf.userId}`);
    expect(stored.secrets.extra).toEqual({ instance_url: sf.instanceUrl, organizationId: sf.organizationId, userId: sf.userId });
    expect(stored.secrets.refreshToken).toMatch(/^5Aep/);

    const sub = await subscribed('SALESFORCE_TRIGGER_RECORD_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    expect(instanceQueries()).toHaveLength(1);
    expect(instanceQueries()[0]!.q).toContain('FROM Opportunity WHERE CreatedDate >= ');
    expect(sf.requests.filter((q) => q.host === 'login' && q.path !== '/services/oauth2/token')).toEqual([]);
    expect(await events()).toEqual([]);

    const created = sf.insert('Opportunity', { Name: 'Edge Emergency Generator', StageName: 'Prospecting', Amount: 75000 });
    await nextPoll();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      userId: 'user-1', integration: 'salesforce', triggerType: 'SALESFORCE_TRIGGER_RECORD_CREATED', triggerSubscriptionId: sub.id,
      credentialId, projectId: project.id, payload: created,
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // Re-polls read the overlapping window again: nothing new is delivered.
    sf.update('Opportunity', created.Id, { StageName: 'Qualification' });
    await nextPoll();
    await nextPoll();
    expect(receiver.requests).toHaveLength(1);
    expect(await events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    const before = instanceQueries().length;
    sf.insert('Opportunity', { Name: 'after unsubscribe' });
    await nextPoll();
    expect(instanceQueries().length).toBe(before);
    expect(receiver.requests).toHaveLength(1);
  });

  it('updated: one delivery per new SystemModstamp, none for creations; the CONDITIONAL filter is applied', async () => {
    const all = await subscribed('SALESFORCE_TRIGGER_RECORD_UPDATED');
    const wins = await subscribed('SALESFORCE_TRIGGER_RECORD_UPDATED', {
      recordType: 'Opportunity',
      filterFormula: { operator: 'AND', conditions: [{ field: 'StageName', operator: '$stringExactlyMatches', value: 'Closed Won' }] },
    });
    expect(sf.requests.filter((q) => q.path.endsWith('/sobjects/Opportunity/describe'))).toHaveLength(1);
    const opp = sf.insert('Opportunity', { Name: 'Deal', StageName: 'Prospecting', Amount: 10 });
    await nextPoll();
    expect(receiver.requests).toHaveLength(0);
    clock.advance(3000);
    sf.update('Opportunity', opp.Id, { StageName: 'Negotiation' });
    await nextPoll();
    clock.advance(3000);
    sf.update('Opportunity', opp.Id, { StageName: 'Closed Won' });
    await nextPoll();
    await nextPoll();
    await receiver.waitFor(3);
    const got = deliveries().map((d) => [d.triggerSubscriptionId, d.payload.StageName]);
    expect(got.filter(([s]) => s === all.id).map(([, st]) => st)).toEqual(['Negotiation', 'Closed Won']);
    expect(got.filter(([s]) => s === wins.id).map(([, st]) => st)).toEqual(['Closed Won']);
    expect(sf.queries.filter((q) => q.includes("AND StageName = 'Closed Won' ORDER BY"))).not.toHaveLength(0);
  });

  it('an expired session is refreshed at the login host and the query retried; the new token is used afterwards', async () => {
    const sub = await subscribed('SALESFORCE_TRIGGER_RECORD_CREATED');
    const oldToken = [...sf.validTokens][0]!;
    sf.validTokens.clear(); // the session timed out
    const created = sf.insert('Opportunity', { Name: 'after expiry' });
    await nextPoll();
    await receiver.waitFor(1);
    expect(deliveries().map((d) => [d.triggerSubscriptionId, d.payload.Id])).toEqual([[sub.id, created.Id]]);
    const refresh = sf.requests.filter((q) => q.path === '/services/oauth2/token' && q.body.grant_type === 'refresh_token');
    expect(refresh).toHaveLength(1);
    expect(refresh[0]!.host).toBe('login');
    const auths = instanceQueries().slice(-2).map((q) => q.auth);
    expect(auths[0]).toBe(`Bearer ${oldToken}`);
    expect(auths[1]).not.toBe(`Bearer ${oldToken}`);
    expect((await t.svc.storage.credentials.get(credentialId))!.status).toBe('VALID');
    // A refused refresh (revoked app) marks the account for reconnection.
    sf.validTokens.clear();
    sf.refreshTokens.clear();
    await nextPoll();
    expect((await t.svc.storage.credentials.get(credentialId))!.status).toBe('INVALID');
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ERRORED');
  });

  it('REQUEST_LIMIT_EXCEEDED pauses the credential without an error; 5xx counts as a failure and recovers', async () => {
    const sub = await subscribed('SALESFORCE_TRIGGER_RECORD_CREATED');
    const a = sf.insert('Opportunity', { Name: 'a' });
    sf.failNext(1, 403, errors.requestLimitExceeded);
    await nextPoll();
    const cred = (await t.svc.storage.credentials.get(credentialId))!;
    expect(cred.rateLimitedUntil).toBe(clock.now() + 15 * MIN);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body).toMatchObject({ status: 'ACTIVE' });
    const before = instanceQueries().length;
    await nextPoll();
    expect(instanceQueries().length).toBe(before); // paused: Salesforce is not called
    clock.advance(15 * MIN);
    sf.failNext(1, 503, [{ errorCode: 'SERVER_UNAVAILABLE', message: 'Server temporarily unavailable' }]);
    await nextPoll();
    expect((await t.svc.storage.subscriptions.get(sub.id))!.consecutiveFailures).toBe(1);
    clock.advance(10_000);
    await nextPoll();
    await receiver.waitFor(1);
    expect(deliveries().map((d) => d.payload.Id)).toEqual([a.Id]);
    expect((await t.svc.storage.subscriptions.get(sub.id))!.consecutiveFailures).toBe(0);
  });

  it('refuses bad parameters with 400 and objects Salesforce does not know with its reason, storing nothing', async () => {
    const injection = await subscribe('SALESFORCE_TRIGGER_RECORD_CREATED', { recordType: 'Opportunity WHERE Id != null' });
    expect(injection.status).toBe(400);
    expect(injection.body.message).toContain('parameters.recordType');
    const badFilter = await subscribe('SALESFORCE_TRIGGER_RECORD_CREATED', { recordType: 'Opportunity', filterFormula: "StageName = 'x'" });
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.message).toContain('parameters.filterFormula');
    const unknown = await subscribe('SALESFORCE_TRIGGER_RECORD_CREATED', { recordType: 'Invoice__c' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toContain('INVALID_TYPE');
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
  });
});
