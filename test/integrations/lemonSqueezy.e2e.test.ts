// Lemon Squeezy end to end through the public API, on SQLite and PostgreSQL: subscribe → a webhook at the fake Lemon
// Squeezy (our per-subscription URL, the trigger's one event, the store relationship, a 40-character secret; the API
// key as Bearer with JSON:API media types) → a signed delivery → one event at the receiver → a repeat adds nothing →
// unsubscribe deletes the webhook. Plus bad signatures (401, nothing stored), refusals at subscribe time (errors
// mapped, nothing left behind), and the hourly check re-creating a deleted webhook.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import { licenseKeyCreated, orderCreated, subscriptionCancelled, subscriptionCreated } from '../../src/integrations/lemonSqueezy/fixtures/events.js';
import { lemonSqueezyIntegration } from '../../src/integrations/lemonSqueezy/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeLemonSqueezy, type FakeLemonSqueezy, type LemonSqueezyHook } from '../providers/lemonSqueezy.js';

describe.each(DIALECTS)('Lemon Squeezy end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let ls: FakeLemonSqueezy;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribed = async (type: string, parameters: Record<string, unknown> = { storeId: '12345' }) => subscriptionOf(await w.subscribe(type, parameters));
  const hookFor = (subscriptionId: string): LemonSqueezyHook | undefined => [...ls.hooks.values()].find((h) => h.url === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    ls = await startFakeLemonSqueezy();
    w = await startIntegrationWorld({
      dialect,
      integration: lemonSqueezyIntegration,
      config: { apiBaseUrl: ls.apiBaseUrl },
      credential: { apiKey: ls.apiKey, providerAccountId: String(ls.userId) },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await ls.close();
  });

  it('order created: webhook created for the store, one signed delivery, repeat deduplicated, deleted on unsubscribe', async () => {
    const sub = await subscribed('LEMON_SQUEEZY_TRIGGER_ORDER_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ storeId: 12345, events: ['order_created'] });
    expect(hook.secret).toMatch(/^[0-9a-f]{40}$/);
    const post = ls.requests.find((r) => r.method === 'POST')!;
    expect(post).toMatchObject({ path: '/v1/webhooks', auth: `Bearer ${ls.apiKey}`, accept: 'application/vnd.api+json', contentType: 'application/vnd.api+json' });
    expect(post.body).toEqual({
      data: { type: 'webhooks', attributes: { url: `${t.url}/hooks/s/${sub.id}`, events: ['order_created'], secret: hook.secret }, relationships: { store: { data: { type: 'stores', id: '12345' } } } },
    });

    expect((await ls.deliver(hook.id, orderCreated)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      integration: 'lemonSqueezy', triggerType: 'LEMON_SQUEEZY_TRIGGER_ORDER_CREATED', triggerSubscriptionId: sub.id, credentialId, projectId: project.id,
      payload: orderCreated,
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // Lemon Squeezy retries the same event: acknowledged, nothing new. Another event reaching this URL is ignored.
    expect((await ls.deliver(hook.id, orderCreated)).status).toBe(200);
    expect((await ls.deliver(hook.id, subscriptionCreated)).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(ls.hooks.size).toBe(0);
    expect(ls.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
    expect(ls.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/v1/webhooks/${hook.id}` });
  });

  it('subscription cancelled twice (after a resume) gives two events; license key created delivers its own', async () => {
    const cancelled = hookFor((await subscribed('LEMON_SQUEEZY_TRIGGER_SUBSCRIPTION_CANCELLED')).id)!;
    const license = hookFor((await subscribed('LEMON_SQUEEZY_TRIGGER_LICENSE_KEY_CREATED', { storeId: '#12345' })).id)!;
    expect([cancelled.events, license.events]).toEqual([['subscription_cancelled'], ['license_key_created']]);
    const again = { ...subscriptionCancelled, data: { ...subscriptionCancelled.data, attributes: { ...subscriptionCancelled.data.attributes, updated_at: '2023-03-01T10:00:00.000000Z' } } };
    expect((await ls.deliver(cancelled.id, subscriptionCancelled)).status).toBe(200);
    expect((await ls.deliver(cancelled.id, subscriptionCancelled)).status).toBe(200);
    expect((await ls.deliver(cancelled.id, again)).status).toBe(200);
    expect((await ls.deliver(license.id, licenseKeyCreated)).status).toBe(200);
    await worker.drain();
    const sent = await receiver.waitFor(3);
    expect(sent.map((s) => (s.json as { triggerType: string }).triggerType).sort()).toEqual([
      'LEMON_SQUEEZY_TRIGGER_LICENSE_KEY_CREATED', 'LEMON_SQUEEZY_TRIGGER_SUBSCRIPTION_CANCELLED', 'LEMON_SQUEEZY_TRIGGER_SUBSCRIPTION_CANCELLED',
    ]);
    expect(await w.events()).toHaveLength(3);
  });

  it('refuses a bad signature, another webhook\'s secret, the full 64-character secret and a missing header with 401, storing nothing', async () => {
    const sub = await subscribed('LEMON_SQUEEZY_TRIGGER_ORDER_CREATED');
    const hook = hookFor(sub.id)!;
    const other = hookFor((await subscribed('LEMON_SQUEEZY_TRIGGER_ORDER_CREATED')).id)!;
    expect((await ls.deliver(hook.id, orderCreated, { secret: 'not-the-secret' })).status).toBe(401);
    expect((await ls.deliver(hook.id, orderCreated, { secret: other.secret })).status).toBe(401);
    expect((await ls.deliver(hook.id, orderCreated, { secret: `${hook.secret}ffffffffffffffffffffffff` })).status).toBe(401);
    expect((await ls.deliver(hook.id, orderCreated, { headers: { 'x-signature': '' } })).status).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('refuses a missing or bad storeId naming the field, and maps errors at subscribe time storing nothing', async () => {
    for (const parameters of [{}, { storeId: '../me' }]) {
      const bad = await w.subscribe('LEMON_SQUEEZY_TRIGGER_ORDER_CREATED', parameters);
      expect(bad.status).toBeGreaterThanOrEqual(400);
      expect(bad.status).toBeLessThan(500);
      expect(bad.text).toContain('storeId');
    }
    const unknown = await w.subscribe('LEMON_SQUEEZY_TRIGGER_ORDER_CREATED', { storeId: '999' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toContain('Store 999 not found.');
    ls.failNext(1, 422, { errors: [{ detail: 'The url must be a valid URL.', status: '422', title: 'Unprocessable Entity' }] });
    const r422 = await w.subscribe('LEMON_SQUEEZY_TRIGGER_ORDER_CREATED', { storeId: '12345' });
    expect(r422.status).toBe(422);
    expect(r422.body.message).toContain('The url must be a valid URL.');
    ls.failNext(1, 429, { errors: [{ detail: 'Too Many Attempts.', status: '429', title: 'Too Many Requests' }] }, { 'retry-after': '3' });
    expect((await w.subscribe('LEMON_SQUEEZY_TRIGGER_ORDER_CREATED', { storeId: '12345' })).status).toBe(429);
    ls.failNext(1, 503);
    expect((await w.subscribe('LEMON_SQUEEZY_TRIGGER_ORDER_CREATED', { storeId: '12345' })).status).toBe(502);
    ls.failNext(1, 401, { errors: [{ detail: 'Unauthenticated.', status: '401', title: 'Unauthorized' }] });
    const r401 = await w.subscribe('LEMON_SQUEEZY_TRIGGER_ORDER_CREATED', { storeId: '12345' });
    expect(r401.status).toBeGreaterThanOrEqual(400);
    expect(r401.text).not.toContain(ls.apiKey);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(ls.hooks.size).toBe(0);
  });

  it('checks the webhook every hour: one deleted in Lemon Squeezy is created again and delivers with its new secret', async () => {
    const sub = await subscribed('LEMON_SQUEEZY_TRIGGER_SUBSCRIPTION_CREATED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });

    const first = hookFor(sub.id)!;
    const before = ls.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(ls.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v1/webhooks/${first.id}`]);

    ls.hooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect([second.id === first.id, second.secret === first.secret, second.storeId]).toEqual([false, false, 12345]);

    expect((await ls.deliver(second.id, subscriptionCreated, { secret: first.secret })).status).toBe(401);
    expect((await ls.deliver(second.id, subscriptionCreated)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });
});
