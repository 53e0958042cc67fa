// Typeform end to end through the public API, on SQLite and PostgreSQL: subscribe → a webhook is put on the form
// at the fake Typeform (our per-subscription URL, a tag of its own, a fresh secret, the trigger's event type) →
// Typeform delivers a signed form_response → exactly one signed delivery of the webhook body → Typeform's retry
// (same response token) adds nothing → unsubscribe → the webhook is deleted. Plus partial responses next to
// complete ones on one form, forged/tampered/unsigned deliveries (401, nothing stored), refusals at subscribe
// time (bad form id, unknown form, 429, 5xx), an expired token refreshed, the hourly check that puts back a
// webhook Typeform disabled or the user deleted (ADR 0018), and the new-form poll.
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Poller } from '../../src/engine/poller.js';
import { Renewals } from '../../src/engine/renewals.js';
import formResponsePartial from '../../src/integrations/typeform/fixtures/form-response-partial.json' with { type: 'json' };
import formResponse from '../../src/integrations/typeform/fixtures/form-response.json' with { type: 'json' };
import { typeformIntegration } from '../../src/integrations/typeform/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld, subscriptionOf } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeTypeform, type FakeTypeform, type TypeformHook } from '../providers/typeform.js';

const FORM = 'lT4Z3j';

