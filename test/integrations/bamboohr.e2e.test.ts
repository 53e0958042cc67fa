// BambooHR end to end through the public API, on SQLite and PostgreSQL: a credential with the API key and the company
// (`extra.companyDomain`, filling the `{companyDomain}` placeholder of the API path) → subscribe → a permissioned
// event-based webhook at the fake BambooHR (our per-subscription URL, JSON, the trigger's event and monitor fields;
// the key as Basic user name) with its privateKey stored → a signed event → one delivery → BambooHR's retry of the
// same event adds nothing → unsubscribe deletes the webhook. Plus bad signatures (401, nothing stored), a bad
// parameter refused naming the field, errors mapped at subscribe time, and the hourly check re-creating a deleted one.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import { employeeCreated, employeeDeleted, employeeStatusChanged, employeeUpdated } from '../../src/integrations/bamboohr/fixtures/events.js';
import { bamboohrIntegration } from '../../src/integrations/bamboohr/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeBambooHR, type BambooHook, type FakeBambooHR } from '../providers/bamboohr.js';

describe.each(DIALECTS)('BambooHR end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let bh: FakeBambooHR;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribed = async (type: string, params: Record<string, unknown> = {}) => subscriptionOf(await w.subscribe(type, params));
  const hookFor = (subscriptionId: string): BambooHook | undefined => [...bh.hooks.values()].find((h) => h.url === `${t.url}/hooks/s/${subscriptionId}`);
  const apiPath = (p: string) => `/api/gateway.php/${bh.companyDomain}/v1${p}`;

  beforeEach(async () => {
    bh = await startFakeBambooHR();
    w = await startIntegrationWorld({
      dialect,
      integration: bamboohrIntegration,
      config: { apiBaseUrl: bh.apiBaseTemplate },
      // The company given as users often write it: the engine keeps `acme`.
      credential: { apiKey: bh.apiKey, providerAccountId: bh.companyId, extra: { companyDomain: 'acme.bamboohr.com' } },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await bh.close();
  });

  it('employee created: webhook created in the company with its private key stored, one delivery, retry deduplicated, deleted on unsubscribe', async () => {
    const sub = await subscribed('BAMBOOHR_TRIGGER_EMPLOYEE_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ events: ['employee.created'], format: 'json', monitorFields: [] });
    const post = bh.requests.find((r) => r.method === 'POST')!;
    expect(post.path).toBe(apiPath('/webhooks'));
    expect(Buffer.from(post.auth!.slice(6), 'base64').toString()).toBe(`${bh.apiKey}:x`);
    expect(post.body).toEqual({ name: 'OpenTriggers employee.created', url: `${t.url}/hooks/s/${sub.id}`, format: 'json', events: ['employee.created'] });
    expect(JSON.stringify(await t.svc.storage.subscriptions.get(sub.id))).toContain(`"webhookId":"${hook.id}"`);

    expect((await bh.deliver(hook.id, employeeCreated)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      integration: 'bamboohr', triggerType: 'BAMBOOHR_TRIGGER_EMPLOYEE_CREATED', triggerSubscriptionId: sub.id, credentialId, projectId: project.id,
      payload: employeeCreated,
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // BambooHR retries the same event (our answer was lost), signed at a later time: acknowledged, nothing new.
    expect((await bh.deliver(hook.id, employeeCreated, { timestamp: String(Math.floor(Date.now() / 1000) + 300) })).status).toBe(200);
    // Another event type reaching this URL is acknowledged and ignored.
    expect((await bh.deliver(hook.id, employeeDeleted)).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(bh.hooks.size).toBe(0);
    expect(bh.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
    expect(bh.requests.at(-1)).toMatchObject({ method: 'DELETE', path: apiPath(`/webhooks/${hook.id}`) });
  });

  it('employee updated watches the chosen fields; status changed delivers only updates naming status', async () => {
    const upd = await subscribed('BAMBOOHR_TRIGGER_EMPLOYEE_UPDATED', { monitorFields: 'firstName, jobTitle' });
    expect(hookFor(upd.id)).toMatchObject({ events: ['employee.updated'], monitorFields: ['firstName', 'jobTitle'] });
    const st = await subscribed('BAMBOOHR_TRIGGER_EMPLOYEE_STATUS_CHANGED');
    const stHook = hookFor(st.id)!;
    expect(stHook).toMatchObject({ events: ['employee.updated'], monitorFields: ['status'] });

    expect((await bh.deliver(hookFor(upd.id)!.id, employeeUpdated)).status).toBe(200);
    expect((await bh.deliver(stHook.id, employeeUpdated)).status).toBe(200);
    expect((await bh.deliver(stHook.id, employeeStatusChanged)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(2);
    const got = receiver.requests.map((r) => (r.json as { triggerType: string; payload: unknown }));
    expect(got.map((g) => g.triggerType).sort()).toEqual(['BAMBOOHR_TRIGGER_EMPLOYEE_STATUS_CHANGED', 'BAMBOOHR_TRIGGER_EMPLOYEE_UPDATED']);
    expect(got.find((g) => g.triggerType === 'BAMBOOHR_TRIGGER_EMPLOYEE_STATUS_CHANGED')!.payload).toEqual(employeeStatusChanged);
  });

  it('refuses a bad signature, another webhook\'s key, a tampered timestamp and missing headers with 401, storing nothing', async () => {
    const sub = await subscribed('BAMBOOHR_TRIGGER_EMPLOYEE_DELETED');
    const hook = hookFor(sub.id)!;
    const other = hookFor((await subscribed('BAMBOOHR_TRIGGER_EMPLOYEE_DELETED')).id)!;
    const body = JSON.stringify(employeeDeleted);
    expect((await bh.deliver(hook.id, employeeDeleted, { key: 'ab'.repeat(32) })).status).toBe(401);
    expect((await bh.deliver(hook.id, employeeDeleted, { key: other.privateKey })).status).toBe(401);
    expect((await bh.deliver(hook.id, employeeDeleted, { headers: { 'x-bamboohr-timestamp': '1700000001', 'x-bamboohr-signature': bh.sign(hook.privateKey, body, '1700000000')['x-bamboohr-signature'] } })).status).toBe(401);
    expect((await bh.deliver(hook.id, employeeDeleted, { headers: { 'x-bamboohr-signature': '' } })).status).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('refuses a missing monitorFields naming the field, and maps BambooHR errors at subscribe time without storing anything', async () => {
    const bad = await w.subscribe('BAMBOOHR_TRIGGER_EMPLOYEE_UPDATED', { monitorFields: ' , ' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('monitorFields');

    bh.failNext(1, 400, 'url must be HTTPS');
    const r400 = await w.subscribe('BAMBOOHR_TRIGGER_EMPLOYEE_CREATED', {});
    expect(r400.status).toBe(422);
    expect(r400.body.message).toContain('url must be HTTPS');
    bh.failNext(1, 429, 'Too many requests', { 'retry-after': '3' });
    expect((await w.subscribe('BAMBOOHR_TRIGGER_EMPLOYEE_CREATED', {})).status).toBe(429);
    bh.failNext(1, 503);
    expect((await w.subscribe('BAMBOOHR_TRIGGER_EMPLOYEE_CREATED', {})).status).toBe(502);
    bh.failNext(1, 401, 'Invalid API key');
    const r401 = await w.subscribe('BAMBOOHR_TRIGGER_EMPLOYEE_CREATED', {});
    expect(r401.status).toBeGreaterThanOrEqual(400);
    expect(r401.text).not.toContain(bh.apiKey);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(bh.hooks.size).toBe(0);
  });

  it('checks the webhook every hour: one deleted in BambooHR is created again with a new key and delivers', async () => {
    const sub = await subscribed('BAMBOOHR_TRIGGER_EMPLOYEE_CREATED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });

    const first = hookFor(sub.id)!;
    const before = bh.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(bh.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${apiPath(`/webhooks/${first.id}`)}`]);

    bh.hooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect(second.id).not.toBe(first.id);
    expect((await bh.deliver(second.id, employeeCreated, { key: first.privateKey })).status).toBe(401);
    expect((await bh.deliver(second.id, employeeCreated)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
  });
});
