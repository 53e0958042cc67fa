// Google Forms end to end through the public API, on SQLite and PostgreSQL, with the real Poller and
// delivery worker against the fake Forms API: subscribe → baseline (form checked, existing responses not
// delivered) → new responses delivered once, signed → re-poll → no duplicate; responses sharing one
// timestamp across pages; 429 backed off; an expired token refreshed, a revoked one marking the credential
// INVALID; an unknown form refused at subscribe time with Google's message.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Poller } from '../../src/engine/poller.js';
import { googleFormsIntegration } from '../../src/integrations/googleForms/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { rateLimited } from '../providers/google-calendar.js';
import { startFakeGoogleForms, type FakeGoogleForms } from '../providers/google-forms.js';

const NEW = 'GOOGLE_FORMS_TRIGGER_NEW_RESPONSE';
const FORM = '1mYF0rmIdExample0123456789abcdefghijklmnop';

describe.each(DIALECTS)('Google Forms end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let forms: FakeGoogleForms;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let poller: Poller;
  let clock: TestClock;
  let base: string;
  let credentialId: string;

  const post = (parameters: Record<string, unknown>) => user.post(`${base}/trigger-subscriptions`, { integration: 'googleForms', type: NEW, parameters });
  const subscribe = async () => {
    const r = await post({ formId: FORM });
    expect(r.status, r.text).toBe(200);
    return r.body as { id: string };
  };
  const tick = async (ms = 60_000) => {
    clock.advance(ms);
    await poller.runDue();
    await worker.drain();
  };
  const submit = (id: string, at = clock.now()) => forms.submit(FORM, { responseId: id, createTime: new Date(at).toISOString() });
  const keys = () => receiver.requests.map((r) => (r.json as { payload: { responseId: string } }).payload.responseId);

  beforeEach(async () => {
    clock = new TestClock(Date.now());
    forms = await startFakeGoogleForms();
    forms.addForm(FORM, 'Event sign-up');
    w = await startIntegrationWorld({
      dialect,
      integration: googleFormsIntegration,
      now: clock.now,
      poller: true,
      config: { clientId: 'google-client', clientSecret: 'google-client-secret', apiBaseUrl: forms.url, tokenUrl: `${forms.url}/token` },
      credential: { accessToken: 'valid-token', refreshToken: 'valid-refresh-token', providerAccountId: 'lpage@example.com' },
    });
    ({ t, receiver, project, base, user, worker } = w);
    poller = w.poller!;
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await forms.close();
  });

  it('the baseline delivers nothing; each new response is delivered once, signed; unsubscribe stops polling', async () => {
    submit('before-1', clock.now() - 30_000);
    const sub = await subscribe();
    expect(forms.requests.map((r) => r.path)).toEqual([`/v1/forms/${FORM}`, `/v1/forms/${FORM}/responses`]);
    await tick();
    expect(receiver.requests).toHaveLength(0);

    submit('r-1');
    await tick();
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({ integration: 'googleForms', triggerType: NEW, triggerSubscriptionId: sub.id, credentialId, payload: { formId: FORM, responseId: 'r-1' } });
    expectSignedDelivery(delivery!, project.signingSecret);
    await tick();
    await tick();
    expect(keys()).toEqual(['r-1']);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    const calls = forms.requests.length;
    submit('after');
    await tick(60 * 60_000);
    expect(forms.requests.length).toBe(calls);
  });

  it('responses sharing one timestamp across several pages are each delivered once', async () => {
    await subscribe();
    forms.maxPageSize = 2;
    const at = clock.now() + 1000;
    const ids = ['s-1', 's-2', 's-3', 's-4', 's-5'];
    for (const id of ids) submit(id, at);
    await tick();
    await tick();
    expect(keys().sort()).toEqual(ids);
    expect(forms.listCalls().some((c) => c.pageToken !== null)).toBe(true);
  });

  it('backs off on 429 without erroring, and loses nothing', async () => {
    const sub = await subscribe();
    submit('busy');
    forms.failNext(1, rateLimited.tooMany(120));
    await tick();
    expect((await t.svc.storage.credentials.get(credentialId))!.rateLimitedUntil).toBe(clock.now() + 120_000);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
    expect(receiver.requests).toHaveLength(0);
    await tick(120_000);
    expect(keys()).toEqual(['busy']);
  });

  it('401: refreshes an expired token and polls on; a revoked refresh token marks the credential INVALID', async () => {
    const sub = await subscribe();
    forms.validTokens.delete('valid-token');
    submit('after-expiry');
    await tick();
    expect(forms.tokenRequests).toEqual([expect.objectContaining({ grant_type: 'refresh_token', refresh_token: 'valid-refresh-token' })]);
    expect(keys()).toEqual(['after-expiry']);

    forms.validTokens.clear();
    forms.refreshTokens.clear();
    await tick();
    expect((await t.svc.storage.credentials.get(credentialId))!.status).toBe('INVALID');
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ERRORED');
    const logs = JSON.stringify((await t.admin.get(`/admin/v1/projects/${project.id}/subscriptions/${sub.id}/logs`)).body);
    expect(logs).not.toContain('valid-refresh-token');
  });

  it('an unknown form is refused at subscribe time with Google\'s message; a bad id reads nothing', async () => {
    const bad = await post({ formId: `https://docs.google.com/forms/d/${FORM}/edit` });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('formId');
    expect(forms.requests).toEqual([]);
    const missing = await post({ formId: 'NoSuchForm0123456789' });
    expect(missing.status).toBeGreaterThanOrEqual(400);
    expect(missing.status).toBeLessThan(500);
    expect(missing.text).toContain('Requested entity was not found.');
    expect(missing.text).not.toContain('valid-token');
    expect(forms.listCalls()).toEqual([]);
  });
});