describe.each(DIALECTS)('Typeform end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let tf: FakeTypeform;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let poller: Poller;
  let clock: TestClock;
  let base: string;
  let credentialId: string;

  const events = () => w.events();
  const subscribe = (type: string, parameters: Record<string, unknown> = { formId: FORM }, headers?: Record<string, string>) => w.subscribe(type, parameters, headers);
  const subscribed = async (type: string, parameters: Record<string, unknown> = { formId: FORM }) => subscriptionOf(await subscribe(type, parameters));
  const hookFor = (subscriptionId: string): TypeformHook | undefined => [...tf.hooks.values()].find((h) => h.url === `${t.url}/hooks/s/${subscriptionId}`);
  const deliveries = () => receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: any });

  beforeEach(async () => {
    clock = new TestClock(Date.now());
    tf = await startFakeTypeform({ now: clock.now });
    tf.validTokens.add('valid-token');
    w = await startIntegrationWorld({
      dialect,
      integration: typeformIntegration,
      now: clock.now,
      poller: true,
      config: { clientId: tf.clientId, clientSecret: tf.clientSecret, apiBaseUrl: tf.url, tokenUrl: tf.tokenUrl },
      credential: { accessToken: 'valid-token', providerAccountId: tf.userId },
    });
    ({ t, receiver, project, base, user, worker } = w);
    poller = w.poller!;
    credentialId = w.credentialId!;
    expect(w.config.webhookUrl).toBeNull(); // per-subscription webhooks: nothing to paste
  });
  afterEach(async () => {
    await w.close();
    await tf.close();
  });

  it('answers POST /triggers/examples with the documented example payloads', async () => {
    const ex = (type: string) => user.post(`${base}/triggers/examples`, { integration: 'typeform', type });
    expect((await ex('TYPEFORM_TRIGGER_NEW_RESPONSE')).body).toEqual([formResponse]);
    expect((await ex('TYPEFORM_TRIGGER_NEW_PARTIAL_RESPONSE')).body).toEqual([formResponsePartial]);
    expect((await ex('TYPEFORM_TRIGGER_NEW_FORM')).body).toEqual([expect.objectContaining({ id: 'abc123DEF456', title: 'Customer Feedback' })]);
  });

  it('new response: webhook put on the form, one signed delivery of the body, retry deduplicated, webhook deleted', async () => {
    const sub = await subscribed('TYPEFORM_TRIGGER_NEW_RESPONSE');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId, parameters: { formId: FORM } });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ form_id: FORM, enabled: true, verify_ssl: true, event_types: { form_response: true } });
    expect(hook.tag).toMatch(/^opentriggers-[0-9a-f]{20}$/);
    expect(hook.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(tf.requests.find((r) => r.method === 'PUT')).toMatchObject({ auth: 'Bearer valid-token', path: `/forms/${FORM}/webhooks/${hook.tag}` });

    expect((await tf.deliver(hook, formResponse)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      userId: 'user-1', integration: 'typeform', triggerType: 'TYPEFORM_TRIGGER_NEW_RESPONSE', triggerSubscriptionId: sub.id,
      credentialId, projectId: project.id, payload: formResponse,
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // Typeform retries the same response (the event id may change): acknowledged, nothing new.
    expect((await tf.deliver(hook, formResponse)).status).toBe(200);
    expect((await tf.deliver(hook, { ...formResponse, event_id: 'retry-1' })).status).toBe(200);
    // A partial response reaching this URL is acknowledged and ignored.
    expect((await tf.deliver(hook, formResponsePartial)).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(tf.hooks.size).toBe(0);
    expect(tf.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
    expect(tf.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/forms/${FORM}/webhooks/${hook.tag}` });
    // A delivery in flight when the subscription went away finds nothing (and Typeform would disable the hook).
    tf.hooks.set(`${FORM}/${hook.tag}`, hook);
    expect((await tf.deliver(hook, formResponse)).status).toBe(404);
    expect(hook.enabled).toBe(false);
  });

  it('complete and partial responses of one form: two webhooks, each snapshot delivered once to its subscription', async () => {
    const complete = await subscribed('TYPEFORM_TRIGGER_NEW_RESPONSE');
    const partial = await subscribed('TYPEFORM_TRIGGER_NEW_PARTIAL_RESPONSE');
    expect(tf.hooksFor(FORM)).toHaveLength(2);
    const completeHook = hookFor(complete.id)!;
    const partialHook = hookFor(partial.id)!;
    expect(partialHook.event_types).toEqual({ form_response_partial: true });
    expect(partialHook.tag).not.toBe(completeHook.tag);

    const token = formResponsePartial.form_response.token;
    const later = {
      ...formResponsePartial, event_id: 'partial-2',
      form_response: { ...formResponsePartial.form_response, answers: [...formResponsePartial.form_response.answers, { type: 'date', date: '2005-10-15', field: { id: 'KoJxDM3c6x8h', type: 'date', ref: 'readable_ref_date' } }] },
    };
    const done = { ...formResponse, form_response: { ...formResponse.form_response, token } };
    expect((await tf.deliver(partialHook, formResponsePartial)).status).toBe(200);
    expect((await tf.deliver(partialHook, formResponsePartial)).status).toBe(200); // retry
    expect((await tf.deliver(partialHook, later)).status).toBe(200);
    expect((await tf.deliver(completeHook, done)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(3);
    await worker.drain();
    expect(deliveries().map((d) => [d.triggerType, d.triggerSubscriptionId, d.payload.form_response.answers.length]).sort()).toEqual([
      ['TYPEFORM_TRIGGER_NEW_PARTIAL_RESPONSE', partial.id, 2],
      ['TYPEFORM_TRIGGER_NEW_PARTIAL_RESPONSE', partial.id, 3],
      ['TYPEFORM_TRIGGER_NEW_RESPONSE', complete.id, 4],
    ]);
  });

  it('refuses forged, tampered and unsigned deliveries with 401 and stores nothing', async () => {
    const sub = await subscribed('TYPEFORM_TRIGGER_NEW_RESPONSE');
    const hook = hookFor(sub.id)!;
    expect((await tf.deliver(hook, formResponse, { secret: 'not-the-secret' })).status).toBe(401);
    const body = JSON.stringify(formResponse);
    const signature = `sha256=${createHmac('sha256', hook.secret!).update(body).digest('base64')}`;
    const tampered = await fetch(hook.url, { method: 'POST', headers: { 'content-type': 'application/json', 'typeform-signature': signature }, body: body.replace('Laura', 'Mallory') });
    expect(tampered.status).toBe(401);
    const unsigned = await fetch(hook.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    const hex = await fetch(hook.url, { method: 'POST', headers: { 'content-type': 'application/json', 'typeform-signature': `sha256=${createHmac('sha256', hook.secret!).update(body).digest('hex')}` }, body });
    expect(hex.status).toBe(401);
    await worker.drain();
    expect(await events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
    // The genuine one still goes through.
    expect((await fetch(hook.url, { method: 'POST', headers: { 'content-type': 'application/json', 'typeform-signature': signature }, body })).status).toBe(200);
    await worker.drain();
    expect((await receiver.waitFor(1)).map((r) => (r.json as { payload: unknown }).payload)).toEqual([formResponse]);
  });

  it('reports refusals at subscribe time and stores nothing: bad form id, unknown form, rate limit, 5xx, revoked token', async () => {
    const bad = await subscribe('TYPEFORM_TRIGGER_NEW_RESPONSE', { formId: 'https://mysite.typeform.com/to/u6nXL7' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('formId');
    expect((await subscribe('TYPEFORM_TRIGGER_NEW_RESPONSE', {})).status).toBe(400);
    const unknown = await subscribe('TYPEFORM_TRIGGER_NEW_RESPONSE', { formId: 'nope42' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toContain('FORM_NOT_FOUND');
    tf.failNext(1, 429, { code: 'TOO_MANY_REQUESTS', description: 'Rate limit exceeded' }, { 'retry-after': '3' });
    expect((await subscribe('TYPEFORM_TRIGGER_NEW_RESPONSE')).status).toBe(429);
    tf.failNext(1, 502);
    expect((await subscribe('TYPEFORM_TRIGGER_NEW_RESPONSE')).status).toBe(502);
    const revoked = await user.post(`${base}/credentials`, { integration: 'typeform', accessToken: 'revoked', providerAccountId: tf.userId });
    expect((await subscribe('TYPEFORM_TRIGGER_NEW_RESPONSE', { formId: FORM }, { 'x-paragon-credential': revoked.body.id })).status).toBe(422);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(tf.hooks.size).toBe(0);
  });

  it('refreshes an expired token once and puts the webhook with the new one; the secret never appears in responses', async () => {
    tf.refreshTokens.add('refresh-1');
    const stale = await user.post(`${base}/credentials`, { integration: 'typeform', accessToken: 'expired-token', refreshToken: 'refresh-1', providerAccountId: tf.userId });
    expect(stale.status, stale.text).toBe(201);
    const r = await subscribe('TYPEFORM_TRIGGER_NEW_RESPONSE', { formId: FORM }, { 'x-paragon-credential': stale.body.id });
    expect(r.status, r.text).toBe(200);
    const refresh = tf.requests.find((q) => q.path === '/oauth/token')!;
    expect(refresh.body).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'refresh-1', client_id: tf.clientId, client_secret: tf.clientSecret });
    const stored = (await t.svc.storage.credentials.get(stale.body.id))!;
    const puts = tf.requests.filter((q) => q.method === 'PUT').map((q) => q.auth);
    expect(puts).toEqual(['Bearer expired-token', `Bearer ${stored.secrets.accessToken}`]);
    const hook = hookFor(r.body.id)!;
    expect(JSON.stringify(r.body)).not.toContain(hook.secret!);
    expect(JSON.stringify((await user.get(`${base}/trigger-subscriptions/${r.body.id}`)).body)).not.toContain(hook.secret!);
  });

  it('checks the webhook every hour: one Typeform disabled or the user deleted is put back and delivers', async () => {
    const sub = await subscribed('TYPEFORM_TRIGGER_NEW_RESPONSE');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: clock.now() - 1 });
    const logs = async () => JSON.stringify((await t.admin.get(`/admin/v1/projects/${project.id}/subscriptions/${sub.id}/logs`)).body);

    // Still there: one GET of the webhook, nothing else.
    const first = hookFor(sub.id)!;
    const before = tf.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(tf.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /forms/${FORM}/webhooks/${first.tag}`]);

    // Deleted in the form's Connect panel: put back under the same tag with a new secret.
    tf.hooks.delete(`${FORM}/${first.tag}`);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect([second.tag, second.enabled]).toEqual([first.tag, true]);
    expect(second.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(second.secret).not.toBe(first.secret);
    expect(await logs()).toContain('the webhook was deleted at the provider');
    expect((await tf.deliver(second, formResponse, { secret: first.secret! })).status).toBe(401);
    expect((await tf.deliver(second, formResponse)).status).toBe(200);
    await worker.drain();
    expect((await receiver.waitFor(1)).map((r) => (r.json as { triggerSubscriptionId: string }).triggerSubscriptionId)).toEqual([sub.id]);

    // Typeform disabled it (our URL answered 404/410 once, or the user switched it off): deleted, then put again.
    second.enabled = false;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const third = hookFor(sub.id)!;
    expect([third.id === second.id, third.enabled]).toEqual([false, true]);
    expect(tf.deletedHooks.map((h) => h.id)).toEqual([second.id]);
    expect(tf.hooks.size).toBe(1);
    expect(await logs()).toContain('the provider had disabled this webhook');
    const another = { ...formResponse, event_id: 'evt-2', form_response: { ...formResponse.form_response, token: 'b'.repeat(32) } };
    expect((await tf.deliver(third, another)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(2);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });

  it('new form: baseline at subscribe, one delivery per new form, nothing again on the next polls', async () => {
    const sub = await subscribed('TYPEFORM_TRIGGER_NEW_FORM', {});
    clock.advance(2000);
    await poller.runDue();
    await worker.drain();
    expect(receiver.requests).toHaveLength(0); // the form that existed before subscribing is never delivered

    const created = new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    tf.forms.push({ id: 'NewForm1', title: 'Event Registration', workspace: 'ws1', created_at: created, last_updated_at: created });
    for (let i = 0; i < 3; i++) {
      clock.advance(2000);
      await poller.runDue();
      await worker.drain();
    }
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({ triggerType: 'TYPEFORM_TRIGGER_NEW_FORM', triggerSubscriptionId: sub.id, payload: { id: 'NewForm1', title: 'Event Registration' } });
    expectSignedDelivery(sent!, project.signingSecret);
    expect(receiver.requests).toHaveLength(1);
  });
});
