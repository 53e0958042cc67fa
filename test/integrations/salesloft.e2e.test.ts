// Salesloft end to end through the public API, on SQLite and PostgreSQL: subscribe → a webhook subscription is
// created at the fake Salesloft (our per-subscription URL, the trigger's event type, our callback token) →
// Salesloft delivers a signed event → exactly one signed delivery of the resource → a retry adds nothing →
// unsubscribe → the webhook subscription is deleted. Plus forged requests (401, nothing stored), refusals at
// subscribe time (bad parameter, rate limit, 5xx, missing scope), the cadence filter, and the hourly check that
// re-creates a webhook subscription deleted or disabled in Salesloft (ADR 0018).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import membership from '../../src/integrations/salesloft/fixtures/cadence-membership.json' with { type: 'json' };
import person from '../../src/integrations/salesloft/fixtures/person.json' with { type: 'json' };
import { salesloftIntegration } from '../../src/integrations/salesloft/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld, subscriptionOf } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { salesloftSignature, startFakeSalesloft, type FakeSalesloft, type SalesloftSubscription } from '../providers/salesloft.js';

describe.each(DIALECTS)('Salesloft end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let sl: FakeSalesloft;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribe = (type: string, parameters: Record<string, unknown> = {}) => w.subscribe(type, parameters);
  const subscribed = async (type: string, parameters: Record<string, unknown> = {}) => subscriptionOf(await subscribe(type, parameters));
  const subFor = (subscriptionId: string): SalesloftSubscription | undefined =>
    [...sl.subscriptions.values()].find((s) => s.callback_url === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    sl = await startFakeSalesloft();
    sl.validTokens.add('valid-token');
    w = await startIntegrationWorld({
      dialect,
      integration: salesloftIntegration,
      config: { clientId: sl.clientId, clientSecret: sl.clientSecret, apiBaseUrl: sl.url, tokenUrl: sl.tokenUrl },
      credential: { accessToken: 'valid-token', providerAccountId: '4521' },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await sl.close();
  });

  it('person created: webhook subscription with our callback token, one signed delivery, the retry deduplicated, deleted on unsubscribe', async () => {
    const sub = await subscribed('SALESLOFT_TRIGGER_PERSON_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = subFor(sub.id)!;
    expect(hook).toMatchObject({ event_type: 'person_created', enabled: true });
    expect(hook.callback_token).toMatch(/^[0-9a-f]{32,}$/);
    expect(sl.requests.find((r) => r.method === 'POST')!.auth).toBe('Bearer valid-token');

    expect((await sl.deliver(hook.id, person)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      integration: 'salesloft', triggerType: 'SALESLOFT_TRIGGER_PERSON_CREATED', triggerSubscriptionId: sub.id, credentialId, projectId: project.id, payload: person,
    });
    expectSignedDelivery(sent!, project.signingSecret);
    // The callback token never leaves through our API.
    expect(JSON.stringify((await user.get(`${base}/trigger-subscriptions`)).body)).not.toContain(hook.callback_token);

    // Salesloft retries the same delivery (three more times, 15 s apart): acknowledged, nothing new.
    expect((await sl.deliver(hook.id, person)).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(sl.subscriptions.size).toBe(0);
    expect(sl.deletedSubscriptions.map((s) => s.id)).toEqual([hook.id]);
  });

  it('person updated: each update once; a bad signature is refused with 401 and stores nothing', async () => {
    const sub = await subscribed('SALESLOFT_TRIGGER_PERSON_UPDATED');
    const hook = subFor(sub.id)!;
    const body = JSON.stringify(person);
    const post = (signature: string | undefined, payload = body) => fetch(hook.callback_url, {
      method: 'POST', body: payload,
      headers: { 'content-type': 'application/json', 'x-salesloft-event': 'person_updated', ...(signature ? { 'x-salesloft-signature': signature } : {}) },
    });
    expect((await post(salesloftSignature('not-the-token', body))).status).toBe(401);
    expect((await post(salesloftSignature(hook.callback_token, body), body.replace('Pat', 'Eve'))).status).toBe(401);
    expect((await post(undefined)).status).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);

    const later = { ...person, title: 'VP Sales', updated_at: '2024-01-05T10:00:00.000000-05:00' };
    for (let i = 0; i < 2; i++) {
      expect((await sl.deliver(hook.id, person)).status).toBe(200);
      expect((await sl.deliver(hook.id, later)).status).toBe(200);
    }
    await worker.drain();
    await receiver.waitFor(2);
    expect(await w.events()).toHaveLength(2);
    expect(receiver.requests).toHaveLength(2);
  });

  it('cadence membership created: only the chosen cadence is delivered', async () => {
    const sub = await subscribed('SALESLOFT_TRIGGER_CADENCE_MEMBERSHIP_CREATED', { cadenceId: '7' });
    const hook = subFor(sub.id)!;
    expect(hook.event_type).toBe('cadence_membership_created');
    const inCadence7 = { ...membership, id: 2, cadence: { _href: 'https://api.salesloft.com/v2/cadences/7', id: 7 } };
    expect((await sl.deliver(hook.id, membership)).status).toBe(200);
    expect((await sl.deliver(hook.id, inCadence7)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect((sent!.json as { payload: unknown }).payload).toEqual(inCadence7);
    expect(await w.events()).toHaveLength(1);
  });

  it('reports bad parameters and Salesloft refusals at subscribe time and stores nothing', async () => {
    const bad = await subscribe('SALESLOFT_TRIGGER_CADENCE_MEMBERSHIP_CREATED', { cadenceId: 'my cadence' });
    expect([bad.status, bad.text]).toEqual([400, expect.stringContaining('cadenceId')]);
    sl.failNext(1, 429, { error: 'Too many requests' }, { 'retry-after': '30' });
    expect((await subscribe('SALESLOFT_TRIGGER_CALL_CREATED')).status).toBe(429);
    sl.failNext(1, 502);
    expect((await subscribe('SALESLOFT_TRIGGER_CALL_CREATED')).status).toBe(502);
    sl.failNext(1, 403, { error: 'Forbidden', error_description: 'Insufficient scope for this resource' });
    const denied = await subscribe('SALESLOFT_TRIGGER_CALL_CREATED');
    expect([denied.status, denied.body.message]).toEqual([422, expect.stringContaining('Salesloft 403: Forbidden; Insufficient scope for this resource')]);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(sl.subscriptions.size).toBe(0);
  });

  it('checks the webhook subscription every hour: one deleted or disabled in Salesloft is created again and delivers', async () => {
    const sub = await subscribed('SALESLOFT_TRIGGER_MEETING_BOOKED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });

    const first = subFor(sub.id)!;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });

    sl.subscriptions.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = subFor(sub.id)!;
    expect(second.id).not.toBe(first.id);
    expect(second.callback_token).not.toBe(first.callback_token);
    expect((await sl.deliver(second.id, person, { secret: first.callback_token })).status).toBe(401);

    second.enabled = false;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const third = subFor(sub.id)!;
    expect([third.id === second.id, third.enabled]).toEqual([false, true]);
    expect(sl.deletedSubscriptions.map((s) => s.id)).toEqual([second.id]);
    expect(sl.subscriptions.size).toBe(1);
    expect((await sl.deliver(third.id, { id: 77, created_at: '2024-01-03T10:00:00Z', updated_at: '2024-01-03T10:00:00Z' })).status).toBe(200);
    await worker.drain();
    expect((await receiver.waitFor(1)).map((r) => (r.json as { triggerSubscriptionId: string }).triggerSubscriptionId)).toEqual([sub.id]);
  });
});
