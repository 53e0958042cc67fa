// Ashby end to end through the public API, on SQLite and PostgreSQL: subscribe → `webhook.create` at the fake Ashby
// (the trigger's webhookType, our per-subscription URL, the secret we chose; the API key as Basic user name) → Ashby's
// ping reaches our URL while the create call is still running and is answered, so the webhook is enabled → a signed
// delivery → one event at the receiver → a repeat adds nothing → unsubscribe deletes the webhook. Plus bad
// signatures (401, nothing stored), Ashby's errors (HTTP 200 `success: false`, 401, 429, 5xx) at subscribe time, and
// the hourly check re-creating a deleted or disabled webhook.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import { applicationSubmit, candidateHire, candidateStageChange, interviewScheduleCreate, offerCreate } from '../../src/integrations/ashby/fixtures/events.js';
import { ashbyIntegration } from '../../src/integrations/ashby/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeAshby, type AshbyHook, type FakeAshby } from '../providers/ashby.js';

describe.each(DIALECTS)('Ashby end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let ashby: FakeAshby;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribed = async (type: string) => subscriptionOf(await w.subscribe(type, {}));
  const hookFor = (subscriptionId: string): AshbyHook | undefined => [...ashby.hooks.values()].find((h) => h.requestUrl === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    ashby = await startFakeAshby();
    w = await startIntegrationWorld({
      dialect,
      integration: ashbyIntegration,
      config: { apiBaseUrl: ashby.apiBaseUrl },
      credential: { apiKey: ashby.apiKey, providerAccountId: 'ashby-org' },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await ashby.close();
  });

  it('application submitted: webhook created with our secret, ping answered, one signed delivery, repeat deduplicated, deleted on unsubscribe', async () => {
    const sub = await subscribed('ASHBY_TRIGGER_APPLICATION_SUBMITTED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ webhookType: 'applicationSubmit', enabled: true });
    expect(hook.secretToken).toMatch(/.{16,}/);
    expect(ashby.pings).toEqual([{ hookId: hook.id, status: 200 }]);
    const create = ashby.requests.find((r) => r.path === '/webhook.create')!;
    expect(create).toMatchObject({ method: 'POST', auth: `Basic ${Buffer.from(`${ashby.apiKey}:`).toString('base64')}` });
    expect(create.body).toEqual({ webhookType: 'applicationSubmit', requestUrl: `${t.url}/hooks/s/${sub.id}`, secretToken: hook.secretToken });

    expect((await ashby.deliver(hook.id, applicationSubmit)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      integration: 'ashby', triggerType: 'ASHBY_TRIGGER_APPLICATION_SUBMITTED', triggerSubscriptionId: sub.id, credentialId, projectId: project.id,
      payload: applicationSubmit,
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // Ashby retries the same body: acknowledged, nothing new. Another action reaching this URL is ignored; a later ping is answered.
    expect((await ashby.deliver(hook.id, applicationSubmit)).status).toBe(200);
    expect((await ashby.deliver(hook.id, candidateHire)).status).toBe(200);
    expect(await ashby.deliver(hook.id, { action: 'ping', data: {} })).toEqual({ status: 200, text: 'ping' });
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(ashby.hooks.size).toBe(0);
    expect(ashby.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
    expect(ashby.requests.at(-1)).toMatchObject({ path: '/webhook.delete', body: { webhookId: hook.id } });
  });

  it('hire, stage change, interview schedule and offer each deliver their own event; a second stage change is a new event', async () => {
    const types = ['ASHBY_TRIGGER_CANDIDATE_HIRED', 'ASHBY_TRIGGER_CANDIDATE_STAGE_CHANGED', 'ASHBY_TRIGGER_INTERVIEW_SCHEDULE_CREATED', 'ASHBY_TRIGGER_OFFER_CREATED'];
    const hooks = [];
    for (const type of types) hooks.push(hookFor((await subscribed(type)).id)!);
    expect(hooks.map((h) => h.webhookType)).toEqual(['candidateHire', 'candidateStageChange', 'interviewScheduleCreate', 'offerCreate']);
    const bodies = [candidateHire, candidateStageChange, interviewScheduleCreate, offerCreate];
    for (const [i, hook] of hooks.entries()) expect((await ashby.deliver(hook.id, bodies[i])).status).toBe(200);
    const next = { action: 'candidateStageChange', data: { application: { ...candidateStageChange.data.application, updatedAt: '2024-06-13T11:00:00.000Z', currentInterviewStage: { ...candidateStageChange.data.application.currentInterviewStage, id: 'another-stage' } } } };
    expect((await ashby.deliver(hooks[1]!.id, next)).status).toBe(200);
    expect((await ashby.deliver(hooks[1]!.id, candidateStageChange)).status).toBe(200);
    await worker.drain();
    const sent = await receiver.waitFor(5);
    expect(sent.map((s) => (s.json as { triggerType: string }).triggerType).sort()).toEqual([...types, 'ASHBY_TRIGGER_CANDIDATE_STAGE_CHANGED'].sort());
    expect(await w.events()).toHaveLength(5);
  });

  it('refuses a bad signature, another webhook\'s secret, a bare hex digest and a missing header with 401, storing nothing', async () => {
    const hook = hookFor((await subscribed('ASHBY_TRIGGER_OFFER_CREATED')).id)!;
    const other = hookFor((await subscribed('ASHBY_TRIGGER_OFFER_CREATED')).id)!;
    expect((await ashby.deliver(hook.id, offerCreate, { secret: 'not-the-secret' })).status).toBe(401);
    expect((await ashby.deliver(hook.id, offerCreate, { secret: other.secretToken })).status).toBe(401);
    expect((await ashby.deliver(hook.id, offerCreate, { headers: { 'ashby-signature': ashby.sign(hook.secretToken, JSON.stringify(offerCreate)) } })).status).toBe(401);
    expect((await ashby.deliver(hook.id, offerCreate, { headers: { 'ashby-signature': '' } })).status).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('maps Ashby errors at subscribe time (200 success:false, 401, 429, 5xx), storing nothing', async () => {
    ashby.failNext(1, 200, { success: false, errors: ['invalid_input'], errorInfo: { code: 'invalid_input', message: 'Request payload is malformed' } });
    const invalid = await w.subscribe('ASHBY_TRIGGER_APPLICATION_SUBMITTED', {});
    expect(invalid.status).toBe(422);
    expect(invalid.body.message).toContain('Request payload is malformed');
    ashby.failNext(1, 429, { success: false, errors: ['Rate limit exceeded'], errorInfo: { code: 'rate_limit_exceeded', message: 'Try again in 60 seconds.' } }, { 'retry-after': '3' });
    expect((await w.subscribe('ASHBY_TRIGGER_APPLICATION_SUBMITTED', {})).status).toBe(429);
    ashby.failNext(1, 503);
    expect((await w.subscribe('ASHBY_TRIGGER_APPLICATION_SUBMITTED', {})).status).toBe(502);
    ashby.failNext(1, 401, { success: false, errors: ['invalid_api_key'], errorInfo: { code: 'invalid_api_key', message: 'Invalid API key' } });
    const r401 = await w.subscribe('ASHBY_TRIGGER_APPLICATION_SUBMITTED', {});
    expect(r401.status).toBeGreaterThanOrEqual(400);
    expect(r401.text).not.toContain(ashby.apiKey);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(ashby.hooks.size).toBe(0);
  });

  it('checks the webhook every hour: one deleted or disabled in Ashby is created again and delivers', async () => {
    const sub = await subscribed('ASHBY_TRIGGER_CANDIDATE_HIRED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });

    const first = hookFor(sub.id)!;
    const before = ashby.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(ashby.requests.slice(before).map((r) => `${r.path} ${JSON.stringify(r.body)}`)).toEqual([`/webhook.info {"webhookId":"${first.id}"}`]);

    ashby.hooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect([second.id === first.id, second.secretToken === first.secretToken, second.enabled]).toEqual([false, false, true]);

    second.enabled = false;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const third = hookFor(sub.id)!;
    expect([third.id === second.id, third.enabled]).toEqual([false, true]);
    expect(ashby.deletedHooks.map((h) => h.id)).toEqual([second.id]);

    expect((await ashby.deliver(third.id, candidateHire, { secret: second.secretToken })).status).toBe(401);
    expect((await ashby.deliver(third.id, candidateHire)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });
});
