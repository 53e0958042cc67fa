// Brevo end to end through the public API, on SQLite and PostgreSQL: a credential with an API key → subscribe → a
// Brevo webhook (our per-subscription URL, the trigger's type and one event, the subscription's secret as a custom
// header) → a call from Brevo delivered once → Brevo sending the same call again adds nothing → unsubscribe deletes
// the webhook. Plus a wrong or missing secret refused (401, nothing stored), the list and tag filters, errors mapped
// at subscribe time, and the hourly check re-creating a deleted or edited webhook.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import contactAdded from '../../src/integrations/brevo/fixtures/contact-added-to-list.json' with { type: 'json' };
import contactUnsubscribed from '../../src/integrations/brevo/fixtures/contact-unsubscribed.json' with { type: 'json' };
import emailDelivered from '../../src/integrations/brevo/fixtures/email-delivered.json' with { type: 'json' };
import emailHardBounced from '../../src/integrations/brevo/fixtures/email-hard-bounced.json' with { type: 'json' };
import emailOpened from '../../src/integrations/brevo/fixtures/email-opened.json' with { type: 'json' };
import { SECRET_HEADER, brevoIntegration } from '../../src/integrations/brevo/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeBrevo, type BrevoHook, type FakeBrevo } from '../providers/brevo.js';

const KEY = 'xkeysib-e2e0123456789abcdef-fake';

