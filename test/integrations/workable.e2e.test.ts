// Workable end to end through the public API, on SQLite and PostgreSQL, against the fake Workable under the account's
// own path (the credential's `extra.subdomain`, given as users often write it, fills `{subdomain}`): subscribe to
// candidate created → a Workable subscription whose target is our per-subscription URL with `?token=` → Workable
// posts the signed candidate → exactly one delivery → a replay adds nothing → unsubscribe deletes the Workable
// subscription. Candidate moved with a stage filter (one event per stage and update time). A wrong or missing token
// refused (401, nothing stored) even with a valid X-Workable-Signature. Refusals at subscribe time, and the polled
// updates (baseline not delivered, 429 backing off, 401 → INVALID).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Poller } from '../../src/engine/poller.js';
import { workableIntegration } from '../../src/integrations/workable/integration.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestService } from '../helpers/service.js';
import { startFakeWorkable, type FakeWorkable } from '../providers/workable.js';

const SEC = 1000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe.each(DIALECTS)('Workable end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let wk: FakeWorkable;
  let receiver: FakeReceiver;
  let worker: DeliveryWorker;
  let poller: Poller;
  let clock: TestClock;
  let credentialId: string;

  const deliveries = () => receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: any });
  const subscribed = async (type: string, parameters: Record<string, unknown> = {}) => subscriptionOf(await w.subscribe(type, parameters));
  const ours = (subscriptionId: string) => [...wk.subscriptions.values()].find((s) => s.target.startsWith(`${t.url}/hooks/s/${subscriptionId}?`));
  const tick = async (ms = 2 * SEC) => {
    clock.advance(ms);
    await poller.runDue();
    await worker.drain();
  };

  beforeEach(async () => {
    clock = new TestClock(Date.now());
    wk = await startFakeWorkable();
    w = await startIntegrationWorld({
      dialect, integration: workableIntegration, now: clock.now, poller: true,
      config: { apiBaseUrl: wk.apiBaseTemplate },
      credential: { apiKey: wk.token, providerAccountId: 'groove-tech', extra: { subdomain: 'groove-tech.workable.com' } },
    });
    ({ t, receiver, worker } = w);
    poller = w.poller!;
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await wk.close();
  });

  it('candidate created: subscription with a token target, one signed delivery, replay deduplicated, deleted on unsubscribe', async () => {
    const sub = await subscribed('WORKABLE_TRIGGER_CANDIDATE_CREATED', { jobShortcode: 'GROOV005' });
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = ours(sub.id)!;
    expect(hook).toMatchObject({ event: 'candidate_created', args: { job_shortcode: 'GROOV005' } });
    expect(new URL(hook.target).searchParams.get('token')).toMatch(/^[0-9a-f]{64}$/);
    expect(wk.requests.find((r) => r.method === 'POST')).toMatchObject({ path: '/groove-tech/spi/v3/subscriptions', auth: `Bearer ${wk.token}` });

    const { candidate, statuses } = await wk.addCandidate('GROOV005', iso(clock.now()));
    expect(statuses).toEqual([200]);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({ integration: 'workable', triggerType: 'WORKABLE_TRIGGER_CANDIDATE_CREATED', triggerSubscriptionId: sub.id, credentialId, payload: candidate });
    expectSignedDelivery(sent!, w.project.signingSecret);

    // Workable replays the same candidate; a candidate of another job does not reach this subscription.
    expect(await wk.post(hook.target, candidate)).toBe(200);
    expect((await wk.addCandidate('GROOV006', iso(clock.now()))).statuses).toEqual([]);
    const second = await wk.addCandidate('GROOV005', iso(clock.now()));
    await worker.drain();
    await receiver.waitFor(2);
    expect(deliveries().map((d) => d.payload.id)).toEqual([candidate.id, second.candidate.id]);

    expect((await w.user.delete(`${w.base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(wk.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/groove-tech/spi/v3/subscriptions/${hook.id}` });
    expect(wk.subscriptions.size).toBe(0);
  });

  it('candidate moved into a stage: one event per stage and update time', async () => {
    const { candidate } = await wk.addCandidate('GROOV005', iso(clock.now()));
    const sub = await subscribed('WORKABLE_TRIGGER_CANDIDATE_MOVED', { stageSlug: 'hired' });
    expect(ours(sub.id)).toMatchObject({ event: 'candidate_moved', args: { stage_slug: 'hired' } });
    expect(await wk.moveCandidate(candidate.id, 'interview', iso(clock.now() + SEC))).toEqual([]);
    expect(await wk.moveCandidate(candidate.id, 'hired', iso(clock.now() + 2 * SEC))).toEqual([200]);
    expect(await wk.post(ours(sub.id)!.target, candidate)).toBe(200);
    expect(await wk.moveCandidate(candidate.id, 'hired', iso(clock.now() + 3 * SEC))).toEqual([200]);
    await worker.drain();
    await receiver.waitFor(2);
    expect(deliveries().map((d) => [d.payload.stage, d.payload.updated_at])).toEqual([['hired', iso(clock.now() + 2 * SEC)], ['hired', iso(clock.now() + 3 * SEC)]]);
  });

  it('refuses a wrong, foreign or missing URL token with 401 even when the body carries a valid X-Workable-Signature', async () => {
    const sub = await subscribed('WORKABLE_TRIGGER_CANDIDATE_CREATED');
    const other = await subscribed('WORKABLE_TRIGGER_CANDIDATE_CREATED');
    const target = new URL(ours(sub.id)!.target);
    const forged = (token: string | null) => {
      const u = new URL(target);
      if (token === null) u.searchParams.delete('token');
      else u.searchParams.set('token', token);
      return u.toString();
    };
    const body = { id: 'ce4da98', stage: 'applied', updated_at: iso(clock.now()) };
    expect(await wk.post(forged('0'.repeat(64)), body)).toBe(401);
    expect(await wk.post(forged(new URL(ours(other.id)!.target).searchParams.get('token')), body)).toBe(401);
    expect(await wk.post(forged(null), body)).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('reports refusals at subscribe time and stores nothing: bad parameters, unknown job, rate limit, 5xx', async () => {
    const bad = await w.subscribe('WORKABLE_TRIGGER_CANDIDATE_MOVED', { stageSlug: '../hired' });
    expect([bad.status, bad.body.code]).toEqual([400, 'INVALID_PARAMETER']);
    expect(bad.text).toContain('stageSlug');
    const unknown = await w.subscribe('WORKABLE_TRIGGER_CANDIDATE_CREATED', { jobShortcode: 'NOPE1' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toContain('NOPE1');
    wk.failNext(1, 429, { error: 'Too many requests' });
    expect((await w.subscribe('WORKABLE_TRIGGER_CANDIDATE_CREATED', {})).status).toBe(429);
    wk.failNext(1, 503);
    expect((await w.subscribe('WORKABLE_TRIGGER_CANDIDATE_CREATED', {})).status).toBe(502);
    expect((await w.user.get(`${w.base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(wk.subscriptions.size).toBe(0);
  });

  it('candidate updated (polled): baseline not delivered, each update once, 429 backs off, 401 marks the token INVALID', async () => {
    const { candidate: old } = await wk.addCandidate('GROOV005', iso(clock.now() - 60 * SEC));
    const sub = await subscribed('WORKABLE_TRIGGER_CANDIDATE_UPDATED');
    await tick();
    expect(receiver.requests).toHaveLength(0);

    await wk.moveCandidate(old.id, 'interview', iso(clock.now()));
    const { candidate: fresh } = await wk.addCandidate('GROOV006', iso(clock.now()));
    await tick();
    await tick();
    expect(deliveries().map((d) => [d.payload.id, d.payload.stage])).toEqual(expect.arrayContaining([[old.id, 'interview'], [fresh.id, 'applied']]));
    expect(receiver.requests).toHaveLength(2);
    expectSignedDelivery(receiver.requests[0]!, w.project.signingSecret);

    await wk.moveCandidate(fresh.id, 'hired', iso(clock.now() + SEC));
    wk.failNext(1, 429, { error: 'Too many requests' }, { 'x-rate-limit-reset': '8' });
    await tick();
    expect((await t.svc.storage.credentials.get(credentialId))!.rateLimitedUntil).toBeGreaterThan(clock.now());
    await tick(30 * SEC);
    expect(deliveries().map((d) => d.payload.stage)).toContain('hired');
    expect(receiver.requests).toHaveLength(3);

    wk.token = 'revoked';
    await tick(10 * SEC);
    expect((await t.svc.storage.credentials.get(credentialId))!.status).toBe('INVALID');
    expect((await w.user.get(`${w.base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ERRORED');
  });
});
