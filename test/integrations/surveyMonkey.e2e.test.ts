// SurveyMonkey end to end through the public API, on SQLite and PostgreSQL: subscribe → SurveyMonkey checks our hook
// URL with HEAD (answered 200 by the service) and creates a survey-filtered webhook → SurveyMonkey posts a signed
// callback with ids only → the service reads the response back → exactly one signed delivery with the answers →
// SurveyMonkey's retry of the same event adds nothing → unsubscribe → the webhook is deleted. Plus forged
// signatures (401, nothing stored), refusals at subscribe time, a failed read back answered 503 so SurveyMonkey
// retries, and the hourly check that creates again a webhook deleted in SurveyMonkey (ADR 0018).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import responseDetails from '../../src/integrations/surveyMonkey/fixtures/response-details.json' with { type: 'json' };
import responseEvent from '../../src/integrations/surveyMonkey/fixtures/response-event.json' with { type: 'json' };
import surveyCreatedEvent from '../../src/integrations/surveyMonkey/fixtures/survey-created-event.json' with { type: 'json' };
import survey from '../../src/integrations/surveyMonkey/fixtures/survey.json' with { type: 'json' };
import { surveyMonkeyIntegration } from '../../src/integrations/surveyMonkey/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld, subscriptionOf } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeSurveyMonkey, surveyMonkeySignature, type FakeSurveyMonkey, type SurveyMonkeyHook } from '../providers/surveyMonkey.js';

const SURVEY = responseEvent.resources.survey_id;
const RESPONSE = responseEvent.object_id;
const USER_ID = responseEvent.resources.user_id;

