// Help Scout end to end through the public API, on SQLite and PostgreSQL: subscribe → a webhook is created at the
// fake Help Scout (our per-subscription URL, the trigger's event, our secret, payload V2, the mailbox) → Help Scout
// delivers a signed event → exactly one signed delivery of the resource → a retry adds nothing → unsubscribe → the
// webhook is deleted. Plus forged requests (401, nothing stored), refusals at subscribe time, and the hourly check
// that re-creates a webhook deleted or disabled in Help Scout (ADR 0018).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import conversation from '../../src/integrations/helpScout/fixtures/conversation.json' with { type: 'json' };
import { helpScoutIntegration } from '../../src/integrations/helpScout/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld, subscriptionOf } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { helpScoutSignature, startFakeHelpScout, type FakeHelpScout, type HelpScoutHook } from '../providers/helpScout.js';

describe.each(DIALECTS)('Help Scout end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let hs: FakeHelpScout;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribe = (type: string, parameters: Record<string, unknown> = {}) => w.subscribe(type, parameters);
  const subscribed = async (type: string, parameters: Record<string, unknown> = {}) => subscriptionOf(await subscribe(type, parameters));
  const hookFor = (subscriptionId: string): HelpScoutHook | undefined => [...hs.hooks.values()].find((h) => h.url === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    hs = await startFakeHelpScout();
    hs.validTokens.add('valid-token');
    w = await startIntegrationWorld({
      dialect,
      integration: helpScoutIntegration,
      config: { clientId: hs.clientId, clientSecret: hs.clientSecret, apiBaseUrl: hs.url, tokenUrl: hs.tokenUrl },
      credential: { accessToken: 'valid-token', providerAccountId: '9865' },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await hs.close();
  });

  it('conversation created: webhook created with our secret, one signed delivery, the retry deduplicated, webhook deleted', async () => {
    const sub = await subscribed('HELPSCOUT_TRIGGER_CONVERSATION_CREATED', { mailboxId: '85' });
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ events: ['convo.created'], payloadVersion: 'V2', mailboxIds: [85], state: 'enabled' });
    expect(hook.secret).toMatch(/^[0-9a-f]{40}$/);
    expect(hs.requests.find((r) => r.method === 'POST')!.auth).toBe('Bearer valid-token');

    expect((await hs.deliver(hook.id, 'convo.created', conversation)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      integration: 'helpScout', triggerType: 'HELPSCOUT_TRIGGER_CONVERSATION_CREATED', triggerSubscriptionId: sub.id, credentialId, projectId: project.id, payload: conversation,
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // Help Scout retries the same event (same body, same signature): acknowledged, nothing new.
    expect((await hs.deliver(hook.id, 'convo.created', conversation)).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(hs.hooks.size).toBe(0);
    expect(hs.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
  });

  it('customer replied: each reply once; a bad signature is refused with 401 and stores nothing', async () => {
    const sub = await subscribed('HELPSCOUT_TRIGGER_CUSTOMER_REPLIED');
    const hook = hookFor(sub.id)!;
    const body = JSON.stringify(conversation);
    const post = (signature: string | undefined, payload = body) => fetch(hook.url, {
      method: 'POST', body: payload,
      headers: { 'content-type': 'application/json', 'x-helpscout-event': 'convo.customer.reply.created', ...(signature ? { 'x-helpscout-signature': signature } : {}) },
    });
    expect((await post(helpScoutSignature('not-the-secret', body))).status).toBe(401);
    expect((await post(helpScoutSignature(hook.secret, body), body.replace('Help', 'Hacked'))).status).toBe(401);
    expect((await post(undefined)).status).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);

    const reply2 = { ...conversation, _embedded: { threads: [{ id: 2198262999, type: 'customer', createdAt: '2012-10-13T08:00:00Z' }, ...conversation._embedded.threads] } };
    for (let i = 0; i < 2; i++) {
      expect((await hs.deliver(hook.id, 'convo.customer.reply.created', conversation)).status).toBe(200);
      expect((await hs.deliver(hook.id, 'convo.customer.reply.created', reply2)).status).toBe(200);
    }
    await worker.drain();
    await receiver.waitFor(2);
    expect(await w.events()).toHaveLength(2);
    expect(receiver.requests).toHaveLength(2);
  });

  it('reports Help Scout refusals at subscribe time and stores nothing', async () => {
    expect((await subscribe('HELPSCOUT_TRIGGER_CONVERSATION_STATUS_CHANGED', { mailboxId: 'inbox' })).status).toBe(400);
    hs.failNext(1, 429, { message: 'Too many requests' }, { 'x-ratelimit-retry-after': '30' });
    expect((await subscribe('HELPSCOUT_TRIGGER_CONVERSATION_STATUS_CHANGED')).status).toBe(429);
    hs.failNext(1, 502);
    expect((await subscribe('HELPSCOUT_TRIGGER_CONVERSATION_STATUS_CHANGED')).status).toBe(502);
    hs.failNext(1, 403, { logref: 'Forbidden', message: 'Access denied to mailbox' });
    const denied = await subscribe('HELPSCOUT_TRIGGER_CONVERSATION_STATUS_CHANGED', { mailboxId: '85' });
    expect([denied.status, denied.body.message]).toEqual([422, expect.stringContaining('Help Scout 403: Access denied to mailbox')]);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(hs.hooks.size).toBe(0);
  });

  it('checks the webhook every hour: one deleted or disabled in Help Scout is created again and delivers', async () => {
    const sub = await subscribed('HELPSCOUT_TRIGGER_CONVERSATION_ASSIGNED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });

    const first = hookFor(sub.id)!;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });

    hs.hooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect(second.id).not.toBe(first.id);
    expect(second.secret).not.toBe(first.secret);
    expect((await hs.deliver(second.id, 'convo.assigned', conversation, { secret: first.secret })).status).toBe(401);

    second.state = 'disabled';
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const third = hookFor(sub.id)!;
    expect([third.id === second.id, third.state]).toEqual([false, 'enabled']);
    expect(hs.deletedHooks.map((h) => h.id)).toEqual([second.id]);
    expect(hs.hooks.size).toBe(1);
    expect((await hs.deliver(third.id, 'convo.assigned', conversation)).status).toBe(200);
    await worker.drain();
    expect((await receiver.waitFor(1)).map((r) => (r.json as { triggerSubscriptionId: string }).triggerSubscriptionId)).toEqual([sub.id]);
  });
});
