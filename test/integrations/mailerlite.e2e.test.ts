// MailerLite end to end through the public API, on SQLite and PostgreSQL: subscribe → a non-batched webhook at the
// fake MailerLite (our per-subscription URL, the trigger's one event; the token as Bearer) and its secret stored →
// a signed event → one delivery → MailerLite's retry of the same event adds nothing → unsubscribe deletes the
// webhook. Plus the group filter, bad signatures (401, nothing stored), refusals at subscribe time (errors mapped,
// a bad groupId named), and the hourly check re-creating a deleted or disabled webhook.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import { campaignSent, subscriberAddedToGroup, subscriberCreated, subscriberUnsubscribed } from '../../src/integrations/mailerlite/fixtures/events.js';
import { mailerliteIntegration } from '../../src/integrations/mailerlite/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeMailerLite, type FakeMailerLite, type MailerLiteHook } from '../providers/mailerlite.js';

describe.each(DIALECTS)('MailerLite end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let ml: FakeMailerLite;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribed = async (type: string, params: Record<string, unknown> = {}) => subscriptionOf(await w.subscribe(type, params));
  const hookFor = (subscriptionId: string): MailerLiteHook | undefined => [...ml.hooks.values()].find((h) => h.url === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    ml = await startFakeMailerLite();
    w = await startIntegrationWorld({
      dialect,
      integration: mailerliteIntegration,
      config: { apiBaseUrl: ml.apiBaseUrl },
      credential: { apiKey: ml.apiToken, providerAccountId: 'mailerlite-account-1231234' },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await ml.close();
  });

  it('subscriber created: non-batched webhook created with its secret stored, one delivery, retry deduplicated, deleted on unsubscribe', async () => {
    const sub = await subscribed('MAILERLITE_TRIGGER_SUBSCRIBER_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ events: ['subscriber.created'], enabled: true, batchable: false });
    const post = ml.requests.find((r) => r.method === 'POST')!;
    expect(post.auth).toBe(`Bearer ${ml.apiToken}`);
    expect(post.body).toEqual({ name: 'OpenTriggers subscriber.created', events: ['subscriber.created'], url: `${t.url}/hooks/s/${sub.id}`, enabled: true, batchable: false });
    expect(JSON.stringify(await t.svc.storage.subscriptions.get(sub.id))).toContain(hook.id);

    expect((await ml.deliver(hook.id, subscriberCreated)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      integration: 'mailerlite', triggerType: 'MAILERLITE_TRIGGER_SUBSCRIBER_CREATED', triggerSubscriptionId: sub.id, credentialId, projectId: project.id,
      payload: subscriberCreated,
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // MailerLite retries the same event (our answer was lost): acknowledged, nothing new.
    expect((await ml.deliver(hook.id, subscriberCreated)).status).toBe(200);
    // Another event reaching this URL is acknowledged and ignored.
    expect((await ml.deliver(hook.id, subscriberUnsubscribed)).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(ml.hooks.size).toBe(0);
    expect(ml.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
    expect(ml.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/api/webhooks/${hook.id}` });
  });

  it('subscriber unsubscribed and campaign sent deliver their bodies', async () => {
    const unsub = hookFor((await subscribed('MAILERLITE_TRIGGER_SUBSCRIBER_UNSUBSCRIBED')).id)!;
    const camp = hookFor((await subscribed('MAILERLITE_TRIGGER_CAMPAIGN_SENT')).id)!;
    expect([unsub.events, camp.events]).toEqual([['subscriber.unsubscribed'], ['campaign.sent']]);
    expect((await ml.deliver(unsub.id, subscriberUnsubscribed)).status).toBe(200);
    expect((await ml.deliver(camp.id, campaignSent)).status).toBe(200);
    await worker.drain();
    const sent = await receiver.waitFor(2);
    expect(sent.map((s) => (s.json as { triggerType: string }).triggerType).sort()).toEqual(['MAILERLITE_TRIGGER_CAMPAIGN_SENT', 'MAILERLITE_TRIGGER_SUBSCRIBER_UNSUBSCRIBED']);
  });

  it('subscriber added to group: only the chosen group is delivered; a bad group id is refused naming the field', async () => {
    const bad = await w.subscribe('MAILERLITE_TRIGGER_SUBSCRIBER_ADDED_TO_GROUP', { groupId: 'Newsletter' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('groupId');
    expect(ml.hooks.size).toBe(0);

    const sub = await subscribed('MAILERLITE_TRIGGER_SUBSCRIBER_ADDED_TO_GROUP', { groupId: '111222333444555666' });
    const hook = hookFor(sub.id)!;
    expect(hook.events).toEqual(['subscriber.added_to_group']);
    const otherGroup = { ...subscriberAddedToGroup, group: { ...subscriberAddedToGroup.group, id: '999888777' } };
    expect((await ml.deliver(hook.id, otherGroup)).status).toBe(200);
    expect((await ml.deliver(hook.id, subscriberAddedToGroup)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect((sent!.json as { payload: any }).payload.group.id).toBe('111222333444555666');
    expect(receiver.requests).toHaveLength(1);
  });

  it('refuses a bad signature, another webhook\'s secret, a tampered body and a missing header with 401, storing nothing', async () => {
    const hook = hookFor((await subscribed('MAILERLITE_TRIGGER_CAMPAIGN_SENT')).id)!;
    const other = hookFor((await subscribed('MAILERLITE_TRIGGER_CAMPAIGN_SENT')).id)!;
    expect((await ml.deliver(hook.id, campaignSent, { secret: 'not-the-secret' })).status).toBe(401);
    expect((await ml.deliver(hook.id, campaignSent, { secret: other.secret })).status).toBe(401);
    expect((await ml.deliver(hook.id, campaignSent, { headers: { signature: ml.sign(hook.secret, JSON.stringify({ ...campaignSent, name: 'x' })) } })).status).toBe(401);
    expect((await ml.deliver(hook.id, campaignSent, { headers: { signature: '' } })).status).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('maps errors at subscribe time and stores nothing: 422 with MailerLite\'s message, 429, 5xx, 401 without the token', async () => {
    ml.failNext(1, 422, { message: 'The given data was invalid.', errors: { url: ['The url must be a valid URL.'] } });
    const r422 = await w.subscribe('MAILERLITE_TRIGGER_SUBSCRIBER_CREATED', {});
    expect(r422.status).toBe(422);
    expect(r422.body.message).toContain('The url must be a valid URL.');
    ml.failNext(1, 429, { message: 'Too Many Attempts.' }, { 'retry-after': '2' });
    expect((await w.subscribe('MAILERLITE_TRIGGER_SUBSCRIBER_CREATED', {})).status).toBe(429);
    ml.failNext(1, 503);
    expect((await w.subscribe('MAILERLITE_TRIGGER_SUBSCRIBER_CREATED', {})).status).toBe(502);
    ml.failNext(1, 401, { message: 'Unauthenticated.' });
    const r401 = await w.subscribe('MAILERLITE_TRIGGER_SUBSCRIBER_CREATED', {});
    expect(r401.status).toBeGreaterThanOrEqual(400);
    expect(r401.text).not.toContain(ml.apiToken);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(ml.hooks.size).toBe(0);
  });

  it('checks the webhook every hour: one deleted or disabled in MailerLite is created again and delivers', async () => {
    const sub = await subscribed('MAILERLITE_TRIGGER_SUBSCRIBER_CREATED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });

    const first = hookFor(sub.id)!;
    const before = ml.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(ml.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /api/webhooks/${first.id}`]);

    ml.hooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect(second.id).not.toBe(first.id);

    second.enabled = false;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const third = hookFor(sub.id)!;
    expect([third.id === second.id, third.enabled]).toEqual([false, true]);
    expect(ml.deletedHooks.map((h) => h.id)).toEqual([second.id]);

    // The old secret no longer verifies; the new one does.
    expect((await ml.deliver(third.id, subscriberCreated, { secret: second.secret })).status).toBe(401);
    expect((await ml.deliver(third.id, subscriberCreated)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });
});
