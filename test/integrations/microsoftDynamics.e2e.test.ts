// Dynamics 365 Sales (Dataverse) end to end through the public API, on SQLite and PostgreSQL, against the fake
// Dataverse organization: a user connects with Entra ID OAuth (PKCE) with the project's scopes naming the
// organization → the organization URL is read from the granted scope and saved as credential extra → subscribe
// (the baseline query runs on the ORGANIZATION URL, nothing delivered) → a new lead / an updated opportunity → the
// real Poller on a test clock → exactly one signed delivery → re-polls (which read the overlap again) deliver
// nothing more → unsubscribe stops queries. Plus: rows sharing one second across pages, 429 backing the credential
// off for Retry-After, a 5xx retried, a 401 refreshed, a refused refresh marking the credential INVALID, bad
// parameters refused with 400. (Polling triggers receive no inbound requests: there is no signature to forge.)
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Poller } from '../../src/engine/poller.js';
import errors from '../../src/integrations/microsoftDynamics/fixtures/errors.json' with { type: 'json' };
import { microsoftDynamicsIntegration } from '../../src/integrations/microsoftDynamics/integration.js';
import { PAGE_SIZE } from '../../src/integrations/microsoftDynamics/records.js';
import type { ApiClient } from '../helpers/api-client.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { dataverseTime, startFakeDataverse, type FakeDataverse } from '../providers/microsoftDynamics.js';

const SEC = 1000;
const MIN = 60_000;
const ORG_ID = '883278f5-07af-45eb-a0bc-3fea67caa544';
const USER_ID = 'b08dc8a6-e471-ec11-8f8e-000d3a0a7dd6';
const CREATED = 'MICROSOFT_DYNAMICS_TRIGGER_RECORD_CREATED';
const UPDATED = 'MICROSOFT_DYNAMICS_TRIGGER_RECORD_UPDATED';

