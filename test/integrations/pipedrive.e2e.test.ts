// Pipedrive end to end through the public API, on SQLite and PostgreSQL: subscribe → a v2 webhook is created at
// the fake Pipedrive on the credential's api_domain (our per-subscription URL, the trigger's action and object,
// HTTP Basic credentials with a fresh password) → Pipedrive posts a deal event with those credentials → exactly
// one signed delivery of the webhook body → Pipedrive's retry (same body, next attempt) adds nothing →
// unsubscribe → the webhook is deleted. Plus wrong or missing credentials (401, nothing stored), an expired token
// refreshed at the OAuth server, refusals at subscribe time, and the hourly check that creates a webhook
// Pipedrive deleted or deactivated again (ADR 0018).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import { pipedriveIntegration } from '../../src/integrations/pipedrive/integration.js';
import dealCreated from '../../src/integrations/pipedrive/fixtures/deal-created.json' with { type: 'json' };
import dealUpdated from '../../src/integrations/pipedrive/fixtures/deal-updated.json' with { type: 'json' };
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld, subscriptionOf } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakePipedrive, type FakePipedrive, type PipedriveHook } from '../providers/pipedrive.js';

describe.each(DIALECTS)('Pipedrive end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let pd: FakePipedrive;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const events = () => w.events();
  const subscribe = (type: string, parameters: Record<string, unknown> = {}, headers?: Record<string, string>) => w.subscribe(type, parameters, headers);
  const subscribed = async (type: string, parameters: Record<string, unknown> = {}) => subscriptionOf(await subscribe(type, parameters));
  const hookFor = (subscriptionId: string): PipedriveHook | undefined => [...pd.hooks.values()].find((h) => h.subscription_url === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    pd = await startFakePipedrive();
    pd.validTokens.add('valid-token');
    w = await startIntegrationWorld({
      dialect,
      integration: pipedriveIntegration,
      // apiBaseUrl is deliberately not the fake: calls must follow the credential's api_domain.
      config: { clientId: pd.clientId, clientSecret: pd.clientSecret, apiBaseUrl: 'http://127.0.0.1:9', tokenUrl: pd.tokenUrl },
      credential: { accessToken: 'valid-token', providerAccountId: `${pd.companyId}:${pd.userId}`, extra: { api_domain: pd.url } },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
    expect(w.config.webhookUrl).toBeNull(); // per-subscription webhooks: nothing to paste
  });
  afterEach(async () => {
    await w.close();
    await pd.close();
  });

  it('deal created: webhook created, one signed delivery of the body, retry deduplicated, webhook deleted', async () => {
    const sub = await subscribed('PIPEDRIVE_TRIGGER_DEAL_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ event_action: 'create', event_object: 'deal', version: '2.0', http_auth_user: 'opentriggers', is_active: 1 });
    expect(hook.http_auth_password).toMatch(/^[0-9a-f]{64}$/);
    expect(pd.requests.find((r) => r.method === 'POST')!.auth).toBe('Bearer valid-token');

    expect((await pd.deliver(hook.id, dealCreated)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      userId: 'user-1', integration: 'pipedrive', triggerType: 'PIPEDRIVE_TRIGGER_DEAL_CREATED', triggerSubscriptionId: sub.id,
      credentialId, projectId: project.id, payload: { ...dealCreated, meta: { ...dealCreated.meta, webhook_id: String(hook.id), attempt: 1 } },
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // Pipedrive retries (our answer was lost): same event, next attempt — acknowledged, nothing new.
    expect((await pd.deliver(hook.id, dealCreated, { attempt: 2 })).status).toBe(200);
    // An update reaching this URL is acknowledged and ignored.
    expect((await pd.deliver(hook.id, dealUpdated)).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(pd.hooks.size).toBe(0);
    expect(pd.deletedHooks.map((x) => x.id)).toEqual([hook.id]);
    expect(pd.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/api/v1/webhooks/${hook.id}` });
  });

  it('deal updated: each change once, its retry not again; the pipeline filter drops other pipelines', async () => {
    const all = await subscribed('PIPEDRIVE_TRIGGER_DEAL_UPDATED');
    const other = await subscribed('PIPEDRIVE_TRIGGER_DEAL_UPDATED', { pipelineId: '7' });
    const second = { ...dealUpdated, meta: { ...dealUpdated.meta, id: 'b1' }, data: { ...dealUpdated.data, value: 15000, update_time: '2026-11-30T11:00:00Z' }, previous: { value: 12000 } };
    for (const sub of [all, other]) {
      const id = hookFor(sub.id)!.id;
      expect((await pd.deliver(id, dealUpdated)).status).toBe(200);
      expect((await pd.deliver(id, dealUpdated, { attempt: 4 })).status).toBe(200);
      expect((await pd.deliver(id, second)).status).toBe(200);
    }
    await worker.drain();
    await receiver.waitFor(2);
    const got = receiver.requests.map((r) => r.json as { triggerSubscriptionId: string; payload: any });
    expect(got.map((g) => [g.triggerSubscriptionId, g.payload.data.update_time])).toEqual([
      [all.id, '2026-11-30T10:02:45Z'],
      [all.id, '2026-11-30T11:00:00Z'],
    ]);
    const bad = await subscribe('PIPEDRIVE_TRIGGER_DEAL_UPDATED', { pipelineId: 'sales' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('pipelineId');
  });

  it('refuses deliveries with a wrong, foreign or missing Basic credential with 401 and stores nothing', async () => {
    const sub = await subscribed('PIPEDRIVE_TRIGGER_PERSON_CREATED');
    const hook = hookFor(sub.id)!;
    const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
    expect((await pd.deliver(hook.id, dealCreated, { auth: basic('opentriggers:not-the-password') })).status).toBe(401);
    expect((await pd.deliver(hook.id, dealCreated, { auth: basic(`intruder:${hook.http_auth_password}`) })).status).toBe(401);
    expect((await pd.deliver(hook.id, dealCreated, { auth: null })).status).toBe(401);
    // Another subscription's (valid) credential does not open this one.
    const otherSub = await subscribed('PIPEDRIVE_TRIGGER_PERSON_CREATED');
    const otherHook = hookFor(otherSub.id)!;
    expect((await pd.deliver(hook.id, dealCreated, { auth: basic(`opentriggers:${otherHook.http_auth_password}`) })).status).toBe(401);
    await worker.drain();
    expect(await events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('refreshes an expired token with Basic client auth and creates the webhook with the new one', async () => {
    pd.refreshTokens.add('refresh-1');
    const stale = await user.post(`${base}/credentials`, { integration: 'pipedrive', accessToken: 'expired-token', refreshToken: 'refresh-1', providerAccountId: `${pd.companyId}:${pd.userId}`, extra: { api_domain: pd.url } });
    expect(stale.status, stale.text).toBe(201);
    const r = await subscribe('PIPEDRIVE_TRIGGER_ACTIVITY_CREATED', {}, { 'x-paragon-credential': stale.body.id });
    expect(r.status, r.text).toBe(200);
    const refresh = pd.requests.find((q) => q.path === '/oauth/token')!;
    expect(refresh.body).toEqual({ grant_type: 'refresh_token', refresh_token: 'refresh-1' });
    expect(refresh.auth).toBe(`Basic ${Buffer.from(`${pd.clientId}:${pd.clientSecret}`).toString('base64')}`);
    const stored = (await t.svc.storage.credentials.get(stale.body.id))!;
    expect(hookFor(r.body.id)).toMatchObject({ event_object: 'activity' });
    expect(pd.requests.filter((q) => q.path === '/api/v1/webhooks').map((q) => q.auth)).toEqual(['Bearer expired-token', `Bearer ${stored.secrets.accessToken}`]);
  });

  it('reports refusals at subscribe time and stores nothing: missing scope, limit, rate limit, 5xx, no api_domain', async () => {
    pd.failNext(1, 403, { success: false, error: 'Scope and URL mismatch' });
    const r403 = await subscribe('PIPEDRIVE_TRIGGER_LEAD_CREATED');
    expect(r403.status).toBe(422);
    expect(r403.body.message).toContain('Scope and URL mismatch');
    pd.failNext(1, 429, { success: false, error: 'Too many requests' }, { 'retry-after': '3' });
    expect((await subscribe('PIPEDRIVE_TRIGGER_LEAD_CREATED')).status).toBe(429);
    pd.failNext(1, 502);
    expect((await subscribe('PIPEDRIVE_TRIGGER_LEAD_CREATED')).status).toBe(502);
    const noDomain = await user.post(`${base}/credentials`, { integration: 'pipedrive', accessToken: 'valid-token', providerAccountId: `${pd.companyId}:${pd.userId}` });
    const r = await subscribe('PIPEDRIVE_TRIGGER_LEAD_CREATED', {}, { 'x-paragon-credential': noDomain.body.id });
    expect(r.status).toBe(422);
    expect(r.body.message).toContain('api_domain');
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(pd.hooks.size).toBe(0);
  });

  it('checks the webhook every hour: one Pipedrive deleted or deactivated is created again and delivers', async () => {
    const sub = await subscribed('PIPEDRIVE_TRIGGER_DEAL_CREATED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });

    const first = hookFor(sub.id)!;
    const before = pd.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(pd.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/v1/webhooks']);

    // No successful delivery for 3 days: Pipedrive deleted it. A new one, with a new password.
    pd.hooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect(second.id).not.toBe(first.id);
    expect(second.http_auth_password).not.toBe(first.http_auth_password);
    const old = `Basic ${Buffer.from(`opentriggers:${first.http_auth_password}`).toString('base64')}`;
    expect((await pd.deliver(second.id, dealCreated, { auth: old })).status).toBe(401);
    expect((await pd.deliver(second.id, dealCreated)).status).toBe(200);
    await worker.drain();
    expect((await receiver.waitFor(1)).map((r) => (r.json as { triggerSubscriptionId: string }).triggerSubscriptionId)).toEqual([sub.id]);

    // Shown inactive: the inactive one is deleted first, then a new one created.
    second.is_active = 0;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const third = hookFor(sub.id)!;
    expect([third.id === second.id, third.is_active]).toEqual([false, 1]);
    expect(pd.deletedHooks.map((h) => h.id)).toEqual([second.id]);
    expect(pd.hooks.size).toBe(1);
    const another = { ...dealCreated, meta: { ...dealCreated.meta, entity_id: '1025' }, data: { ...dealCreated.data, id: 1025 } };
    expect((await pd.deliver(third.id, another)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(2);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });

  it('unsubscribes when Pipedrive already removed the webhook (404)', async () => {
    const gone = await subscribed('PIPEDRIVE_TRIGGER_ORGANIZATION_CREATED');
    pd.hooks.delete(hookFor(gone.id)!.id);
    expect((await user.delete(`${base}/trigger-subscriptions/${gone.id}`)).body).toEqual({ success: true });
    expect(pd.requests.at(-1)).toMatchObject({ method: 'DELETE' });
  });
});
