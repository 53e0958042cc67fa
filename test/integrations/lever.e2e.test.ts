// Lever end to end through the public API, on SQLite and PostgreSQL: subscribe → a webhook created at the fake
// Lever (our per-subscription URL and the trigger's event, with the OAuth bearer token) and its signatureToken
// stored → a delivery signed in the body (HMAC-SHA256 of token + triggeredAt) → one signed delivery at the
// receiver → Lever's retry of the same event adds nothing → unsubscribe deletes the webhook. Plus bad, missing and
// foreign signatures refused (401, nothing stored), a replayed signature with a changed body dropped, Lever's
// test request ignored, parameter and provider errors at subscribe time, and the hourly check re-creating a
// webhook deleted in Lever.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import { applicationCreated, candidateArchiveChange, candidateDeleted, candidateHired, candidateStageChange } from '../../src/integrations/lever/fixtures/events.js';
import { leverIntegration } from '../../src/integrations/lever/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeLever, type FakeLever, type LeverHook } from '../providers/lever.js';

describe.each(DIALECTS)('Lever end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let lv: FakeLever;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribed = async (type: string, parameters: Record<string, unknown> = {}) => subscriptionOf(await w.subscribe(type, parameters));
  const hookFor = (subscriptionId: string): LeverHook | undefined => [...lv.hooks.values()].find((h) => h.url === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    lv = await startFakeLever();
    lv.validTokens.add('valid-token');
    w = await startIntegrationWorld({
      dialect,
      integration: leverIntegration,
      config: { clientId: 'lever-client', clientSecret: 'lever-client-secret', apiBaseUrl: lv.apiBaseUrl },
      credential: { accessToken: 'valid-token', providerAccountId: 'lever-account-1' },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await lv.close();
  });

  it('candidate hired: webhook created and its signatureToken stored, one delivery, the retry deduplicated, webhook deleted on unsubscribe', async () => {
    const sub = await subscribed('LEVER_TRIGGER_CANDIDATE_HIRED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = hookFor(sub.id)!;
    expect(hook.event).toBe('candidateHired');
    const post = lv.requests.find((r) => r.method === 'POST')!;
    expect(post.auth).toBe('Bearer valid-token');
    expect(post.body).toEqual({ url: `${t.url}/hooks/s/${sub.id}`, event: 'candidateHired' });
    expect(JSON.stringify(await t.svc.storage.subscriptions.get(sub.id))).toContain(hook.id);

    const first = await lv.deliver(hook.id, candidateHired);
    expect(first.status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      integration: 'lever', triggerType: 'LEVER_TRIGGER_CANDIDATE_HIRED', triggerSubscriptionId: sub.id, credentialId, projectId: project.id,
    });
    // Subscribers get the event; Lever's token and signature served verification only.
    expect((sent!.json as { payload: unknown }).payload).toEqual(candidateHired);
    expectSignedDelivery(sent!, project.signingSecret);

    // Lever retries the same delivery (our answer was lost): acknowledged, nothing new.
    expect((await lv.deliver(hook.id, candidateHired, { token: String(first.sent.token) })).status).toBe(200);
    // Lever's test request (`data: {}`) and another event reaching this URL are acknowledged and ignored.
    expect((await lv.deliver(hook.id, { event: 'candidateHired', triggeredAt: Date.now(), data: {} })).status).toBe(200);
    expect((await lv.deliver(hook.id, candidateDeleted)).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(lv.hooks.size).toBe(0);
    expect(lv.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
    expect(lv.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/v1/webhooks/${hook.id}` });
  });

  it('each trigger registers its own Lever event and delivers it', async () => {
    const cases = [
      ['LEVER_TRIGGER_APPLICATION_CREATED', applicationCreated],
      ['LEVER_TRIGGER_CANDIDATE_STAGE_CHANGED', candidateStageChange],
      ['LEVER_TRIGGER_CANDIDATE_ARCHIVE_CHANGED', candidateArchiveChange],
      ['LEVER_TRIGGER_CANDIDATE_DELETED', candidateDeleted],
    ] as const;
    for (const [type, body] of cases) {
      const hook = hookFor((await subscribed(type)).id)!;
      expect(hook.event).toBe(body.event);
      expect((await lv.deliver(hook.id, body)).status).toBe(200);
    }
    await worker.drain();
    const sent = await receiver.waitFor(4);
    expect(sent.map((s) => (s.json as { triggerType: string }).triggerType).sort()).toEqual(cases.map(([type]) => type).sort());
  });

  it('candidate stage changed with toStageId: only moves into that stage; a bad stage id is refused naming the field', async () => {
    const bad = await w.subscribe('LEVER_TRIGGER_CANDIDATE_STAGE_CHANGED', { toStageId: 'not a stage' });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(bad.status).toBeLessThan(500);
    expect(bad.text).toContain('parameters.toStageId');
    expect(lv.hooks.size).toBe(0);

    const sub = await subscribed('LEVER_TRIGGER_CANDIDATE_STAGE_CHANGED', { toStageId: 'offer' });
    const hook = hookFor(sub.id)!;
    expect((await lv.deliver(hook.id, candidateStageChange)).status).toBe(200);
    const intoOffer = { ...candidateStageChange, id: 'evt-into-offer', data: { ...candidateStageChange.data, toStageId: 'offer' } };
    expect((await lv.deliver(hook.id, intoOffer)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect((sent!.json as { payload: { id: string } }).payload.id).toBe('evt-into-offer');
    expect(receiver.requests).toHaveLength(1);
  });

  it('refuses a wrong key, another webhook\'s key, a changed token or triggeredAt and a missing signature with 401, storing nothing', async () => {
    const hook = hookFor((await subscribed('LEVER_TRIGGER_APPLICATION_CREATED')).id)!;
    const other = hookFor((await subscribed('LEVER_TRIGGER_APPLICATION_CREATED')).id)!;
    expect((await lv.deliver(hook.id, applicationCreated, { key: 'ab'.repeat(24) })).status).toBe(401);
    expect((await lv.deliver(hook.id, applicationCreated, { key: other.signatureToken })).status).toBe(401);
    expect((await lv.deliver(hook.id, applicationCreated, { alter: (b) => ({ ...b, token: `${String(b.token).slice(0, -1)}x` }) })).status).toBe(401);
    expect((await lv.deliver(hook.id, applicationCreated, { alter: (b) => ({ ...b, triggeredAt: Number(b.triggeredAt) + 1 }) })).status).toBe(401);
    expect((await lv.deliver(hook.id, applicationCreated, { signature: null })).status).toBe(401);
    expect((await lv.deliver(hook.id, applicationCreated, { signature: 'zz'.repeat(32) })).status).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('a captured signature replayed with another id and data maps to the stored key and is dropped', async () => {
    const hook = hookFor((await subscribed('LEVER_TRIGGER_CANDIDATE_HIRED')).id)!;
    const original = await lv.deliver(hook.id, candidateHired, { token: 'a'.repeat(48) });
    expect(original.status).toBe(200);
    // Same token, triggeredAt and signature (all valid), another event id and candidate: Lever signs neither.
    const replay = await lv.deliver(hook.id, candidateHired, { token: 'a'.repeat(48), alter: (b) => ({ ...b, id: 'forged-event', data: { opportunityId: 'forged' } }) });
    expect(replay.status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect((sent!.json as { payload: { data: { opportunityId: string } } }).payload.data.opportunityId).toBe(candidateHired.data.opportunityId);
    expect(receiver.requests).toHaveLength(1);
  });

  it('maps errors at subscribe time and stores nothing: 400 with Lever\'s message, 429, 5xx, 401 without leaking the token', async () => {
    lv.failNext(1, 400, { code: 'BadRequestError', message: 'url must use https' });
    const r400 = await w.subscribe('LEVER_TRIGGER_CANDIDATE_DELETED', {});
    expect(r400.status).toBe(422);
    expect(r400.body.message).toContain('url must use https');
    lv.failNext(1, 429, { code: 'TooManyRequests', message: 'Rate limit exceeded' }, { 'retry-after': '2' });
    expect((await w.subscribe('LEVER_TRIGGER_CANDIDATE_DELETED', {})).status).toBe(429);
    lv.failNext(1, 503, { code: 'ServiceUnavailable', message: 'Lever is temporarily down for maintenance' });
    expect((await w.subscribe('LEVER_TRIGGER_CANDIDATE_DELETED', {})).status).toBe(502);
    lv.failNext(1, 401, { code: 'UnauthorizedError', message: 'Invalid or expired access token' });
    const r401 = await w.subscribe('LEVER_TRIGGER_CANDIDATE_DELETED', {});
    expect(r401.status).toBeGreaterThanOrEqual(400);
    expect(r401.text).not.toContain('valid-token');
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(lv.hooks.size).toBe(0);
  });

  it('checks the webhook every hour: one deleted in Lever is created again, and only its new signatureToken verifies', async () => {
    const sub = await subscribed('LEVER_TRIGGER_CANDIDATE_ARCHIVE_CHANGED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });

    const first = hookFor(sub.id)!;
    const before = lv.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(lv.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/webhooks']);

    lv.hooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect(second.id).not.toBe(first.id);
    expect(second.signatureToken).not.toBe(first.signatureToken);

    expect((await lv.deliver(second.id, candidateArchiveChange, { key: first.signatureToken })).status).toBe(401);
    expect((await lv.deliver(second.id, candidateArchiveChange)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });
});
