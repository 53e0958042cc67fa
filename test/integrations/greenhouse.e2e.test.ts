// Greenhouse end to end through the public API, on SQLite and PostgreSQL, against the fake Greenhouse (the project's
// apiBaseUrl and tokenUrl point at it): a credential stored as a client id and secret with extra.userId → subscribe
// (the engine exchanges the client at the token endpoint with HTTP Basic and sub=userId, then the baseline list read
// with that Bearer token; nothing delivered) → a new candidate / application version / offer / job → the real Poller on
// a test clock → exactly one signed delivery each → re-polls deliver nothing more → unsubscribe stops the polling.
// Plus: parameters refused with the field named and applied as Greenhouse filters; 429 with Retry-After backing the
// credential off and a 5xx retried; a revoked token (401) exchanged again once; a revoked client marking the credential
// INVALID and the subscription ERRORED. Greenhouse has no webhooks a credential can register, so there is no inbound
// signature to forge.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { CLIENT_REFUSED_MESSAGE } from '../../src/engine/tokens.js';
import type { Poller } from '../../src/engine/poller.js';
import { greenhouseIntegration } from '../../src/integrations/greenhouse/integration.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestService } from '../helpers/service.js';
import { startFakeGreenhouse, type FakeGreenhouse } from '../providers/greenhouse.js';

const SEC = 1000;

