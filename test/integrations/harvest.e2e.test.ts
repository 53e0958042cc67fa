// Harvest end to end through the public API, on SQLite and PostgreSQL, against the fake Harvest (the project's
// apiBaseUrl points at it): subscribe (baseline list read with the Bearer token, Harvest-Account-Id from the
// credential's extra.accountId and the User-Agent; nothing delivered) → a new time entry / a new version / a new
// project / a new invoice → the real Poller on a test clock → exactly one signed delivery each → re-polls deliver
// nothing more → unsubscribe stops the polling. Plus: parameters refused with the field named and applied as Harvest
// filters; 429 with Retry-After backing the credential off and a 5xx retried; a revoked token (401) marking the
// credential INVALID and the subscription ERRORED; connecting through Harvest ID OAuth with the account named by the
// user (scope harvest:{accountId}). Harvest has no webhooks, so there is no inbound signature to forge or provider
// webhook to remove.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Poller } from '../../src/engine/poller.js';
import { HARVEST_USER_AGENT, harvestIntegration } from '../../src/integrations/harvest/integration.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestService } from '../helpers/service.js';
import { startFakeHarvest, type FakeHarvest } from '../providers/harvest.js';

const SEC = 1000;

describe.each(DIALECTS)('Harvest end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let hv: FakeHarvest;
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
    hv = await startFakeHarvest();
    hv.add('time_entries', { createdAt: clock.now() - 60_000 });
    hv.add('projects', { createdAt: clock.now() - 60_000 });
    w = await startIntegrationWorld({
      dialect,
      integration: harvestIntegration,
      now: clock.now,
      poller: true,
      config: { apiBaseUrl: `${hv.url}/v2`, authorizationUrl: `${hv.url}/oauth2/authorize`, tokenUrl: `${hv.url}/api/v2/oauth2/token`, clientId: hv.clientId, clientSecret: hv.clientSecret },
      credential: { accessToken: 'hv-token-1', extra: { accountId: '123456' } },
    });
    ({ t, receiver, worker } = w);
    poller = w.poller!;
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await hv.close();
  });

  it('time entry created: baseline at subscribe, one signed delivery, no duplicate on re-poll, nothing after unsubscribe', async () => {
    const sub = await subscribed('HARVEST_TRIGGER_TIME_ENTRY_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const [baseline] = hv.lists('time_entries');
    expect(baseline).toMatchObject({ auth: 'Bearer hv-token-1', accountId: '123456', userAgent: HARVEST_USER_AGENT, query: { per_page: '2000' } });
    expect(baseline!.query.updated_since).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    await tick();
    expect(receiver.requests).toHaveLength(0); // the entry that existed before subscribing is never delivered

    const entry = hv.add('time_entries', { createdAt: clock.now(), notes: 'Kickoff call' });
    await tick();
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({
      integration: 'harvest', triggerType: 'HARVEST_TRIGGER_TIME_ENTRY_CREATED', triggerSubscriptionId: sub.id, credentialId, userId: 'user-1',
      payload: { id: entry.id, notes: 'Kickoff call' },
    });
    expectSignedDelivery(delivery!, w.project.signingSecret);
    hv.update(entry.id, clock.now() + SEC, { notes: 'Kickoff call (edited)' }); // an update is not a second creation
    await tick();
    await tick();
    expect(receiver.requests).toHaveLength(1);

    expect((await w.user.delete(`${w.base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    const calls = hv.requests.length;
    hv.add('time_entries', { createdAt: clock.now() });
    await tick();
    expect(hv.requests.length).toBe(calls);
    expect(receiver.requests).toHaveLength(1);
  });

  it('time entry updated, project created and invoice created: one delivery per new version or record, filters applied', async () => {
    const updated = await subscribed('HARVEST_TRIGGER_TIME_ENTRY_UPDATED');
    const projects = await subscribed('HARVEST_TRIGGER_PROJECT_CREATED', { clientId: '5' });
    const invoices = await subscribed('HARVEST_TRIGGER_INVOICE_CREATED');
    hv.update(1000, clock.now() + SEC, { notes: 'v2' });
    const project = hv.add('projects', { createdAt: clock.now() + SEC, clientId: 5, notes: 'Website redesign' });
    hv.add('projects', { createdAt: clock.now() + SEC, clientId: 6 });
    const invoice = hv.add('invoices', { createdAt: clock.now() + SEC, notes: 'March' });
    await tick();
    await tick();
    hv.update(1000, clock.now() + SEC, { notes: 'v3' });
    await tick();
    await tick();
    const got = deliveries();
    expect(got.filter((d) => d.triggerSubscriptionId === updated.id).map((d) => [d.payload.id, d.payload.notes])).toEqual([[1000, 'v2'], [1000, 'v3']]);
    expect(got.filter((d) => d.triggerSubscriptionId === projects.id).map((d) => [d.payload.id, d.payload.name])).toEqual([[project.id, 'Website redesign']]);
    expect(got.filter((d) => d.triggerSubscriptionId === invoices.id).map((d) => [d.triggerType, d.payload.id, d.payload.subject])).toEqual([['HARVEST_TRIGGER_INVOICE_CREATED', invoice.id, 'March']]);
    expect(got).toHaveLength(4);
    expect(hv.lists('projects').every((r) => r.query.client_id === '5')).toBe(true);

    const bad = await w.subscribe('HARVEST_TRIGGER_TIME_ENTRY_CREATED', { projectId: '7 OR 1=1' });
    expect([bad.status, bad.body.code]).toEqual([400, 'INVALID_PARAMETER']);
    expect(bad.body.message).toContain('parameters.projectId');
  });

  it('backs the credential off on 429 (Retry-After), retries a 5xx, and marks a revoked token INVALID on 401', async () => {
    const sub = await subscribed('HARVEST_TRIGGER_TIME_ENTRY_CREATED');
    const entry = hv.add('time_entries', { createdAt: clock.now() });
    hv.failNext(1, 429, { 'retry-after': '15' });
    await tick();
    expect((await t.svc.storage.credentials.get(credentialId))!.rateLimitedUntil).toBe(clock.now() + 15_000);
    expect((await w.user.get(`${w.base}/trigger-subscriptions/${sub.id}`)).body).toMatchObject({ status: 'ACTIVE' });
    const calls = hv.requests.length;
    await tick();
    expect(hv.requests.length).toBe(calls); // paused until Retry-After
    clock.advance(15_000);
    hv.failNext(1, 503);
    await tick();
    expect((await t.svc.storage.subscriptions.get(sub.id))!.consecutiveFailures).toBe(1);
    await tick(10 * SEC);
    expect(deliveries().map((d) => d.payload.id)).toEqual([entry.id]);
    expect((await t.svc.storage.subscriptions.get(sub.id))!.consecutiveFailures).toBe(0);

    hv.tokens.clear(); // the user revoked the token in Harvest ID
    await tick(10 * SEC);
    expect((await t.svc.storage.credentials.get(credentialId))!.status).toBe('INVALID');
    const body = (await w.user.get(`${w.base}/trigger-subscriptions/${sub.id}`)).body;
    expect(body.status).toBe('ERRORED');
    expect(JSON.stringify(body)).not.toContain('hv-token-1');
  });

  it('connects through Harvest ID OAuth with the account named in parameters.accountId (scope harvest:{accountId})', async () => {
    const connect = (parameters?: Record<string, string>) => w.user.post(`${w.base}/connect/harvest`, { redirectUrl: 'https://app.example.com/connected', ...(parameters ? { parameters } : {}) });
    const missing = await connect();
    expect(missing.status, missing.text).toBe(400);
    expect(missing.body.message).toContain('parameters.accountId');
    const start = await connect({ accountId: '123456' });
    expect(start.status, start.text).toBe(200);
    const authorizationUrl = new URL(start.body.authorizationUrl);
    expect(Object.fromEntries(authorizationUrl.searchParams)).toMatchObject({ client_id: hv.clientId, response_type: 'code', scope: 'harvest:123456' });

    hv.codes.set('code-1', { token: 'hv-connected-token', accounts: ['123456'] });
    const state = encodeURIComponent(authorizationUrl.searchParams.get('state')!);
    const cb = await t.admin.get(`/oauth/callback?code=code-1&state=${state}`);
    expect(cb.status, cb.text).toBe(302);
    const connectedId = new URL(String(cb.headers.location)).searchParams.get('credentialId')!;
    expect(hv.tokenRequests).toEqual([expect.objectContaining({ grant_type: 'authorization_code', code: 'code-1', client_id: hv.clientId, client_secret: hv.clientSecret })]);
    expect(await t.svc.storage.credentials.get(connectedId)).toMatchObject({ secrets: { accessToken: 'hv-connected-token', refreshToken: 'refresh-hv-connected-token', extra: { accountId: '123456' } } });

    const r = await w.subscribe('HARVEST_TRIGGER_PROJECT_CREATED', {}, { 'x-paragon-credential': connectedId });
    expect(r.status, r.text).toBe(200);
    expect(hv.lists('projects').at(-1)).toMatchObject({ auth: 'Bearer hv-connected-token', accountId: '123456' });
  });
});