describe.each(DIALECTS)('SurveyMonkey end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let sm: FakeSurveyMonkey;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const events = () => w.events();
  const subscribe = (type: string, parameters: Record<string, unknown> = { surveyId: SURVEY }, headers?: Record<string, string>) => w.subscribe(type, parameters, headers);
  const subscribed = async (type: string, parameters: Record<string, unknown> = { surveyId: SURVEY }) => subscriptionOf(await subscribe(type, parameters));
  const hookFor = (subscriptionId: string): SurveyMonkeyHook | undefined =>
    [...sm.hooks.values()].find((h) => h.subscription_url === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    sm = await startFakeSurveyMonkey();
    sm.validTokens.set('user-token', USER_ID);
    sm.surveys.set(SURVEY, { ...survey, id: SURVEY });
    sm.surveys.set(survey.id, survey);
    sm.responses.set(`${SURVEY}/${RESPONSE}`, responseDetails);
    w = await startIntegrationWorld({
      dialect,
      integration: surveyMonkeyIntegration,
      // SurveyMonkey signs callbacks with "{client id}&{client secret}" of the app: the integration's webhookSecret.
      config: { clientId: sm.clientId, clientSecret: sm.clientSecret, apiBaseUrl: sm.apiBaseUrl, webhookSecret: sm.signingKey },
      credential: { accessToken: 'user-token', providerAccountId: USER_ID },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await sm.close();
  });

  it('response completed: webhook created after the HEAD check, callback read back, one signed delivery, retry deduplicated, webhook deleted', async () => {
    const sub = await subscribed('SURVEYMONKEY_TRIGGER_RESPONSE_COMPLETED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ event_type: 'response_completed', object_type: 'survey', object_ids: [SURVEY], token: 'user-token' });
    expect(sm.headChecks).toEqual([{ url: hook.subscription_url, status: 200 }]);

    expect((await sm.deliver(hook.id, responseEvent)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      userId: 'user-1', integration: 'surveyMonkey', triggerType: 'SURVEYMONKEY_TRIGGER_RESPONSE_COMPLETED', triggerSubscriptionId: sub.id,
      credentialId, projectId: project.id, payload: { event: responseEvent, response: responseDetails },
    });
    expectSignedDelivery(sent!, project.signingSecret);
    expect(sm.requests.filter((r) => r.path.endsWith('/details')).map((r) => r.auth)).toEqual(['Bearer user-token']);

    // SurveyMonkey retries the same event: acknowledged, nothing new. Another event type is acknowledged and ignored.
    expect((await sm.deliver(hook.id, responseEvent)).status).toBe(200);
    expect((await sm.deliver(hook.id, { ...responseEvent, event_type: 'response_updated', event_id: '10000123999' })).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(sm.hooks.size).toBe(0);
    expect(sm.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
    expect(sm.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/v3/webhooks/${hook.id}` });
  });

  it('survey created: one webhook without a survey filter, the new survey read back and delivered', async () => {
    const sub = await subscribed('SURVEYMONKEY_TRIGGER_SURVEY_CREATED', {});
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ event_type: 'survey_created', object_type: null, object_ids: [] });
    expect((await sm.deliver(hook.id, surveyCreatedEvent)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({ triggerType: 'SURVEYMONKEY_TRIGGER_SURVEY_CREATED', payload: { event: surveyCreatedEvent, survey } });
    expectSignedDelivery(sent!, project.signingSecret);
  });

  it('refuses forged, tampered and unsigned callbacks with 401 and stores nothing', async () => {
    const sub = await subscribed('SURVEYMONKEY_TRIGGER_RESPONSE_UPDATED');
    const hook = hookFor(sub.id)!;
    const updated = { ...responseEvent, event_type: 'response_updated' };
    // Keyed with the client secret alone, or another app's client id and secret.
    expect((await sm.deliver(hook.id, updated, { key: sm.clientSecret })).status).toBe(401);
    expect((await sm.deliver(hook.id, updated, { key: `${sm.clientId}&not-the-secret` })).status).toBe(401);
    const body = JSON.stringify(updated);
    const tampered = await fetch(hook.subscription_url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'sm-apikey': sm.clientId, 'sm-signature': surveyMonkeySignature(sm.signingKey, body) },
      body: body.replace(RESPONSE, '114599999999'),
    });
    expect(tampered.status).toBe(401);
    const unsigned = await fetch(hook.subscription_url, { method: 'POST', headers: { 'content-type': 'application/json', 'sm-apikey': sm.clientId }, body });
    expect(unsigned.status).toBe(401);
    await worker.drain();
    expect(await events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
    expect(sm.requests.filter((r) => r.path.endsWith('/details'))).toHaveLength(0);
  });

  it('refuses bad parameters (400 naming surveyId), SurveyMonkey refusals and a missing app key at subscribe time, storing nothing', async () => {
    const bad = await subscribe('SURVEYMONKEY_TRIGGER_RESPONSE_COMPLETED', { surveyId: 'Customer survey' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('surveyId');
    const missing = await subscribe('SURVEYMONKEY_TRIGGER_RESPONSE_COMPLETED', {});
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('surveyId');
    const unknown = await subscribe('SURVEYMONKEY_TRIGGER_RESPONSE_COMPLETED', { surveyId: '777' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toContain('Resource Not Found');
    sm.failNext(1, 429, { id: '1040', name: 'Rate limit reached', message: 'Too many requests.' }, { 'retry-after': '5' });
    expect((await subscribe('SURVEYMONKEY_TRIGGER_RESPONSE_COMPLETED')).status).toBe(429);
    const revoked = await user.post(`${base}/credentials`, { integration: 'surveyMonkey', accessToken: 'revoked-token', providerAccountId: '999' });
    expect(revoked.status, revoked.text).toBe(201);
    const r401 = await subscribe('SURVEYMONKEY_TRIGGER_RESPONSE_COMPLETED', { surveyId: SURVEY }, { 'x-paragon-credential': revoked.body.id });
    expect(r401.status).toBe(422);
    expect(r401.text).not.toContain('revoked-token');

    const put = await t.admin.put(`/admin/v1/projects/${project.id}/integrations/surveyMonkey`, { enabled: true, webhookSecret: null });
    expect(put.status, put.text).toBe(200);
    const noKey = await subscribe('SURVEYMONKEY_TRIGGER_RESPONSE_COMPLETED');
    expect(noKey.status).toBe(422);
    expect(noKey.body.message).toContain('webhookSecret');
    expect(noKey.body.message).toContain('{client id}&{client secret}');
    expect(noKey.text).not.toContain(sm.clientSecret);

    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(sm.hooks.size).toBe(0);
  });

  it('a failed read back answers 503 so SurveyMonkey retries; the retry delivers once', async () => {
    const sub = await subscribed('SURVEYMONKEY_TRIGGER_RESPONSE_COMPLETED');
    const hook = hookFor(sub.id)!;
    sm.failNext(1, 503, { id: '1051', name: 'Internal Server Error', message: 'Service unreachable. Please try again later.' });
    expect((await sm.deliver(hook.id, responseEvent)).status).toBe(503);
    await worker.drain();
    expect(await events()).toEqual([]);
    expect((await sm.deliver(hook.id, responseEvent)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
    expect(await events()).toHaveLength(1);
  });

  it('checks the webhook every hour: one deleted in SurveyMonkey is created again and delivers', async () => {
    const sub = await subscribed('SURVEYMONKEY_TRIGGER_RESPONSE_COMPLETED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });

    const first = hookFor(sub.id)!;
    const before = sm.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(sm.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v3/webhooks/${first.id}`]);

    sm.hooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect(second.id).not.toBe(first.id);
    expect((await sm.deliver(second.id, responseEvent)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });
});
