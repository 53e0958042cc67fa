// Greenhouse triggers at the source level: real HTTP against the fake Greenhouse (Harvest v3), with a harness that
// plays the engine's part (the baseline is recorded as seen, each key is kept once, the cursor is stored as JSON).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { greenhouseError, nextQueryOf } from '../../src/integrations/greenhouse/api.js';
import { greenhouseIntegration } from '../../src/integrations/greenhouse/integration.js';
import { MAX_PAGES, OVERLAP_MS, PAGE_SIZE } from '../../src/integrations/greenhouse/poll.js';
import { ProviderError, type AnyTriggerDefinition, type HttpClient, type Item, type PollSource } from '../../src/sdk/index.js';
import { recordPoll } from '../helpers/poll-harness.js';
import { startFakeGreenhouse, type FakeGreenhouse } from '../providers/greenhouse.js';

const SEC = 1000;
const T0 = Date.UTC(2026, 11, 8, 15, 0, 0);
const silent = { debug() {}, info() {}, warn() {} };

function trigger(type: string): AnyTriggerDefinition {
  const t = greenhouseIntegration.triggers.find((x) => x.type === type);
  if (!t) throw new Error(`no trigger ${type}`);
  return t;
}

class Harness {
  seen = new Set<string>();
  cursor: unknown = null;
  now = T0;
  constructor(private readonly http: () => HttpClient, private readonly type: string, private readonly params: Record<string, unknown> = {}) {}
  async poll(): Promise<Item[]> {
    const source = trigger(this.type).source as PollSource;
    const r = await source.poll({
      http: this.http(), params: this.params, credential: { id: 'cred-1', providerAccountId: null, extra: { userId: '4080' } },
      log: silent, signal: AbortSignal.timeout(10_000), now: () => this.now, cursor: this.cursor,
    });
    return recordPoll(this, r);
  }
}