describe.each(DIALECTS)('Greenhouse end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let gh: FakeGreenhouse;
  let receiver: FakeReceiver;
  let worker: DeliveryWorker;
  let poller: Poller;
  let clock: TestClock;
  let credentialId: string;

  const deliveries = () => receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: any });
  const subscribed = async (type: string, parameters: Record<string, unknown> = {}) => subscriptionOf(await w.subscribe(type, parameters));
  const tick = async (ms = 2 * SEC) => {
    clock.advance(ms);
    await poller.runDue();
    await worker.drain();
  };

  beforeEach(async () => {
    clock = new TestClock(Date.now());
    gh = await startFakeGreenhouse();
    gh.add('candidates', { createdAt: clock.now() - 60_000 });
    gh.add('applications', { createdAt: clock.now() - 60_000 });
    w = await startIntegrationWorld({
      dialect,
      integration: greenhouseIntegration,
      now: clock.now,
      poller: true,
      config: { apiBaseUrl: `${gh.url}/v3`, tokenUrl: gh.tokenUrl },
      credential: { clientId: gh.clientId, clientSecret: gh.clientSecret, extra: { userId: '4080' } },
    });
    ({ t, receiver, worker } = w);
    poller = w.poller!;
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await gh.close();
  });

  it('candidate created: token exchanged with Basic auth and sub, baseline at subscribe, one signed delivery, no duplicate, nothing after unsubscribe', async () => {
    expect(gh.tokenRequests).toHaveLength(0); // nothing is fetched when the credential is stored
    const sub = await subscribed('GREENHOUSE_TRIGGER_CANDIDATE_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    expect(gh.tokenRequests).toEqual([{
      basic: `Basic ${Buffer.from(`${gh.clientId}:${gh.clientSecret}`).toString('base64')}`,
      form: { grant_type: 'client_credentials', sub: '4080' },
      status: 200,
    }]);
    const [baseline] = gh.lists('candidates');
    expect(baseline).toMatchObject({ auth: 'Bearer gh-token-1', query: { per_page: '500' } });
    expect(baseline!.query.created_at).toMatch(/^gte\|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    await tick();
    expect(receiver.requests).toHaveLength(0); // the candidate that existed before subscribing is never delivered

    const c = gh.add('candidates', { createdAt: clock.now(), name: 'Kate' });
    await tick();
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({
      integration: 'greenhouse', triggerType: 'GREENHOUSE_TRIGGER_CANDIDATE_CREATED', triggerSubscriptionId: sub.id, credentialId, userId: 'user-1',
      payload: { id: c.id, first_name: 'Kate' },
    });
    expectSignedDelivery(delivery!, w.project.signingSecret);
    gh.update(c.id, clock.now() + SEC);
    await tick();
    await tick();
    expect(receiver.requests).toHaveLength(1);
    expect(gh.tokenRequests).toHaveLength(1); // the stored token was used again

    expect((await w.user.delete(`${w.base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    const calls = gh.requests.length;
    gh.add('candidates', { createdAt: clock.now() });
    await tick();
    expect(gh.requests.length).toBe(calls);
    expect(receiver.requests).toHaveLength(1);
  });

  it('application updated, offer created (job filter) and job created: one delivery per version or record', async () => {
    const [existing] = gh.records.filter((r) => r.kind === 'applications');
    const updated = await subscribed('GREENHOUSE_TRIGGER_APPLICATION_UPDATED');
    const offers = await subscribed('GREENHOUSE_TRIGGER_OFFER_CREATED', { jobId: '77' });
    const jobs = await subscribed('GREENHOUSE_TRIGGER_JOB_CREATED');
    gh.update(existing!.id, clock.now() + SEC, { name: 'rejected' });
    const offer = gh.add('offers', { createdAt: clock.now() + SEC, jobId: 77 });
    gh.add('offers', { createdAt: clock.now() + SEC, jobId: 78 });
    const job = gh.add('jobs', { createdAt: clock.now() + SEC, name: 'Staff Engineer' });
    await tick();
    await tick();
    gh.update(existing!.id, clock.now() + SEC, { name: 'hired' });
    await tick();
    await tick();
    const got = deliveries();
    expect(got.filter((d) => d.triggerSubscriptionId === updated.id).map((d) => [d.payload.id, d.payload.status])).toEqual([[existing!.id, 'rejected'], [existing!.id, 'hired']]);
    expect(got.filter((d) => d.triggerSubscriptionId === offers.id).map((d) => d.payload.id)).toEqual([offer.id]);
    expect(got.filter((d) => d.triggerSubscriptionId === jobs.id).map((d) => [d.payload.id, d.payload.name])).toEqual([[job.id, 'Staff Engineer']]);
    expect(got).toHaveLength(4);
    expect(gh.lists('offers').every((r) => r.query.job_ids === '77' || Object.keys(r.query).join() === 'cursor')).toBe(true);

    const bad = await w.subscribe('GREENHOUSE_TRIGGER_APPLICATION_CREATED', { jobId: '7 OR 1=1' });
    expect([bad.status, bad.body.code]).toEqual([400, 'INVALID_PARAMETER']);
    expect(bad.body.message).toContain('parameters.jobId');
  });

  it('backs off on 429 (Retry-After), retries a 5xx, exchanges again after a 401, and a revoked client marks the credential INVALID', async () => {
    const sub = await subscribed('GREENHOUSE_TRIGGER_APPLICATION_CREATED');
    const app = gh.add('applications', { createdAt: clock.now() });
    gh.failNext(1, 429, { 'retry-after': '10' });
    await tick();
    expect((await t.svc.storage.credentials.get(credentialId))!.rateLimitedUntil).toBe(clock.now() + 10_000);
    const calls = gh.requests.length;
    await tick();
    expect(gh.requests.length).toBe(calls); // paused until Retry-After
    clock.advance(10_000);
    gh.failNext(1, 503);
    await tick();
    expect((await t.svc.storage.subscriptions.get(sub.id))!.consecutiveFailures).toBe(1);
    await tick(10 * SEC);
    expect(deliveries().map((d) => d.payload.id)).toEqual([app.id]);

    gh.tokens.clear(); // the token was revoked: one new exchange, and the call is made again with it
    const second = gh.add('applications', { createdAt: clock.now() });
    await tick(10 * SEC);
    expect(gh.tokenRequests.map((r) => r.status)).toEqual([200, 200]);
    expect(gh.lists('applications').at(-1)!.auth).toBe('Bearer gh-token-2');
    expect(deliveries().map((d) => d.payload.id)).toEqual([app.id, second.id]);

    gh.tokens.clear();
    gh.clientSecret = 'rotated-in-greenhouse'; // the client secret was regenerated in Greenhouse
    await tick(10 * SEC);
    expect(gh.tokenRequests.at(-1)!.status).toBe(401);
    expect(await t.svc.storage.credentials.get(credentialId)).toMatchObject({ status: 'INVALID', statusReason: CLIENT_REFUSED_MESSAGE });
    const body = (await w.user.get(`${w.base}/trigger-subscriptions/${sub.id}`)).body;
    expect(body.status).toBe('ERRORED');
    expect(JSON.stringify(body)).not.toContain(gh.tokenRequests[0]!.basic!.slice(6));
  });
});
