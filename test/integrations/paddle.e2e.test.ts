// Paddle end to end through the public API, on SQLite and PostgreSQL: subscribe → a notification destination at the
// fake Paddle (our per-subscription URL, type url, the trigger's one event type; the API key as Bearer) whose
// endpoint_secret_key becomes the secret → a delivery signed as Paddle signs → one event at the receiver → a retry
// of the same event_id adds nothing → unsubscribe deletes the destination. Plus bad and stale signatures (401,
// nothing stored), refusals at subscribe time (errors mapped, nothing left behind), and the hourly check
// re-creating a deleted or deactivated destination.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import { customerCreated, subscriptionCanceled, subscriptionCreated, transactionCompleted } from '../../src/integrations/paddle/fixtures/events.js';
import { paddleIntegration } from '../../src/integrations/paddle/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakePaddle, type FakePaddle, type PaddleSetting } from '../providers/paddle.js';

describe.each(DIALECTS)('Paddle end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let paddle: FakePaddle;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribed = async (type: string) => subscriptionOf(await w.subscribe(type, {}));
  const settingFor = (subscriptionId: string): PaddleSetting | undefined => [...paddle.settings.values()].find((s) => s.destination === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    paddle = await startFakePaddle();
    w = await startIntegrationWorld({
      dialect,
      integration: paddleIntegration,
      config: { apiBaseUrl: paddle.apiBaseUrl },
      credential: { apiKey: paddle.apiKey, providerAccountId: 'seller-12345' },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await paddle.close();
  });

  it('transaction completed: destination created, Paddle\'s secret verifies one delivery, a retry is deduplicated, deleted on unsubscribe', async () => {
    const sub = await subscribed('PADDLE_TRIGGER_TRANSACTION_COMPLETED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const setting = settingFor(sub.id)!;
    expect(setting).toMatchObject({ type: 'url', active: true, subscribedEvents: ['transaction.completed'] });
    const post = paddle.requests.find((r) => r.method === 'POST')!;
    expect(post).toMatchObject({ path: '/notification-settings', auth: `Bearer ${paddle.apiKey}` });
    expect(post.body).toEqual({ description: 'OpenTriggers: transaction.completed', destination: `${t.url}/hooks/s/${sub.id}`, type: 'url', subscribed_events: ['transaction.completed'] });

    expect((await paddle.deliver(setting.id, transactionCompleted)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      integration: 'paddle', triggerType: 'PADDLE_TRIGGER_TRANSACTION_COMPLETED', triggerSubscriptionId: sub.id, credentialId, projectId: project.id,
      payload: transactionCompleted,
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // Paddle retries the same event (new notification id, new timestamp): acknowledged, nothing new. Another event type is ignored.
    expect((await paddle.deliver(setting.id, { ...transactionCompleted, notification_id: 'ntf_01hv8x9q0a6v4m2sg7c8x1kq3d' }, { ts: Math.floor(Date.now() / 1000) + 2 })).status).toBe(200);
    expect((await paddle.deliver(setting.id, customerCreated)).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(paddle.settings.size).toBe(0);
    expect(paddle.deletedSettings.map((s) => s.id)).toEqual([setting.id]);
    expect(paddle.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/notification-settings/${setting.id}`, auth: `Bearer ${paddle.apiKey}` });
  });

  it('subscription created, subscription canceled and customer created deliver their own events', async () => {
    const created = settingFor((await subscribed('PADDLE_TRIGGER_SUBSCRIPTION_CREATED')).id)!;
    const canceled = settingFor((await subscribed('PADDLE_TRIGGER_SUBSCRIPTION_CANCELED')).id)!;
    const customer = settingFor((await subscribed('PADDLE_TRIGGER_CUSTOMER_CREATED')).id)!;
    expect([created.subscribedEvents, canceled.subscribedEvents, customer.subscribedEvents]).toEqual([['subscription.created'], ['subscription.canceled'], ['customer.created']]);
    expect((await paddle.deliver(created.id, subscriptionCreated)).status).toBe(200);
    expect((await paddle.deliver(canceled.id, subscriptionCanceled)).status).toBe(200);
    expect((await paddle.deliver(customer.id, customerCreated)).status).toBe(200);
    await worker.drain();
    const sent = await receiver.waitFor(3);
    expect(sent.map((s) => (s.json as { triggerType: string }).triggerType).sort()).toEqual([
      'PADDLE_TRIGGER_CUSTOMER_CREATED', 'PADDLE_TRIGGER_SUBSCRIPTION_CANCELED', 'PADDLE_TRIGGER_SUBSCRIPTION_CREATED',
    ]);
    const canceledPayload = sent.map((s) => (s.json as { payload: any }).payload).find((p) => p.event_type === 'subscription.canceled');
    expect(canceledPayload.data).toMatchObject({ status: 'canceled', canceled_at: '2024-05-12T10:18:47.635628Z' });
  });

  it('refuses a bad signature, another destination\'s secret, a stale timestamp and a missing header with 401, storing nothing', async () => {
    const setting = settingFor((await subscribed('PADDLE_TRIGGER_SUBSCRIPTION_CREATED')).id)!;
    const other = settingFor((await subscribed('PADDLE_TRIGGER_SUBSCRIPTION_CREATED')).id)!;
    expect((await paddle.deliver(setting.id, subscriptionCreated, { secret: 'pdl_ntfset_not_the_secret' })).status).toBe(401);
    expect((await paddle.deliver(setting.id, subscriptionCreated, { secret: other.secret })).status).toBe(401);
    expect((await paddle.deliver(setting.id, subscriptionCreated, { ts: Math.floor(Date.now() / 1000) - 3600 })).status).toBe(401);
    expect((await paddle.deliver(setting.id, subscriptionCreated, { headers: { 'paddle-signature': '' } })).status).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('maps Paddle\'s errors at subscribe time and leaves nothing behind', async () => {
    paddle.failNext(1, 400, { error: { type: 'request_error', code: 'notification_maximum_active_settings_reached', detail: 'Maximum number of active notification settings reached.' } });
    const full = await w.subscribe('PADDLE_TRIGGER_CUSTOMER_CREATED', {});
    expect(full.status).toBe(422);
    expect(full.body.message).toContain('Maximum number of active notification settings reached.');
    paddle.failNext(1, 403, { error: { type: 'request_error', code: 'forbidden', detail: "You aren't permitted to perform this request." } });
    const forbidden = await w.subscribe('PADDLE_TRIGGER_CUSTOMER_CREATED', {});
    expect(forbidden.status).toBe(422);
    expect(forbidden.body.message).toContain('(forbidden)');
    paddle.failNext(1, 429, { error: { type: 'api_error', code: 'too_many_requests', detail: 'IP address exceeded the allowed rate limit.' } }, { 'retry-after': '3' });
    expect((await w.subscribe('PADDLE_TRIGGER_CUSTOMER_CREATED', {})).status).toBe(429);
    paddle.failNext(1, 503);
    expect((await w.subscribe('PADDLE_TRIGGER_CUSTOMER_CREATED', {})).status).toBe(502);
    paddle.apiKey = 'pdl_live_apikey_rotated';
    const revoked = await w.subscribe('PADDLE_TRIGGER_CUSTOMER_CREATED', {});
    expect(revoked.status).toBeGreaterThanOrEqual(400);
    expect(revoked.text).toContain('invalid_token');
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(paddle.settings.size).toBe(0);
  });

  it('checks the destination every hour: one deleted or deactivated in Paddle is created again and delivers', async () => {
    const sub = await subscribed('PADDLE_TRIGGER_SUBSCRIPTION_CANCELED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });

    const first = settingFor(sub.id)!;
    const before = paddle.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(paddle.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /notification-settings/${first.id}`]);

    paddle.settings.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = settingFor(sub.id)!;
    expect([second.id === first.id, second.secret === first.secret]).toEqual([false, false]);

    second.active = false;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const third = settingFor(sub.id)!;
    expect([third.id === second.id, third.active]).toEqual([false, true]);
    expect(paddle.deletedSettings.map((s) => s.id)).toEqual([second.id]);

    expect((await paddle.deliver(third.id, subscriptionCanceled, { secret: second.secret })).status).toBe(401);
    expect((await paddle.deliver(third.id, subscriptionCanceled)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });
});
