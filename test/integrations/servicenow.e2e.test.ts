// ServiceNow end to end through the public API, on SQLite and PostgreSQL, against the fake instance named by the
// credential's instanceUrl: subscribe (the baseline Table API call observed at the fake, nothing delivered) → a
// new incident / an updated problem → the real Poller → exactly one signed delivery per record or version →
// re-polls reading the overlap deliver nothing more → unsubscribe. Plus: records sharing one second across pages,
// a bad table refused with 400, 429 backing the credential off, 401 marking the credential INVALID.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Poller } from '../../src/engine/poller.js';
import { PAGE_SIZE } from '../../src/integrations/servicenow/api.js';
import { serviceNowIntegration } from '../../src/integrations/servicenow/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { serviceNowErrorBodies, snTime, startFakeServiceNow, type FakeServiceNow } from '../providers/servicenow.js';

const SEC = 1000;
const MIN = 60_000;

describe.each(DIALECTS)('ServiceNow end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let sn: FakeServiceNow;
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
    sn = await startFakeServiceNow();
    sn.validTokens.add('valid-token');
    sn.add('incident', { created: clock.now() - 60 * MIN, fields: { number: 'INC0000001' } });
    sn.add('incident', { created: clock.now() - 2 * MIN, fields: { number: 'INC0000002' } });
    w = await startIntegrationWorld({
      dialect,
      integration: serviceNowIntegration,
      now: clock.now,
      poller: true,
      // apiBaseUrl is deliberately not the fake: calls must follow the credential's instanceUrl.
      config: { clientId: 'sn-client', clientSecret: 'sn-secret', apiBaseUrl: 'http://127.0.0.1:9' },
      credential: { accessToken: 'valid-token', providerAccountId: 'acme', extra: { instanceUrl: sn.url } },
    });
    ({ t, receiver, project, base, user, worker } = w);
    poller = w.poller!;
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await sn.close();
  });

  it('record created: baseline at subscribe, one signed delivery, no duplicate, nothing after unsubscribe', async () => {
    const sub = await subscribed('SERVICENOW_TRIGGER_RECORD_CREATED', { table: 'incident' });
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    expect(sn.listCalls().map((c) => [c.path, c.auth])).toEqual([['/api/now/table/incident', 'Bearer valid-token']]);
    await tick();
    expect(receiver.requests).toHaveLength(0);

    const rec = sn.add('incident', { created: clock.now(), fields: { number: 'INC0010001', short_description: 'Email down' } });
    await tick();
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({
      integration: 'servicenow', triggerType: 'SERVICENOW_TRIGGER_RECORD_CREATED', triggerSubscriptionId: sub.id, credentialId, projectId: project.id,
      payload: { sys_id: rec.sys_id, number: 'INC0010001', short_description: 'Email down', sys_created_on: snTime(rec.created), sys_mod_count: '0' },
    });
    expectSignedDelivery(delivery!, project.signingSecret);
    sn.touch('incident', rec.sys_id, clock.now() + SEC, { state: '2' });
    await tick();
    await tick();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    const calls = sn.requests.length;
    sn.add('incident', { created: clock.now() });
    await tick();
    expect(sn.requests.length).toBe(calls);
    expect(receiver.requests).toHaveLength(1);
  });

  it('record updated: one delivery per sys_mod_count, none for a creation, none for a version read twice', async () => {
    const p = sn.add('problem', { created: clock.now() - 30 * MIN, fields: { number: 'PRB0000001' } });
    const sub = await subscribed('SERVICENOW_TRIGGER_RECORD_UPDATED', { table: 'problem' });
    sn.add('problem', { created: clock.now() });
    sn.touch('problem', p.sys_id, clock.now() + SEC, { state: '102' });
    await tick();
    await tick();
    sn.touch('problem', p.sys_id, clock.now() + SEC, { state: '103' });
    await tick();
    await tick();
    expect(deliveries().map((d) => [d.triggerSubscriptionId, d.payload.sys_id, d.payload.sys_mod_count])).toEqual([
      [sub.id, p.sys_id, '1'],
      [sub.id, p.sys_id, '2'],
    ]);
  });

  it('delivers every record of a crowded second spread over several pages, once each', async () => {
    await subscribed('SERVICENOW_TRIGGER_RECORD_CREATED', { table: 'sc_req_item' });
    const at = clock.now() + SEC;
    const recs = Array.from({ length: PAGE_SIZE + 5 }, () => sn.add('sc_req_item', { created: at }));
    await tick();
    await tick();
    await tick();
    const got = deliveries().map((d) => d.payload.sys_id as string);
    expect(got).toHaveLength(recs.length);
    expect(new Set(got)).toEqual(new Set(recs.map((r) => r.sys_id)));
  });

  it('refuses a bad table with 400 naming the parameter, and asks ServiceNow nothing', async () => {
    const r = await w.subscribe('SERVICENOW_TRIGGER_RECORD_CREATED', { table: 'sys_user' });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'INVALID_PARAMETER' });
    expect(r.body.message).toContain('parameters.table');
    expect(sn.listCalls()).toHaveLength(0);
  });

  it('backs the credential off on 429 (Retry-After) without losing the record', async () => {
    await subscribed('SERVICENOW_TRIGGER_RECORD_CREATED', { table: 'incident' });
    const rec = sn.add('incident', { created: clock.now() });
    sn.failNext(1, 429, serviceNowErrorBodies.rateLimited, { 'retry-after': '30' });
    await tick();
    expect((await t.svc.storage.credentials.get(credentialId))!.rateLimitedUntil).toBe(clock.now() + 30_000);
    const calls = sn.requests.length;
    await tick(10 * SEC);
    expect(sn.requests.length).toBe(calls);
    await tick(25 * SEC);
    expect(deliveries().map((d) => d.payload.sys_id)).toEqual([rec.sys_id]);
  });

  it('a 401 with no way to refresh marks the credential INVALID and delivers nothing', async () => {
    const sub = await subscribed('SERVICENOW_TRIGGER_RECORD_CREATED', { table: 'incident' });
    sn.validTokens.clear();
    sn.add('incident', { created: clock.now() });
    await tick();
    await tick(10 * SEC);
    expect((await t.svc.storage.credentials.get(credentialId))!.status).toBe('INVALID');
    const logs = JSON.stringify((await t.admin.get(`/admin/v1/projects/${project.id}/subscriptions/${sub.id}/logs`)).body);
    expect(logs).not.toContain('valid-token');
    expect(receiver.requests).toHaveLength(0);
  });
});
