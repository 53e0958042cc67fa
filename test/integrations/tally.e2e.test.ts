// Tally end to end through the public API, on SQLite and PostgreSQL: subscribe → a webhook on the form at the fake
// Tally (our per-subscription URL, FORM_RESPONSE, our signing secret; the API key as Bearer) → a signed response →
// one delivery → Tally's retry of it adds nothing → unsubscribe deletes the webhook. Plus bad signatures (401,
// nothing stored), refusals at subscribe time (errors mapped, a bad formId named), and the form polls.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Poller } from '../../src/engine/poller.js';
import formResponse from '../../src/integrations/tally/fixtures/form-response.json' with { type: 'json' };
import { tallyIntegration } from '../../src/integrations/tally/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeTally, tallySignature, type FakeTally, type TallyHook } from '../providers/tally.js';

const FORM = 'VwbNEw';

describe.each(DIALECTS)('Tally end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let tally: FakeTally;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let poller: Poller;
  let clock: TestClock;
  let base: string;
  let credentialId: string;

  const subscribed = async (type: string, params: Record<string, unknown> = { formId: FORM }) => subscriptionOf(await w.subscribe(type, params));
  const hookFor = (subscriptionId: string): TallyHook | undefined => [...tally.hooks.values()].find((h) => h.url === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    clock = new TestClock(Date.now());
    tally = await startFakeTally();
    w = await startIntegrationWorld({
      dialect,
      integration: tallyIntegration,
      now: clock.now,
      poller: true,
      config: { apiBaseUrl: tally.url },
      credential: { apiKey: tally.apiKey, providerAccountId: 'tally-user-1' },
    });
    ({ t, receiver, project, base, user, worker } = w);
    poller = w.poller!;
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await tally.close();
  });

  it('new response: webhook created on the form with our secret, one signed delivery, retry deduplicated, webhook deleted', async () => {
    const sub = await subscribed('TALLY_TRIGGER_NEW_RESPONSE');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId, parameters: { formId: FORM } });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ formId: FORM, eventTypes: ['FORM_RESPONSE'] });
    expect(hook.signingSecret).toMatch(/.{16,}/);
    const post = tally.requests.find((r) => r.method === 'POST')!;
    expect(post.auth).toBe(`Bearer ${tally.apiKey}`);
    expect(post).toMatchObject({ path: '/webhooks', body: { formId: FORM, url: `${t.url}/hooks/s/${sub.id}`, eventTypes: ['FORM_RESPONSE'], signingSecret: hook.signingSecret } });

    expect((await tally.deliver(hook, formResponse)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      integration: 'tally', triggerType: 'TALLY_TRIGGER_NEW_RESPONSE', triggerSubscriptionId: sub.id, credentialId, projectId: project.id, payload: formResponse,
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // Tally retries the same response (our answer was lost), under another event id: acknowledged, nothing new.
    expect((await tally.deliver(hook, { ...formResponse, eventId: 'retry-1' })).status).toBe(200);
    // A response of another form reaching this URL is acknowledged and ignored.
    expect((await tally.deliver(hook, { ...formResponse, data: { ...formResponse.data, formId: 'mexJoq', responseId: 'zz9', submissionId: 'zz9' } })).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    // A second response is delivered.
    expect((await tally.deliver(hook, { ...formResponse, eventId: 'e2', data: { ...formResponse.data, responseId: 'r2', submissionId: 'r2' } })).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(2);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(tally.hooks.size).toBe(0);
    expect(tally.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
    expect(tally.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/webhooks/${hook.id}` });
  });

  it('refuses a wrong secret, another webhook\'s secret, a tampered body, a hex signature and a missing header with 401, storing nothing', async () => {
    const hook = hookFor((await subscribed('TALLY_TRIGGER_NEW_RESPONSE')).id)!;
    const other = hookFor((await subscribed('TALLY_TRIGGER_NEW_RESPONSE')).id)!;
    expect(other.signingSecret).not.toBe(hook.signingSecret);
    expect((await tally.deliver(hook, formResponse, { secret: 'not-the-secret' })).status).toBe(401);
    expect((await tally.deliver(hook, formResponse, { secret: other.signingSecret! })).status).toBe(401);
    expect((await tally.deliver(hook, formResponse, { rawBody: JSON.stringify({ ...formResponse, eventId: 'forged' }) })).status).toBe(401);
    expect((await tally.deliver(hook, formResponse, { signature: Buffer.from(tallySignature(hook.signingSecret!, JSON.stringify(formResponse)), 'base64').toString('hex') })).status).toBe(401);
    expect((await tally.deliver(hook, formResponse, { signature: '' })).status).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('maps errors at subscribe time and stores nothing: a bad form id named, 404 and 403 with Tally\'s message, 429, 5xx, 401', async () => {
    const bad = await w.subscribe('TALLY_TRIGGER_NEW_RESPONSE', { formId: 'https://tally.so/r/VwbNEw' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('formId');
    const r404 = await w.subscribe('TALLY_TRIGGER_NEW_RESPONSE', { formId: 'NoSuch1' });
    expect(r404.status).toBe(422); // a permanent provider refusal, with Tally's message
    expect(r404.body.message).toContain('Form not found');
    const r403 = await w.subscribe('TALLY_TRIGGER_NEW_RESPONSE', { formId: 'nPq8Zr' });
    expect(r403.status).toBe(422);
    expect(r403.body.message).toContain('Tally 403: Forbidden');
    tally.failNext(1, 429, { message: 'Too many requests' }, { 'retry-after': '2' });
    expect((await w.subscribe('TALLY_TRIGGER_NEW_RESPONSE', { formId: FORM })).status).toBe(429);
    tally.failNext(1, 503);
    expect((await w.subscribe('TALLY_TRIGGER_NEW_RESPONSE', { formId: FORM })).status).toBe(502);
    tally.failNext(1, 401, { message: 'Unauthorized' });
    const r401 = await w.subscribe('TALLY_TRIGGER_NEW_RESPONSE', { formId: FORM });
    expect(r401.status).toBeGreaterThanOrEqual(400);
    expect(r401.text).not.toContain(tally.apiKey);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(tally.hooks.size).toBe(0);
  });

  it('new form and form updated: baseline at subscribe, one delivery per new form and per change, nothing again', async () => {
    const created = await subscribed('TALLY_TRIGGER_NEW_FORM', {});
    const updated = await subscribed('TALLY_TRIGGER_FORM_UPDATED', {});
    clock.advance(2000);
    await poller.runDue();
    await worker.drain();
    expect(receiver.requests).toHaveLength(0); // forms (and versions) that existed before subscribing are never delivered
    expect(tally.requests.filter((r) => r.path === '/forms').every((r) => r.query.limit === '500' && r.auth === `Bearer ${tally.apiKey}`)).toBe(true);

    const now = new Date(clock.now()).toISOString();
    tally.forms.push({ id: 'NewFm1', name: 'Event registration', workspaceId: 'w8bGdN', status: 'DRAFT', numberOfSubmissions: 0, isClosed: false, createdAt: now, updatedAt: now });
    tally.forms[0]!.updatedAt = now;
    tally.forms[0]!.isClosed = true;
    for (let i = 0; i < 3; i++) {
      clock.advance(2000);
      await poller.runDue();
      await worker.drain();
    }
    const sent = await receiver.waitFor(2);
    const byType = Object.fromEntries(sent.map((s) => [(s.json as any).triggerType, s.json as any]));
    expect(byType.TALLY_TRIGGER_NEW_FORM).toMatchObject({ triggerSubscriptionId: created.id, payload: { id: 'NewFm1', name: 'Event registration' } });
    expect(byType.TALLY_TRIGGER_FORM_UPDATED).toMatchObject({ triggerSubscriptionId: updated.id, payload: { id: 'mexJoq', isClosed: true, updatedAt: now } });
    expectSignedDelivery(sent[0]!, project.signingSecret);
    expect(receiver.requests).toHaveLength(2);
  });

  it('answers POST /triggers/examples with the documented example payloads', async () => {
    const ex = (type: string) => user.post(`${base}/triggers/examples`, { integration: 'tally', type });
    expect((await ex('TALLY_TRIGGER_NEW_RESPONSE')).body).toEqual([formResponse]);
    expect((await ex('TALLY_TRIGGER_NEW_FORM')).body).toEqual([expect.objectContaining({ id: 'mexJoq', name: 'Customer feedback' })]);
  });
});
