// Zoho CRM end to end through the public API, on SQLite and PostgreSQL, against the fake Zoho CRM on the
// credential's api_domain: subscribe (the baseline Get Records call observed at the fake, nothing delivered) → a new
// lead / an edited deal → the real Poller → exactly one signed delivery with the right envelope → re-polls (which
// read the overlap again) deliver nothing more → unsubscribe (polling has nothing to tear down at Zoho; the fake sees
// no further calls). Plus: a bad recordType refused with 400 naming the parameter, an expired token refreshed at the
// accounts server (Zoho returns no new refresh token: the stored one is kept), a refused refresh making the
// credential INVALID, 429 backing the credential off, a 5xx retried with backoff, refusals at subscribe time.
// (No inbound webhook exists for these triggers, so there is no signature to forge.)
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Poller } from '../../src/engine/poller.js';
import { zohoCrmIntegration } from '../../src/integrations/zohocrm/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeZohoCrm, zohoErrorBodies, zohoTime, type FakeZohoCrm } from '../providers/zohocrm.js';

const SEC = 1000;
const MIN = 60_000;
const ORG = '111111000000033001';

describe.each(DIALECTS)('Zoho CRM end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let zoho: FakeZohoCrm;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let poller: Poller;
  let clock: TestClock;
  let base: string;
  let credentialId: string;

  const deliveries = () => receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: any });
  const subscribed = async (type: string, parameters: Record<string, unknown>) => subscriptionOf(await w.subscribe(type, parameters));
  const tick = async (ms = 2 * SEC) => {
    clock.advance(ms);
    await poller.runDue();
    await worker.drain();
  };

  beforeEach(async () => {
    clock = new TestClock(Date.now());
    zoho = await startFakeZohoCrm();
    zoho.validTokens.add('valid-token');
    zoho.refreshTokens.add('refresh-1');
    zoho.add('Leads', { created: clock.now() - 60 * MIN, fields: { Last_Name: 'Old' } });
    zoho.add('Deals', { created: clock.now() - 60 * MIN, id: '3652397000000624046', fields: { Deal_Name: 'Renewal', Amount: 1000 } });
    w = await startIntegrationWorld({
      dialect,
      integration: zohoCrmIntegration,
      now: clock.now,
      poller: true,
      // apiBaseUrl is deliberately not the fake: calls must follow the credential's api_domain.
      config: { clientId: zoho.clientId, clientSecret: zoho.clientSecret, apiBaseUrl: 'http://127.0.0.1:9', tokenUrl: zoho.tokenUrl },
      credential: { accessToken: 'valid-token', refreshToken: 'refresh-1', providerAccountId: ORG, extra: { api_domain: zoho.url } },
    });
    ({ t, receiver, project, base, user, worker } = w);
    poller = w.poller!;
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await zoho.close();
  });

  it('record created (Leads): baseline at subscribe, one signed delivery, no duplicate, nothing after unsubscribe', async () => {
    const sub = await subscribed('ZOHO_CRM_TRIGGER_RECORD_CREATED', { recordType: 'Leads' });
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    expect(zoho.listCalls().map((c) => [c.path, c.auth, c.query.sort_by, c.query.sort_order])).toEqual([['/crm/v2/Leads', 'Bearer valid-token', 'Modified_Time', 'asc']]);
    await tick();
    expect(receiver.requests).toHaveLength(0);

    const lead = zoho.add('Leads', { created: clock.now(), fields: { Last_Name: 'Daly', First_Name: 'Paul', Company: 'Zylker' } });
    await tick();
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({
      integration: 'zohocrm', triggerType: 'ZOHO_CRM_TRIGGER_RECORD_CREATED', triggerSubscriptionId: sub.id, credentialId, userId: 'user-1', projectId: project.id,
      payload: { id: lead.id, Last_Name: 'Daly', Company: 'Zylker', Created_Time: zohoTime(lead.created), Owner: { name: 'Patricia Boyle' } },
    });
    expectSignedDelivery(delivery!, project.signingSecret);
    // The overlap reads the lead again, and an edit moves it: still one delivery.
    zoho.touch('Leads', lead.id, clock.now() + SEC, { Lead_Status: 'Contacted' });
    await tick();
    await tick();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    const calls = zoho.requests.length;
    zoho.add('Leads', { created: clock.now() });
    await tick();
    expect(zoho.requests.length).toBe(calls);
    expect(receiver.requests).toHaveLength(1);
  });

  it('record updated (Deals): one delivery per new version, none for a creation, none for a version read twice', async () => {
    const sub = await subscribed('ZOHO_CRM_TRIGGER_RECORD_UPDATED', { recordType: 'Deals' });
    zoho.add('Deals', { created: clock.now(), fields: { Deal_Name: 'New' } });
    zoho.touch('Deals', '3652397000000624046', clock.now() + SEC, { Amount: 1500 });
    await tick();
    await tick();
    zoho.touch('Deals', '3652397000000624046', clock.now() + SEC, { Amount: 2000 });
    await tick();
    await tick();
    expect(deliveries().map((d) => [d.triggerSubscriptionId, d.payload.id, d.payload.Amount])).toEqual([
      [sub.id, '3652397000000624046', 1500],
      [sub.id, '3652397000000624046', 2000],
    ]);
  });

  it('refuses a bad recordType, naming the parameter, and asks Zoho nothing', async () => {
    const r = await w.subscribe('ZOHO_CRM_TRIGGER_RECORD_CREATED', { recordType: 'Potentials' });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'INVALID_PARAMETER' });
    expect(r.body.message).toContain('parameters.recordType');
    expect(zoho.listCalls()).toHaveLength(0);
  });

  it('refreshes an expired token at the accounts server, keeps the refresh token Zoho does not resend, and keeps polling', async () => {
    const sub = await subscribed('ZOHO_CRM_TRIGGER_RECORD_CREATED', { recordType: 'Contacts' });
    zoho.validTokens.delete('valid-token');
    const c = zoho.add('Contacts', { created: clock.now() });
    await tick();
    const refresh = zoho.requests.filter((r) => r.path === '/oauth/v2/token');
    expect(refresh.map((r) => ({ ...r.query, ...r.body }))).toEqual([
      expect.objectContaining({ grant_type: 'refresh_token', refresh_token: 'refresh-1', client_id: zoho.clientId, client_secret: zoho.clientSecret }),
    ]);
    const stored = (await t.svc.storage.credentials.get(credentialId))!;
    expect(stored.secrets.refreshToken).toBe('refresh-1');
    expect(stored.secrets.extra).toMatchObject({ api_domain: zoho.url });
    expect(zoho.listCalls().at(-1)!.auth).toBe(`Bearer ${stored.secrets.accessToken}`);
    expect(deliveries().map((d) => [d.triggerSubscriptionId, d.payload.id])).toEqual([[sub.id, c.id]]);
  });

  it('a refused refresh (Zoho answers {"error":"invalid_code"}) marks the credential INVALID at once and delivers nothing', async () => {
    // Declared by the integration (refusedRefreshErrors): the user must reconnect, no point in retrying.
    const sub = await subscribed('ZOHO_CRM_TRIGGER_RECORD_CREATED', { recordType: 'Leads' });
    zoho.validTokens.delete('valid-token');
    zoho.refreshTokens.delete('refresh-1');
    zoho.add('Leads', { created: clock.now() });
    await tick();
    expect(zoho.requests.filter((r) => r.path === '/oauth/v2/token')).toHaveLength(1);
    expect((await t.svc.storage.credentials.get(credentialId))!.status).toBe('INVALID');
    const logs = JSON.stringify((await t.admin.get(`/admin/v1/projects/${project.id}/subscriptions/${sub.id}/logs`)).body);
    expect(logs).toContain('ask the user to reconnect it');
    expect(logs).not.toContain('refresh-1');
    expect(receiver.requests).toHaveLength(0);
  });

  it('backs the credential off on 429 and retries a 5xx with backoff, without losing the record', async () => {
    const sub = await subscribed('ZOHO_CRM_TRIGGER_RECORD_CREATED', { recordType: 'Leads' });
    const lead = zoho.add('Leads', { created: clock.now() });
    zoho.failNext(1, 429, zohoErrorBodies.tooManyRequests, { 'retry-after': '30' });
    await tick();
    expect((await t.svc.storage.credentials.get(credentialId))!.rateLimitedUntil).toBe(clock.now() + 30_000);
    const calls = zoho.requests.length;
    await tick(10 * SEC);
    expect(zoho.requests.length).toBe(calls);
    clock.advance(20 * SEC);
    zoho.failNext(1, 500);
    await tick();
    expect((await t.svc.storage.subscriptions.get(sub.id))!).toMatchObject({ consecutiveFailures: 1, status: 'ACTIVE' });
    await tick(10 * SEC);
    expect(deliveries().map((d) => d.payload.id)).toEqual([lead.id]);
    expect((await t.svc.storage.subscriptions.get(sub.id))!.consecutiveFailures).toBe(0);
  });

  it('reports refusals at subscribe time with Zoho\'s message and stores nothing: no permission, rate limit, 5xx', async () => {
    zoho.failNext(1, 403, { code: 'NO_PERMISSION', details: {}, message: 'permission denied', status: 'error' });
    const r403 = await w.subscribe('ZOHO_CRM_TRIGGER_RECORD_UPDATED', { recordType: 'Accounts' });
    expect(r403.status).toBe(422);
    expect(r403.body.message).toContain('Zoho CRM NO_PERMISSION: permission denied');
    expect(r403.text).not.toContain('valid-token');
    zoho.failNext(1, 429, zohoErrorBodies.tooManyRequests);
    expect((await w.subscribe('ZOHO_CRM_TRIGGER_RECORD_UPDATED', { recordType: 'Accounts' })).status).toBe(429);
    zoho.failNext(1, 502);
    expect((await w.subscribe('ZOHO_CRM_TRIGGER_RECORD_UPDATED', { recordType: 'Accounts' })).status).toBe(502);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
  });
});
