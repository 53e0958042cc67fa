// Jotform end to end through the public API, on SQLite and PostgreSQL, against the fake Jotform as the
// project's apiBaseUrl (how an EU or HIPAA project points at its host): subscribe to new submissions → the form's
// webhook list gains our per-subscription URL with `?token=<secret>` → Jotform posts a multipart submission to
// it → exactly one signed delivery, `rawRequest` decoded → a resend adds nothing → unsubscribe removes our URL
// (by its current position) and leaves the form's other webhooks. Plus: a wrong or missing token refused (401,
// nothing stored), refusals at subscribe time, the hourly check re-adding a removed webhook, and the two polling
// triggers (baseline not delivered, one delivery per new form / submission, 429 backing off, 401 → INVALID).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Poller } from '../../src/engine/poller.js';
import { Renewals } from '../../src/engine/renewals.js';
import webhookSubmission from '../../src/integrations/jotform/fixtures/webhook-submission.json' with { type: 'json' };
import { jotformIntegration } from '../../src/integrations/jotform/integration.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestService } from '../helpers/service.js';
import { jotformTime, startFakeJotform, type FakeJotform, type JotformRow } from '../providers/jotform.js';

const SEC = 1000;

describe.each(DIALECTS)('Jotform end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let jf: FakeJotform;
  let receiver: FakeReceiver;
  let worker: DeliveryWorker;
  let poller: Poller;
  let clock: TestClock;
  let credentialId: string;
  let form: JotformRow;

  const deliveries = () => receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: any });
  const subscribed = async (type: string, parameters: Record<string, unknown> = {}) => subscriptionOf(await w.subscribe(type, parameters));
  const tick = async (ms = 2 * SEC) => {
    clock.advance(ms);
    await poller.runDue();
    await worker.drain();
  };
  const ourUrl = (subscriptionId: string, formId = form.id) => (jf.hooks.get(formId) ?? []).find((u) => u.startsWith(`${t.url}/hooks/s/${subscriptionId}?`));
  const fieldsFor = (formId: string, submissionID: string) => ({ ...webhookSubmission, formID: formId, submissionID });

  beforeEach(async () => {
    clock = new TestClock(Date.now());
    jf = await startFakeJotform();
    jf.validKeys.add('jf-key-1');
    form = jf.addForm(jotformTime(clock.now() - 86_400_000));
    w = await startIntegrationWorld({ dialect, integration: jotformIntegration, now: clock.now, poller: true, config: { apiBaseUrl: jf.url }, credential: { apiKey: 'jf-key-1' } });
    ({ t, receiver, worker } = w);
    poller = w.poller!;
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await jf.close();
  });

  it('new submission: webhook added with a token URL, one signed delivery, resend deduplicated, webhook removed by position', async () => {
    jf.hooks.set(form.id, ['https://hooks.example.com/someone-else']);
    const sub = await subscribed('JOTFORM_TRIGGER_NEW_SUBMISSION', { formId: form.id });
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const url = ourUrl(sub.id)!;
    expect(new URL(url).searchParams.get('token')).toMatch(/^[0-9a-f]{64}$/);
    expect(jf.requests.find((r) => r.method === 'POST')).toMatchObject({ path: `/form/${form.id}/webhooks`, apiKey: 'jf-key-1', body: { webhookURL: url } });

    expect(await jf.deliver(form.id, fieldsFor(form.id, '5308741572752112119'), { url })).toEqual([200]);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      integration: 'jotform', triggerType: 'JOTFORM_TRIGGER_NEW_SUBMISSION', triggerSubscriptionId: sub.id, credentialId,
      payload: { formID: form.id, submissionID: '5308741572752112119', rawRequest: { q4_email: 'ada@example.com', q3_fullName: { first: 'Ada', last: 'Lovelace' } }, pretty: webhookSubmission.pretty },
    });
    expectSignedDelivery(sent!, w.project.signingSecret);

    // The same submission again (a resend), and another form's submission posted to our URL: nothing new.
    expect(await jf.deliver(form.id, fieldsFor(form.id, '5308741572752112119'), { url })).toEqual([200]);
    expect(await jf.deliver(form.id, fieldsFor('230583697150999', '5308741572752112120'), { url })).toEqual([200]);
    expect(await jf.deliver(form.id, fieldsFor(form.id, '5308741572752112121'), { url })).toEqual([200]);
    await worker.drain();
    await receiver.waitFor(2);
    expect(deliveries().map((d) => d.payload.submissionID)).toEqual(['5308741572752112119', '5308741572752112121']);

    // Someone removed an earlier webhook: ours moved from position 1 to 0 and is still the one deleted.
    jf.hooks.set(form.id, [url, 'https://hooks.example.com/another']);
    expect((await w.user.delete(`${w.base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(jf.hooks.get(form.id)).toEqual(['https://hooks.example.com/another']);
    expect(jf.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/form/${form.id}/webhooks/0` });
  });

  it('refuses a wrong, foreign or missing token with 401 and stores nothing', async () => {
    const sub = await subscribed('JOTFORM_TRIGGER_NEW_SUBMISSION', { formId: form.id });
    const other = await subscribed('JOTFORM_TRIGGER_NEW_SUBMISSION', { formId: form.id });
    const url = new URL(ourUrl(sub.id)!);
    const forged = (token: string | null) => {
      const u = new URL(url);
      if (token === null) u.searchParams.delete('token');
      else u.searchParams.set('token', token);
      return u.toString();
    };
    const fields = fieldsFor(form.id, '5308741572752112119');
    expect(await jf.deliver(form.id, fields, { url: forged('0'.repeat(64)) })).toEqual([401]);
    expect(await jf.deliver(form.id, fields, { url: forged(new URL(ourUrl(other.id)!).searchParams.get('token')) })).toEqual([401]);
    expect(await jf.deliver(form.id, fields, { url: forged(null) })).toEqual([401]);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('reports refusals at subscribe time and stores nothing: bad or missing formId, unknown form, rate limit, 5xx', async () => {
    const bad = await w.subscribe('JOTFORM_TRIGGER_NEW_SUBMISSION', { formId: '../user' });
    expect([bad.status, bad.body.code]).toEqual([400, 'INVALID_PARAMETER']);
    expect(bad.text).toContain('formId');
    expect((await w.subscribe('JOTFORM_TRIGGER_NEW_SUBMISSION', {})).status).toBe(400);
    const unknown = await w.subscribe('JOTFORM_TRIGGER_NEW_SUBMISSION', { formId: '111111111111111' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toContain('111111111111111');
    jf.failNext(1, 429, 'API-Limit exceeded');
    expect((await w.subscribe('JOTFORM_TRIGGER_NEW_SUBMISSION', { formId: form.id })).status).toBe(429);
    jf.failNext(1, 503);
    expect((await w.subscribe('JOTFORM_TRIGGER_NEW_SUBMISSION', { formId: form.id })).status).toBe(502);
    expect((await w.user.get(`${w.base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(jf.hooks.get(form.id) ?? []).toEqual([]);
  });

  it('checks the webhook every hour: one removed at Jotform is added again with a new token and delivers', async () => {
    const sub = await subscribed('JOTFORM_TRIGGER_NEW_SUBMISSION', { formId: form.id });
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: clock.now() - 1 });
    const first = ourUrl(sub.id)!;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    jf.hooks.set(form.id, []);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = ourUrl(sub.id)!;
    expect(second).not.toBe(first);
    expect(await jf.deliver(form.id, fieldsFor(form.id, '5308741572752112119'), { url: first })).toEqual([401]);
    expect(await jf.deliver(form.id, fieldsFor(form.id, '5308741572752112119'))).toEqual([200]);
    await worker.drain();
    expect((await receiver.waitFor(1)).map((r) => (r.json as { triggerSubscriptionId: string }).triggerSubscriptionId)).toEqual([sub.id]);
  });

  it('new form and new submission in any form: baseline not delivered, each new one delivered once, same-second rows kept', async () => {
    jf.addSubmission(form.id, jotformTime(clock.now() - 60_000));
    const forms = await subscribed('JOTFORM_TRIGGER_NEW_FORM');
    const subs = await subscribed('JOTFORM_TRIGGER_NEW_SUBMISSION_ANY_FORM');
    expect(jf.requests.filter((r) => r.path === '/user/forms').at(-1)!.query).toMatchObject({ orderby: 'created_at', direction: 'DESC', limit: '100' });
    await tick();
    expect(receiver.requests).toHaveLength(0);

    const now = jotformTime(clock.now());
    const newForm = jf.addForm(now, { title: 'Feedback' });
    const s1 = jf.addSubmission(form.id, now);
    await tick();
    // Another submission created in the same second as the cursor is still found.
    const s2 = jf.addSubmission(newForm.id, now);
    await tick();
    await tick();
    expect(deliveries().filter((d) => d.triggerSubscriptionId === forms.id).map((d) => d.payload.id)).toEqual([newForm.id]);
    expect(deliveries().filter((d) => d.triggerSubscriptionId === subs.id).map((d) => d.payload.id)).toEqual([s1.id, s2.id]);
    const later = jf.requests.filter((r) => r.path === '/user/submissions').at(-1)!.query;
    expect(JSON.parse(later.filter!)).toEqual({ 'created_at:gt': jotformTime(Date.parse(`${now.replace(' ', 'T')}Z`) - SEC) });
    expect(later).toMatchObject({ orderby: 'created_at', direction: 'ASC' });
    expectSignedDelivery(receiver.requests[0]!, w.project.signingSecret);
  });

  it('backs off on 429 (daily API limit) and marks a revoked key INVALID on 401', async () => {
    const sub = await subscribed('JOTFORM_TRIGGER_NEW_FORM');
    const f = jf.addForm(jotformTime(clock.now()));
    jf.failNext(1, 429, 'API-Limit exceeded');
    await tick();
    expect((await t.svc.storage.credentials.get(credentialId))!.rateLimitedUntil).toBeGreaterThan(clock.now());
    expect((await w.user.get(`${w.base}/trigger-subscriptions/${sub.id}`)).body).toMatchObject({ status: 'ACTIVE' });
    await tick(2 * 60 * 60 * SEC);
    expect(deliveries().map((d) => d.payload.id)).toEqual([f.id]);

    jf.validKeys.clear();
    await tick(10 * SEC);
    expect((await t.svc.storage.credentials.get(credentialId))!.status).toBe('INVALID');
    expect((await w.user.get(`${w.base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ERRORED');
    expect(JSON.stringify((await w.user.get(`${w.base}/trigger-subscriptions/${sub.id}`)).body)).not.toContain('jf-key-1');
  });
});