describe.each(DIALECTS)('Brevo end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let fake: FakeBrevo;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribed = async (type: string, params: Record<string, unknown> = {}) => subscriptionOf(await w.subscribe(type, params));
  const hookFor = (subscriptionId: string): BrevoHook | undefined => [...fake.hooks.values()].find((h) => h.url === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    fake = await startFakeBrevo();
    fake.validKeys.add(KEY);
    w = await startIntegrationWorld({
      dialect,
      integration: brevoIntegration,
      config: { apiBaseUrl: fake.apiBaseUrl },
      credential: { apiKey: KEY, providerAccountId: 'brevo-account-1' },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await fake.close();
  });

  it('email delivered: webhook created with its secret header, one delivery, the repeat deduplicated, webhook deleted', async () => {
    const sub = await subscribed('BREVO_TRIGGER_EMAIL_DELIVERED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = hookFor(sub.id)!;
    const post = fake.requests.find((r) => r.method === 'POST')!;
    expect(post).toMatchObject({ path: '/v3/webhooks', apiKey: KEY });
    expect(post.body).toEqual({
      type: 'transactional', events: ['delivered'], url: `${t.url}/hooks/s/${sub.id}`, description: 'OpenTriggers BREVO_TRIGGER_EMAIL_DELIVERED', batched: false,
      headers: [{ key: SECRET_HEADER, value: expect.any(String) }],
    });
    expect(hook.headers![0]!.value.length).toBeGreaterThanOrEqual(32);
    expect(JSON.stringify(await t.svc.storage.subscriptions.get(sub.id))).toContain(`"webhookId":"${hook.id}"`);

    expect((await fake.deliver(hook.id, emailDelivered)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      integration: 'brevo', triggerType: 'BREVO_TRIGGER_EMAIL_DELIVERED', triggerSubscriptionId: sub.id, credentialId, projectId: project.id,
      payload: emailDelivered,
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // Brevo sends the same call again (our answer was lost): acknowledged, nothing new. Another event is ignored.
    expect((await fake.deliver(hook.id, emailDelivered)).status).toBe(200);
    expect((await fake.deliver(hook.id, emailOpened)).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(fake.hooks.size).toBe(0);
    expect(fake.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
    expect(fake.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/v3/webhooks/${hook.id}`, apiKey: KEY });
  });

  it('marketing triggers register marketing webhooks; list additions filtered by list, each addition once', async () => {
    const all = await subscribed('BREVO_TRIGGER_CONTACT_ADDED_TO_LIST');
    const list12 = await subscribed('BREVO_TRIGGER_CONTACT_ADDED_TO_LIST', { listId: '12' });
    const unsub = await subscribed('BREVO_TRIGGER_CONTACT_UNSUBSCRIBED');
    const bad = await w.subscribe('BREVO_TRIGGER_CONTACT_ADDED_TO_LIST', { listId: 'newsletter' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('listId');
    expect(hookFor(all.id)).toMatchObject({ type: 'marketing', events: ['listAddition'] });
    expect(hookFor(unsub.id)).toMatchObject({ type: 'marketing', events: ['unsubscribed'] });

    const toList12 = { ...contactAdded, email: 'new@domain.com', list_id: [12], ts_event: 1604937400, ts: 1604937400 };
    for (const sub of [all, list12]) {
      for (const call of [contactAdded, toList12, contactAdded]) expect((await fake.deliver(hookFor(sub.id)!.id, call)).status).toBe(200);
    }
    expect((await fake.deliver(hookFor(unsub.id)!.id, contactUnsubscribed)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(4);
    const got = receiver.requests.map((r) => r.json as { triggerSubscriptionId: string; payload: { email: string } });
    expect(got.filter((g) => g.triggerSubscriptionId === all.id).map((g) => g.payload.email).sort()).toEqual(['example@domain.com', 'new@domain.com']);
    expect(got.filter((g) => g.triggerSubscriptionId === list12.id).map((g) => g.payload)).toEqual([toList12]);
    expect(got.filter((g) => g.triggerSubscriptionId === unsub.id).map((g) => g.payload)).toEqual([contactUnsubscribed]);
  });

  it('hard bounces and opens: the tag filter, each open once', async () => {
    const bounced = await subscribed('BREVO_TRIGGER_EMAIL_HARD_BOUNCED', { tag: 'transac_messages' });
    const opened = await subscribed('BREVO_TRIGGER_EMAIL_OPENED', { tag: 'newsletter' });
    expect(hookFor(bounced.id)).toMatchObject({ type: 'transactional', events: ['hardBounce'] });
    expect((await fake.deliver(hookFor(bounced.id)!.id, emailHardBounced)).status).toBe(200);
    expect((await fake.deliver(hookFor(opened.id)!.id, emailOpened)).status).toBe(200);
    const tagged = { ...emailOpened, tags: ['newsletter'] };
    expect((await fake.deliver(hookFor(opened.id)!.id, tagged)).status).toBe(200);
    expect((await fake.deliver(hookFor(opened.id)!.id, { ...tagged, ts_event: 1604940000 })).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(3);
    const got = receiver.requests.map((r) => r.json as { triggerType: string; payload: Record<string, unknown> });
    expect(got.filter((g) => g.triggerType === 'BREVO_TRIGGER_EMAIL_HARD_BOUNCED').map((g) => g.payload)).toEqual([emailHardBounced]);
    expect(got.filter((g) => g.triggerType === 'BREVO_TRIGGER_EMAIL_OPENED').map((g) => g.payload.ts_event).sort()).toEqual([1604933654, 1604940000]);
  });

  it("refuses a wrong secret, another subscription's secret and a missing header with 401, storing nothing", async () => {
    const sub = await subscribed('BREVO_TRIGGER_EMAIL_DELIVERED');
    const hook = hookFor(sub.id)!;
    const other = hookFor((await subscribed('BREVO_TRIGGER_EMAIL_DELIVERED')).id)!;
    expect((await fake.deliver(hook.id, emailDelivered, { headers: { [SECRET_HEADER]: 'not-the-secret' } })).status).toBe(401);
    expect((await fake.deliver(hook.id, emailDelivered, { headers: { [SECRET_HEADER]: other.headers![0]!.value } })).status).toBe(401);
    expect((await fake.deliver(hook.id, emailDelivered, { headers: { [SECRET_HEADER]: undefined } })).status).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('maps Brevo errors at subscribe time without storing anything: 400 with its message, 429, 5xx, a revoked key without the key', async () => {
    fake.failNext(1, 400, { code: 'invalid_parameter', message: 'You have reached the maximum number of webhooks allowed (40)' });
    const r400 = await w.subscribe('BREVO_TRIGGER_EMAIL_DELIVERED', {});
    expect(r400.status).toBe(422);
    expect(r400.body.message).toContain('maximum number of webhooks');
    fake.failNext(1, 429, { code: 'too_many_requests', message: 'Too many requests' }, { 'x-sib-ratelimit-reset': '3' });
    expect((await w.subscribe('BREVO_TRIGGER_EMAIL_DELIVERED', {})).status).toBe(429);
    fake.failNext(1, 503);
    expect((await w.subscribe('BREVO_TRIGGER_EMAIL_DELIVERED', {})).status).toBe(502);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(fake.hooks.size).toBe(0);

    fake.validKeys.clear();
    const r401 = await w.subscribe('BREVO_TRIGGER_EMAIL_DELIVERED', {});
    expect(r401.status).toBeGreaterThanOrEqual(400);
    expect(r401.text).not.toContain(KEY);
    expect(r401.text).toContain('Key not found');
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(fake.hooks.size).toBe(0);
  });

  it('checks the webhook every hour: an edited one is deleted and created again, a deleted one created again', async () => {
    const sub = await subscribed('BREVO_TRIGGER_EMAIL_OPENED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });

    const first = hookFor(sub.id)!;
    let before = fake.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(fake.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v3/webhooks/${first.id}`]);

    // Edited in Brevo so that it no longer sends `opened`: deleted, then created again with a new secret.
    first.events = ['click'];
    before = fake.requests.length;
    await due();
    await renewals.runOnce();
    expect(fake.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v3/webhooks/${first.id}`, `DELETE /v3/webhooks/${first.id}`, 'POST /v3/webhooks']);
    const second = hookFor(sub.id)!;
    expect(second.id).not.toBe(first.id);
    expect(second.headers![0]!.value).not.toBe(first.headers![0]!.value);

    // Deleted in Brevo: created again; the old secret no longer opens the door.
    fake.hooks.delete(second.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const third = hookFor(sub.id)!;
    expect(third.id).not.toBe(second.id);
    expect((await fake.deliver(third.id, emailOpened, { headers: { [SECRET_HEADER]: second.headers![0]!.value } })).status).toBe(401);
    expect((await fake.deliver(third.id, emailOpened)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
  });
});