describe.each(DIALECTS)('Dynamics 365 Sales end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let dv: FakeDataverse;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let poller: Poller;
  let clock: TestClock;
  let base: string;
  let credentialId: string;
  let existingOpp: string;

  const deliveries = () => receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: any });
  const subscribed = async (type: string, parameters: Record<string, unknown>) => subscriptionOf(await w.subscribe(type, parameters));
  const tick = async (ms = 2 * SEC) => {
    clock.advance(ms);
    await poller.runDue();
    await worker.drain();
  };

  /** The OAuth connect flow as a browser runs it: our authorize URL → Entra ID consent → our callback. */
  const connect = async () => {
    const start = await user.post(`${base}/connect/microsoftDynamics`, { redirectUrl: 'https://app.example.com/connected' });
    expect(start.status, start.text).toBe(200);
    const authorize = new URL(start.body.authorizationUrl);
    const code = `0.AXEA-code-${Math.random().toString(36).slice(2)}`;
    dv.codes.add(code);
    const cb = await t.admin.get(`/oauth/callback?code=${code}&state=${encodeURIComponent(authorize.searchParams.get('state')!)}`);
    expect(cb.status, cb.text).toBe(302);
    return { authorize, location: new URL(String(cb.headers.location)) };
  };

  beforeEach(async () => {
    clock = new TestClock(Date.now());
    dv = await startFakeDataverse();
    dv.add('leads', { created: clock.now() - 60 * MIN, fields: { fullname: 'Old lead' } });
    existingOpp = dv.add('opportunities', { created: clock.now() - 60 * MIN, fields: { name: 'Renewal', estimatedvalue: 1000 } }).id;
    w = await startIntegrationWorld({
      dialect,
      integration: microsoftDynamicsIntegration,
      now: clock.now,
      poller: true,
      // apiBaseUrl is deliberately not the fake: queries must follow the credential's orgUrl.
      config: {
        clientId: dv.clientId, clientSecret: dv.clientSecret, apiBaseUrl: 'http://127.0.0.1:9',
        tokenUrl: dv.tokenUrl, authorizationUrl: dv.authorizationUrl, scopes: [`${dv.url}/user_impersonation`, 'offline_access'],
      },
    });
    ({ t, receiver, project, base, user, worker } = w);
    poller = w.poller!;
    const { authorize, location } = await connect();
    expect(authorize.searchParams.get('scope')).toBe(`${dv.url}/user_impersonation offline_access`);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(location.searchParams.get('error'), location.toString()).toBeNull();
    credentialId = location.searchParams.get('credentialId')!;
    expect(credentialId).toBeTruthy();
  });
  afterEach(async () => {
    await w.close();
    await dv.close();
  });

  it('connect saves orgUrl; created (lead): baseline on the organization, one signed delivery, re-polls deduped, unsubscribe stops queries', async () => {
    const stored = (await t.svc.storage.credentials.get(credentialId))!;
    expect(stored.providerAccountId).toBe(`${ORG_ID}:${USER_ID}`);
    expect(stored.secrets.extra).toMatchObject({ orgUrl: dv.url, organizationId: ORG_ID, userId: USER_ID });

    const sub = await subscribed(CREATED, { recordType: 'lead' });
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    expect(dv.listCalls().map((c) => [c.path, c.query.$orderby, c.prefer])).toEqual([['/api/data/v9.2/leads', 'createdon asc,leadid asc', `odata.maxpagesize=${PAGE_SIZE}`]]);
    await tick();
    expect(receiver.requests).toHaveLength(0);

    const lead = dv.add('leads', { created: clock.now(), fields: { fullname: 'Yvonne McKay (sample)', subject: 'Interested in our new offering' } });
    await tick();
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({
      integration: 'microsoftDynamics', triggerType: CREATED, triggerSubscriptionId: sub.id, credentialId, userId: 'user-1', projectId: project.id,
      payload: { leadid: lead.id, fullname: 'Yvonne McKay (sample)', createdon: dataverseTime(lead.created) },
    });
    expectSignedDelivery(delivery!, project.signingSecret);
    // The overlap reads the lead again, and an edit is no creation: still one delivery.
    dv.touch('leads', lead.id, clock.now() + SEC, { statuscode: 2 });
    await tick();
    await tick();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    const calls = dv.requests.length;
    dv.add('leads', { created: clock.now() });
    await tick();
    expect(dv.requests.length).toBe(calls);
    expect(receiver.requests).toHaveLength(1);
  });

  it('updated (opportunity): one delivery per new version, none for a creation, none for a version read twice', async () => {
    const sub = await subscribed(UPDATED, { recordType: 'opportunity' });
    dv.add('opportunities', { created: clock.now(), fields: { name: 'New' } });
    dv.touch('opportunities', existingOpp, clock.now() + SEC, { estimatedvalue: 1500 });
    await tick();
    await tick();
    dv.touch('opportunities', existingOpp, clock.now() + SEC, { estimatedvalue: 2000 });
    await tick();
    await tick();
    expect(deliveries().map((d) => [d.triggerSubscriptionId, d.payload.opportunityid, d.payload.estimatedvalue])).toEqual([
      [sub.id, existingOpp, 1500],
      [sub.id, existingOpp, 2000],
    ]);
  });

  it('delivers every one of many contacts created in the same second across pages, once', async () => {
    await subscribed(CREATED, { recordType: 'contact' });
    const burst = Array.from({ length: PAGE_SIZE + 50 }, (_, i) => dv.add('contacts', { created: clock.now() + SEC, fields: { fullname: `Import ${i}` } }));
    await tick();
    await tick();
    await tick();
    const got = deliveries().map((d) => d.payload.contactid as string);
    expect(got).toHaveLength(burst.length);
    expect(new Set(got)).toEqual(new Set(burst.map((r) => r.id)));
    expect(dv.listCalls('contacts').some((c) => c.query.$skiptoken !== undefined)).toBe(true);
  });

  it('backs the credential off on 429 for Retry-After and retries a 5xx, without losing the row', async () => {
    const sub = await subscribed(CREATED, { recordType: 'account' });
    const account = dv.add('accounts', { created: clock.now(), fields: { name: 'Fourth Coffee (sample)' } });
    dv.failNext(1, 429, errors.tooManyRequests, { 'retry-after': '30' });
    await tick();
    expect((await t.svc.storage.credentials.get(credentialId))!.rateLimitedUntil).toBe(clock.now() + 30_000);
    const calls = dv.requests.length;
    await tick(10 * SEC);
    expect(dv.requests.length).toBe(calls);
    clock.advance(20 * SEC);
    dv.failNext(1, 503);
    await tick();
    expect((await t.svc.storage.subscriptions.get(sub.id))!).toMatchObject({ consecutiveFailures: 1, status: 'ACTIVE' });
    await tick(10 * SEC);
    expect(deliveries().map((d) => d.payload.accountid)).toEqual([account.id]);
    expect((await t.svc.storage.subscriptions.get(sub.id))!.consecutiveFailures).toBe(0);
  });

  it("without the project's scopes, the connect names the organization: its scope in the authorization URL and in every refresh", async () => {
    const put = await t.admin.put(`/admin/v1/projects/${project.id}/integrations/microsoftDynamics`, { enabled: true, scopes: null });
    expect(put.status, put.text).toBe(200);
    const connect = (parameters?: Record<string, string>) => user.post(`${base}/connect/microsoftDynamics`, { redirectUrl: 'https://app.example.com/connected', ...(parameters ? { parameters } : {}) });
    const missing = await connect();
    expect([missing.status, missing.body.message]).toEqual([400, expect.stringContaining('parameters.organization')]);
    const badRegion = await connect({ organization: 'contoso', region: 'crm4.evil.example' });
    expect([badRegion.status, badRegion.body.message]).toEqual([400, expect.stringContaining('parameters.region')]);
    const start = await connect({ organization: 'Contoso', region: 'crm4' });
    expect(start.status, start.text).toBe(200);
    expect(new URL(start.body.authorizationUrl).searchParams.get('scope')).toBe('https://contoso.crm4.dynamics.com/user_impersonation offline_access');

    // A credential of that organization (orgUrl pointing at the fake) whose token has expired: the refresh asks for
    // the organization's scope again, filled from the credential's parameters.
    dv.refreshTokens.add('0.AXEA-refresh-contoso');
    const made = await user.post(`${base}/credentials`, {
      integration: 'microsoftDynamics', accessToken: 'expired-token', refreshToken: '0.AXEA-refresh-contoso', expiresAt: clock.now() - 1000,
      providerAccountId: `${ORG_ID}:contoso-user`, extra: { organization: 'contoso', region: 'crm4', orgUrl: dv.url },
    });
    expect(made.status, made.text).toBe(201);
    const sub = subscriptionOf(await w.subscribe(CREATED, { recordType: 'lead' }, { 'x-paragon-credential': made.body.id }));
    expect(sub.status).toBe('ACTIVE');
    const refresh = dv.tokenCalls().filter((r) => r.body?.get('grant_type') === 'refresh_token');
    expect(refresh.map((r) => r.body!.get('scope'))).toEqual(['https://contoso.crm4.dynamics.com/user_impersonation offline_access']);
  });

  it('a 401 is refreshed (with the scope) and retried; a refused refresh marks the credential INVALID and the subscription ERRORED', async () => {
    const sub = await subscribed(CREATED, { recordType: 'lead' });
    dv.validTokens.clear(); // the access token expired
    const lead = dv.add('leads', { created: clock.now() });
    await tick();
    await receiver.waitFor(1);
    expect(deliveries().map((d) => [d.triggerSubscriptionId, d.payload.leadid])).toEqual([[sub.id, lead.id]]);
    const refresh = dv.tokenCalls().filter((r) => r.body?.get('grant_type') === 'refresh_token');
    expect(refresh).toHaveLength(1);
    expect(refresh[0]!.body!.get('scope')).toBe(`${dv.url}/user_impersonation offline_access`);
    expect((await t.svc.storage.credentials.get(credentialId))!.status).toBe('VALID');

    dv.validTokens.clear();
    dv.refreshTokens.clear(); // consent revoked
    await tick();
    expect((await t.svc.storage.credentials.get(credentialId))!.status).toBe('INVALID');
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ERRORED');
    const logs = JSON.stringify((await t.admin.get(`/admin/v1/projects/${project.id}/subscriptions/${sub.id}/logs`)).body);
    expect(logs).not.toMatch(/eyJ0eXAi\.dataverse|0\.AXEA-refresh/);
  });

  it('refuses bad parameters with 400 naming the parameter and asks Dataverse nothing; refusals at subscribe time store nothing', async () => {
    for (const recordType of ['leads', 'systemuser', 'lead; DROP', 42]) {
      const r = await w.subscribe(CREATED, { recordType });
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ code: 'INVALID_PARAMETER' });
      expect(r.body.message).toContain('parameters.recordType');
    }
    expect((await w.subscribe(UPDATED, {})).status).toBe(400);
    expect(dv.listCalls()).toHaveLength(0);
    dv.failNext(1, 403, { error: { code: '0x80040220', message: 'Principal user is missing prvReadLead privilege.' } });
    const r403 = await w.subscribe(CREATED, { recordType: 'lead' });
    expect(r403.status).toBe(422);
    expect(r403.body.message).toContain('Dataverse 0x80040220: Principal user is missing prvReadLead privilege.');
    expect(r403.text).not.toContain('eyJ0eXAi');
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
  });
});