describe('greenhouse', () => {
  let fake: FakeGreenhouse;
  let http: () => HttpClient;
  beforeEach(async () => {
    fake = await startFakeGreenhouse();
    fake.tokens.add('gh-test-token');
    http = () => createProviderHttp({
      integration: greenhouseIntegration, apiBaseUrl: `${fake.url}/v3`, credential: { id: 'cred-1', providerAccountId: null, extra: { userId: '4080' } },
      auth: { canRefresh: false, headers: async () => ({ authorization: 'Bearer gh-test-token' }) },
    });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('declares the triggers and client-credentials auth at auth.greenhouse.io with HTTP Basic and sub from extra.userId', () => {
    expect(greenhouseIntegration.triggers.map((t) => t.type)).toEqual([
      'GREENHOUSE_TRIGGER_CANDIDATE_CREATED', 'GREENHOUSE_TRIGGER_APPLICATION_CREATED', 'GREENHOUSE_TRIGGER_APPLICATION_UPDATED',
      'GREENHOUSE_TRIGGER_OFFER_CREATED', 'GREENHOUSE_TRIGGER_JOB_CREATED',
    ]);
    expect(greenhouseIntegration.auth).toMatchObject({
      kind: 'clientCredentials', tokenUrl: 'https://auth.greenhouse.io/token', clientAuth: 'basic',
      tokenParams: [{ field: 'sub', fromExtra: 'userId' }],
    });
    expect(greenhouseIntegration.apiBaseUrl).toBe('https://harvest.greenhouse.io/v3');
  });

  it('candidate created: baseline not emitted, filter created_at=gte|… with per_page on the first request, new ones once', async () => {
    fake.add('candidates', { createdAt: T0 - 60 * SEC });
    const h = new Harness(http, 'GREENHOUSE_TRIGGER_CANDIDATE_CREATED');
    expect(await h.poll()).toEqual([]);
    expect(fake.lists('candidates')[0]).toMatchObject({ auth: 'Bearer gh-test-token', query: { created_at: 'gte|2026-12-08T14:55:00.000Z', per_page: String(PAGE_SIZE) } });
    h.now += 10 * SEC;
    const c = fake.add('candidates', { createdAt: h.now, name: 'Kate' });
    const got = await h.poll();
    expect(got.map((i) => [i.key, (i.payload as { first_name: string }).first_name])).toEqual([[String(c.id), 'Kate']]);
    fake.update(c.id, h.now + SEC);
    h.now += 10 * SEC;
    expect(await h.poll()).toEqual([]); // an update is not a creation, and the overlap re-read is deduplicated
  });

  it('application updated: one item per version keyed id:updated_at, the creation excluded, by updated_at', async () => {
    const a = fake.add('applications', { createdAt: T0 - 60 * SEC });
    const h = new Harness(http, 'GREENHOUSE_TRIGGER_APPLICATION_UPDATED');
    await h.poll();
    expect(fake.lists('applications')[0]!.query.updated_at).toMatch(/^gte\|/);
    h.now += 10 * SEC;
    fake.add('applications', { createdAt: h.now });
    fake.update(a.id, h.now, { name: 'rejected' });
    const got = await h.poll();
    expect(got.map((i) => [i.key, (i.payload as { status: string }).status])).toEqual([[`${a.id}:${new Date(h.now).toISOString()}`, 'rejected']]);
    expect(await h.poll()).toEqual([]);
    h.now += 5 * SEC;
    fake.update(a.id, h.now, { name: 'hired' });
    expect((await h.poll()).map((i) => (i.payload as { status: string }).status)).toEqual(['hired']);
  });

  it('application and offer created: the job filter goes to Greenhouse as job_ids; job created lists jobs', async () => {
    const apps = new Harness(http, 'GREENHOUSE_TRIGGER_APPLICATION_CREATED', { jobId: '77' });
    const offers = new Harness(http, 'GREENHOUSE_TRIGGER_OFFER_CREATED', { jobId: 77 });
    const jobs = new Harness(http, 'GREENHOUSE_TRIGGER_JOB_CREATED');
    await apps.poll();
    await offers.poll();
    await jobs.poll();
    apps.now = offers.now = jobs.now = T0 + 10 * SEC;
    const app = fake.add('applications', { createdAt: apps.now, jobId: 77 });
    fake.add('applications', { createdAt: apps.now, jobId: 78 });
    const offer = fake.add('offers', { createdAt: apps.now, jobId: 77 });
    fake.add('offers', { createdAt: apps.now, jobId: 78 });
    const job = fake.add('jobs', { createdAt: apps.now, name: 'Staff Engineer' });
    expect((await apps.poll()).map((x) => x.key)).toEqual([String(app.id)]);
    expect((await offers.poll()).map((x) => x.key)).toEqual([String(offer.id)]);
    expect((await jobs.poll()).map((x) => [x.key, (x.payload as { name: string }).name])).toEqual([[String(job.id), 'Staff Engineer']]);
    expect(fake.lists('applications').every((r) => r.query.job_ids === '77')).toBe(true);
    expect(fake.lists('offers').every((r) => r.query.job_ids === '77')).toBe(true);
  });

  it('follows the Link rel="next" cursor alone (no other parameter), and continues an unfinished read on the next poll', async () => {
    const h = new Harness(http, 'GREENHOUSE_TRIGGER_CANDIDATE_CREATED');
    await h.poll();
    h.now += 10 * SEC;
    const ids = Array.from({ length: PAGE_SIZE * MAX_PAGES + 3 }, () => fake.add('candidates', { createdAt: h.now }).id);
    const first = await h.poll();
    expect(first).toHaveLength(PAGE_SIZE * MAX_PAGES);
    expect(Object.keys((h.cursor as { next: Record<string, string> }).next)).toEqual(['cursor']);
    const second = await h.poll();
    expect([...first, ...second].map((x) => Number(x.key)).sort((a, b) => a - b)).toEqual(ids);
    const paged = fake.lists('candidates').filter((r) => r.query.cursor !== undefined);
    expect(paged.length).toBeGreaterThan(0);
    expect(paged.every((r) => Object.keys(r.query).length === 1)).toBe(true); // the fake refuses anything else with 400
    expect((h.cursor as { next?: unknown }).next).toBeUndefined();
  });

  it('moves the cursor to the read start (or the newest timestamp, if older) minus the overlap', async () => {
    const h = new Harness(http, 'GREENHOUSE_TRIGGER_JOB_CREATED');
    await h.poll();
    h.now = T0 + 3600 * SEC;
    fake.add('jobs', { createdAt: T0 + 1800 * SEC });
    await h.poll();
    expect((h.cursor as { from: number }).from).toBe(T0 + 1800 * SEC - OVERLAP_MS);
    h.now += 60 * SEC;
    await h.poll();
    expect((h.cursor as { from: number }).from).toBe(T0 + 1800 * SEC - OVERLAP_MS);
    fake.add('jobs', { createdAt: h.now + 120 * SEC }); // a Greenhouse clock ahead of ours: the read start bounds it
    await h.poll();
    expect((h.cursor as { from: number }).from).toBe(h.now - OVERLAP_MS);
  });

  it('maps errors: 401 auth (left to the engine), 429 rate_limited with Retry-After, 5xx transient, 403/422 permanent with Greenhouse\'s message', async () => {
    const h = new Harness(http, 'GREENHOUSE_TRIGGER_CANDIDATE_CREATED');
    fake.failNext(1, 429, { 'retry-after': '7' });
    await expect(h.poll()).rejects.toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
    fake.failNext(1, 503);
    await expect(h.poll()).rejects.toMatchObject({ kind: 'transient' });
    fake.failNext(1, 403, {}, { error: 'Missing scope harvest:candidates:list' });
    await expect(h.poll()).rejects.toMatchObject({ kind: 'permanent', status: 403, message: 'Greenhouse 403 on GET /candidates: Missing scope harvest:candidates:list' });
    fake.tokens.clear();
    const err = await h.poll().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'auth', status: 401 });
    expect((err as Error).message).not.toContain('gh-test-token');
    expect(greenhouseError({ status: 422, headers: {}, body: { errors: [{ message: 'per_page is invalid' }] } }, 'GET /jobs', T0)).toMatchObject({ kind: 'permanent', message: 'Greenhouse 422 on GET /jobs: per_page is invalid' });
    expect(greenhouseError({ status: 429, headers: {}, body: null }, 'GET /jobs', T0)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 10_000 });
  });

  it('reads only the query of the Link rel="next" URL, never its host', () => {
    expect(nextQueryOf('<https://evil.example/steal?cursor=abc>; rel="next"')).toEqual({ cursor: 'abc' });
    expect(nextQueryOf('<https://h/v3/jobs?cursor=p>; rel="prev", <https://h/v3/jobs?cursor=n>; rel="next"')).toEqual({ cursor: 'n' });
    expect(nextQueryOf('<https://h/v3/jobs?cursor=p>; rel="prev"')).toBeNull();
    expect(nextQueryOf(undefined)).toBeNull();
    expect(nextQueryOf('')).toBeNull();
  });

  it('validates the job parameter with the reason', () => {
    const param = trigger('GREENHOUSE_TRIGGER_OFFER_CREATED').parameters.find((p) => p.id === 'jobId')!;
    expect(param.validate!('7 OR 1=1')).toMatch(/job id/);
    expect(param.validate!(-3)).toMatch(/job id/);
    expect(param.validate!('42')).toBeNull();
    expect(param.validate!('')).toBeNull();
  });
});
