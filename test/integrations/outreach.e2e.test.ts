// Outreach end to end through the public API, on SQLite and PostgreSQL: subscribe → a webhook is created at the
// fake Outreach (our per-subscription URL, the trigger's resource and action, our secret) → Outreach delivers a
// signed JSON:API document → exactly one signed delivery → a retry adds nothing → unsubscribe → the webhook is
// deleted. Plus forged requests (401, nothing stored), refusals at subscribe time, and the hourly check that
// re-creates a webhook deleted or deactivated in Outreach.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import * as fx from '../../src/integrations/outreach/fixtures/events.js';
import { outreachIntegration } from '../../src/integrations/outreach/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld, subscriptionOf } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { outreachSignature, startFakeOutreach, type FakeOutreach, type OutreachHook } from '../providers/outreach.js';

describe.each(DIALECTS)('Outreach end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let fake: FakeOutreach;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribe = (type: string, parameters: Record<string, unknown> = {}) => w.subscribe(type, parameters);
  const subscribed = async (type: string, parameters: Record<string, unknown> = {}) => subscriptionOf(await subscribe(type, parameters));
  const hookFor = (subscriptionId: string): OutreachHook | undefined => [...fake.hooks.values()].find((h) => h.url === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    fake = await startFakeOutreach();
    fake.validTokens.add('valid-token');
    w = await startIntegrationWorld({
      dialect,
      integration: outreachIntegration,
      config: { clientId: fake.clientId, clientSecret: fake.clientSecret, apiBaseUrl: fake.apiBaseUrl, tokenUrl: fake.tokenUrl },
      credential: { accessToken: 'valid-token', providerAccountId: 'org-1' },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await fake.close();
  });

  it('prospect added to sequence: webhook created with our secret, one signed delivery, the retry deduplicated, webhook deleted', async () => {
    const sub = await subscribed('OUTREACH_TRIGGER_PROSPECT_ADDED_TO_SEQUENCE', { sequenceId: '55' });
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ resource: 'sequenceState', action: 'created', active: true });
    expect(hook.secret).toMatch(/^[0-9a-f]{64}$/);
    const post = fake.requests.find((r) => r.method === 'POST')!;
    expect([post.auth, post.contentType]).toEqual(['Bearer valid-token', 'application/vnd.api+json']);

    expect((await fake.deliver(hook.id, fx.sequenceStateCreated)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      integration: 'outreach', triggerType: 'OUTREACH_TRIGGER_PROSPECT_ADDED_TO_SEQUENCE', triggerSubscriptionId: sub.id, credentialId, projectId: project.id, payload: fx.sequenceStateCreated,
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // Outreach retries the same document (same body, new Outreach-Webhook-ID): acknowledged, nothing new.
    expect((await fake.deliver(hook.id, fx.sequenceStateCreated)).status).toBe(200);
    // Another sequence: not this subscription's.
    const other = { ...fx.sequenceStateCreated, data: { ...fx.sequenceStateCreated.data, id: 9002, relationships: { ...fx.sequenceStateCreated.data.relationships, sequence: { data: { type: 'sequence', id: 56 } } } } };
    expect((await fake.deliver(hook.id, other)).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(fake.hooks.size).toBe(0);
    expect(fake.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
  });

  it('email replied: each reply once; a bad signature is refused with 401 and stores nothing', async () => {
    const sub = await subscribed('OUTREACH_TRIGGER_EMAIL_REPLIED');
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ resource: 'mailing', action: 'replied' });
    const body = JSON.stringify(fx.mailingReplied);
    const post = (signature: string | undefined, payload = body) => fetch(hook.url, {
      method: 'POST', body: payload,
      headers: { 'content-type': 'application/vnd.api+json', ...(signature ? { 'outreach-webhook-signature': signature } : {}) },
    });
    expect((await post(outreachSignature('not-the-secret', body))).status).toBe(401);
    expect((await post(outreachSignature(hook.secret!, body), body.replace('31337', '31338'))).status).toBe(401);
    expect((await post(undefined)).status).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);

    const reply2 = { ...fx.mailingReplied, data: { ...fx.mailingReplied.data, attributes: { ...fx.mailingReplied.data.attributes, repliedAt: '2025-03-08T09:00:00.000Z' } } };
    for (let i = 0; i < 2; i++) {
      expect((await fake.deliver(hook.id, fx.mailingReplied)).status).toBe(200);
      expect((await fake.deliver(hook.id, reply2)).status).toBe(200);
    }
    await worker.drain();
    await receiver.waitFor(2);
    expect(await w.events()).toHaveLength(2);
    expect(receiver.requests).toHaveLength(2);
  });

  it('reports bad parameters and Outreach refusals at subscribe time and stores nothing', async () => {
    const bad = await subscribe('OUTREACH_TRIGGER_PROSPECT_ADDED_TO_SEQUENCE', { sequenceId: 'my sequence' });
    expect([bad.status, bad.body.message]).toEqual([400, expect.stringContaining('sequenceId')]);
    fake.failNext(1, 429, { errors: [{ id: 'rateLimitExceeded', title: 'Rate Limit Exceeded' }] }, { 'retry-after': '30' });
    expect((await subscribe('OUTREACH_TRIGGER_PROSPECT_CREATED')).status).toBe(429);
    fake.failNext(1, 502);
    expect((await subscribe('OUTREACH_TRIGGER_PROSPECT_CREATED')).status).toBe(502);
    fake.failNext(1, 403, { errors: [{ id: 'unauthorizedOauthScope', title: 'Unauthorized OAuth Scope', detail: 'webhooks.all is required' }] });
    const denied = await subscribe('OUTREACH_TRIGGER_PROSPECT_CREATED');
    expect([denied.status, denied.body.message]).toEqual([422, expect.stringContaining('Outreach 403: Unauthorized OAuth Scope')]);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(fake.hooks.size).toBe(0);
  });

  it('checks the webhook every hour: one deleted or deactivated in Outreach is created again and delivers', async () => {
    const sub = await subscribed('OUTREACH_TRIGGER_CALL_CREATED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });

    const first = hookFor(sub.id)!;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });

    fake.hooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect(second.id).not.toBe(first.id);
    expect(second.secret).not.toBe(first.secret);
    expect((await fake.deliver(second.id, fx.callCreated, { secret: first.secret! })).status).toBe(401);

    second.active = false;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const third = hookFor(sub.id)!;
    expect([third.id === second.id, third.active]).toEqual([false, true]);
    expect(fake.deletedHooks.map((h) => h.id)).toEqual([second.id]);
    expect(fake.hooks.size).toBe(1);
    expect((await fake.deliver(third.id, fx.callCreated)).status).toBe(200);
    await worker.drain();
    expect((await receiver.waitFor(1)).map((r) => (r.json as { triggerSubscriptionId: string }).triggerSubscriptionId)).toEqual([sub.id]);
  });
});
