// Webflow end to end through the public API, on SQLite and PostgreSQL: subscribe → a site webhook is created at the
// fake Webflow (our per-subscription URL, the trigger's triggerType, the form filter) → Webflow delivers a signed
// form submission → exactly one signed delivery of the webhook body → Webflow's retry (re-signed with a new
// timestamp, same body) adds nothing → unsubscribe → the webhook is deleted. Plus: CMS item versions each delivered
// once; deliveries signed with another key, tampered, stale or unsigned are refused (401) and record nothing; bad
// parameters are refused with 400 naming the parameter; Webflow's 404/429 at subscribe time; and the hourly check
// that creates a webhook Webflow no longer has again (ADR 0018).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import collectionItemChanged from '../../src/integrations/webflow/fixtures/collection-item-changed.json' with { type: 'json' };
import formSubmission from '../../src/integrations/webflow/fixtures/form-submission.json' with { type: 'json' };
import sitePublish from '../../src/integrations/webflow/fixtures/site-publish.json' with { type: 'json' };
import { webflowIntegration } from '../../src/integrations/webflow/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld, subscriptionOf } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeWebflow, webflowSignature, type FakeWebflow, type WebflowHook } from '../providers/webflow.js';

const SITE = formSubmission.payload.siteId;

describe.each(DIALECTS)('Webflow end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let wf: FakeWebflow;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const events = () => w.events();
  const subscribe = (type: string, parameters: Record<string, unknown> = { siteId: SITE }) =>
    user.post(`${base}/trigger-subscriptions`, { integration: 'webflow', type, parameters });
  const subscribed = async (type: string, parameters: Record<string, unknown> = { siteId: SITE }) => subscriptionOf(await subscribe(type, parameters));
  const hookFor = (subscriptionId: string): WebflowHook | undefined => [...wf.hooks.values()].find((h) => h.url === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    wf = await startFakeWebflow();
    wf.validTokens.add('valid-token');
    w = await startIntegrationWorld({
      dialect,
      integration: webflowIntegration,
      // Webflow signs with the OAuth app's client secret: the integration's webhookSecret holds the same value.
      config: { clientId: wf.clientId, clientSecret: wf.clientSecret, apiBaseUrl: wf.apiBaseUrl, webhookSecret: wf.clientSecret },
      credential: { accessToken: 'valid-token', providerAccountId: wf.userId },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
    expect(w.config.webhookUrl).toBeNull(); // per-subscription webhooks: nothing to paste
  });
  afterEach(async () => {
    await w.close();
    await wf.close();
  });

  it('form submission: webhook created with the form filter, one signed delivery, retry deduplicated, webhook deleted', async () => {
    const sub = await subscribed('WEBFLOW_TRIGGER_FORM_SUBMISSION', { siteId: SITE, formName: 'Contact Us' });
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ triggerType: 'form_submission', siteId: SITE, filter: { name: 'Contact Us' } });
    expect(wf.requests.find((r) => r.method === 'POST')!.auth).toBe('Bearer valid-token');

    expect((await wf.deliver(hook.id, formSubmission)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      userId: 'user-1', integration: 'webflow', triggerType: 'WEBFLOW_TRIGGER_FORM_SUBMISSION', triggerSubscriptionId: sub.id,
      credentialId, projectId: project.id, payload: formSubmission,
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // Webflow retries the same submission (new timestamp, new signature): acknowledged, nothing new. Another form's
    // submission and another event type reaching this URL are acknowledged and ignored.
    expect((await wf.deliver(hook.id, formSubmission, { timestamp: Date.now() + 1000 })).status).toBe(200);
    const otherForm = { ...formSubmission, payload: { ...formSubmission.payload, id: '6321ca84df3949bfc6750000', name: 'Newsletter' } };
    expect((await wf.deliver(hook.id, otherForm)).status).toBe(200);
    expect((await wf.deliver(hook.id, sitePublish)).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(wf.hooks.size).toBe(0);
    expect(wf.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
    expect(wf.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/v2/webhooks/${hook.id}` });
  });

  it('CMS item changed: each saved version delivered once', async () => {
    const sub = await subscribed('WEBFLOW_TRIGGER_COLLECTION_ITEM_CHANGED');
    const hook = hookFor(sub.id)!;
    expect(hook.triggerType).toBe('collection_item_changed');
    const v2 = { ...collectionItemChanged, payload: { ...collectionItemChanged.payload, lastUpdated: '2023-03-28T09:00:00.000Z', fieldData: { name: 'hello again', slug: 'hello-world' } } };
    for (const body of [collectionItemChanged, v2, collectionItemChanged]) expect((await wf.deliver(hook.id, body)).status).toBe(200);
    await worker.drain();
    const sent = await receiver.waitFor(2);
    expect(sent.map((r) => (r.json as { payload: { payload: { lastUpdated: string } } }).payload.payload.lastUpdated)).toEqual([
      '2023-03-27T22:26:40.926Z', '2023-03-28T09:00:00.000Z',
    ]);
    expect(await events()).toHaveLength(2);
  });

  it('refuses deliveries signed with another key, tampered, stale or unsigned with 401 and records nothing', async () => {
    const sub = await subscribed('WEBFLOW_TRIGGER_SITE_PUBLISHED');
    const hook = hookFor(sub.id)!;
    expect((await wf.deliver(hook.id, sitePublish, { key: 'not-the-client-secret' })).status).toBe(401);
    expect((await wf.deliver(hook.id, sitePublish, { timestamp: Date.now() - 6 * 60_000 })).status).toBe(401);
    const body = JSON.stringify(sitePublish);
    const ts = String(Date.now());
    const post = (headers: Record<string, string>, raw = body) => fetch(hook.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });
    const signed = { 'x-webflow-timestamp': ts, 'x-webflow-signature': webflowSignature(wf.clientSecret, ts, body) };
    expect((await post(signed, body.replace('my-website', 'other-site'))).status).toBe(401);
    expect((await post({})).status).toBe(401);
    await worker.drain();
    expect(await events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
    // The same request, correctly signed, is accepted: the refusals above were the signature's.
    expect((await post(signed)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
  });

  it("refuses bad parameters with 400 naming the parameter, and reports Webflow's refusals at subscribe time without storing anything", async () => {
    const bad = await subscribe('WEBFLOW_TRIGGER_FORM_SUBMISSION', { siteId: 'my-site' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('siteId');
    expect((await subscribe('WEBFLOW_TRIGGER_FORM_SUBMISSION', {})).status).toBe(400);
    const badCollection = await subscribe('WEBFLOW_TRIGGER_COLLECTION_ITEM_CREATED', { siteId: SITE, collectionId: 'Blog' });
    expect([badCollection.status, badCollection.text.includes('collectionId')]).toEqual([400, true]);
    const unknown = await subscribe('WEBFLOW_TRIGGER_SITE_PUBLISHED', { siteId: '0123456789abcdef01234567' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toContain('resource_not_found');
    wf.rateLimitNext(5);
    expect((await subscribe('WEBFLOW_TRIGGER_SITE_PUBLISHED')).status).toBe(429);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(wf.hooks.size).toBe(0);
  });

  it("refuses to subscribe while the integration's webhookSecret (the app's client secret) is not set, creating nothing", async () => {
    const put = await t.admin.put(`/admin/v1/projects/${project.id}/integrations/webflow`, { enabled: true, webhookSecret: null });
    expect(put.status, put.text).toBe(200);
    const r = await subscribe('WEBFLOW_TRIGGER_SITE_PUBLISHED');
    expect(r.status).toBe(422);
    expect(r.body.message).toContain('webhookSecret');
    expect(r.text).not.toContain(wf.clientSecret);
    expect(wf.hooks.size).toBe(0);
  });

  it('checks the webhook every hour: one Webflow no longer has is created again and delivers', async () => {
    const sub = await subscribed('WEBFLOW_TRIGGER_FORM_SUBMISSION');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });

    const first = hookFor(sub.id)!;
    const before = wf.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(wf.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v2/webhooks/${first.id}`]);

    // Deleted at Webflow (by the user in the site settings): a new one.
    wf.hooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect(second.id).not.toBe(first.id);
    expect(wf.hooks.size).toBe(1);
    expect((await wf.deliver(second.id, formSubmission)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });
});
