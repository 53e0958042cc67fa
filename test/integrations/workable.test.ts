// Workable triggers at the source level, against the fake Workable over real HTTP: the subscription created with
// the URL-token target and the filters as `args`, removed by id; the items a delivery maps to (keys by candidate,
// by candidate + stage + update time for moves, wrapped bodies, other jobs ignored); the polled updates (baseline,
// one-second overlap, paging); parameters; and Workable's errors and 429 answers classified.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { workableError, workableRateLimitWaitMs } from '../../src/integrations/workable/api.js';
import candidateFixture from '../../src/integrations/workable/fixtures/candidate.json' with { type: 'json' };
import { workableIntegration } from '../../src/integrations/workable/integration.js';
import { candidateKey, candidateOf } from '../../src/integrations/workable/webhooks.js';
import { ProviderError, URL_TOKEN, verifyRequest, type HttpClient, type PollSource, type WebhookSource } from '../../src/sdk/index.js';
import { startFakeWorkable, type FakeWorkable } from '../providers/workable.js';

const silent = { debug() {}, info() {}, warn() {} };
const SECRET = 'a'.repeat(64);
const trigger = (type: string) => workableIntegration.triggers.find((x) => x.type === type)!;
const webhook = (type: string) => trigger(type).source as WebhookSource;
const inbound = (body: unknown) => {
  const rawBody = Buffer.from(JSON.stringify(body));
  return { method: 'POST', url: `/hooks/s/x?token=${SECRET}`, headers: { 'content-type': 'application/json' }, rawBody, body };
};

describe('workable', () => {
  let wk: FakeWorkable;
  let http: HttpClient;
  const ctx = (params: Record<string, unknown> = {}, now = Date.now) => ({ http, params, credential: { id: 'cred-1', providerAccountId: 'groove-tech', extra: { subdomain: 'groove-tech' } }, log: silent, signal: AbortSignal.timeout(10_000), now });

  beforeEach(async () => {
    wk = await startFakeWorkable();
    http = createProviderHttp({ integration: workableIntegration, apiBaseUrl: wk.apiBaseTemplate.replace('{subdomain}', wk.subdomain), auth: { canRefresh: false, headers: async () => ({ authorization: `Bearer ${wk.token}` }) } });
  });
  afterEach(async () => wk.close());

  it('declares three triggers, the subdomain account parameter, the URL token scheme and validated parameters', () => {
    expect(workableIntegration.triggers.map((t) => t.type)).toEqual(['WORKABLE_TRIGGER_CANDIDATE_CREATED', 'WORKABLE_TRIGGER_CANDIDATE_MOVED', 'WORKABLE_TRIGGER_CANDIDATE_UPDATED']);
    expect(workableIntegration.apiBaseUrl).toBe('https://{subdomain}.workable.com/spi/v3');
    expect(workableIntegration.accountParameters?.map((p) => p.name)).toEqual(['subdomain']);
    expect(webhook('WORKABLE_TRIGGER_CANDIDATE_CREATED').verification).toEqual(URL_TOKEN);
    expect(webhook('WORKABLE_TRIGGER_CANDIDATE_MOVED').verification).toEqual(URL_TOKEN);
    const [job, stage] = trigger('WORKABLE_TRIGGER_CANDIDATE_MOVED').parameters;
    for (const ok of [undefined, '', 'GROOV005']) expect(job!.validate!(ok)).toBeNull();
    for (const bad of ['GROOV 005', '../jobs', 42, 'x'.repeat(33)]) expect(job!.validate!(bad)).toContain('jobShortcode');
    for (const ok of [undefined, 'hired', 'phone-screen']) expect(stage!.validate!(ok)).toBeNull();
    for (const bad of ['Hired', 'a/b', true]) expect(stage!.validate!(bad)).toContain('stageSlug');
    expect(trigger('WORKABLE_TRIGGER_CANDIDATE_CREATED').examplePayload).toBe(candidateFixture);
  });

  it('verifies the URL token: the right one accepted, a wrong or missing one refused', () => {
    const req = (url: string) => ({ method: 'POST', url, headers: {}, rawBody: Buffer.from('{}') });
    expect(verifyRequest(URL_TOKEN, req(`/hooks/s/x?token=${SECRET}`), { secret: SECRET }, Date.now())).toEqual({ ok: true });
    expect(verifyRequest(URL_TOKEN, req(`/hooks/s/x?token=${'b'.repeat(64)}`), { secret: SECRET }, Date.now())).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(verifyRequest(URL_TOKEN, req('/hooks/s/x'), { secret: SECRET }, Date.now())).toMatchObject({ ok: false, reason: 'missing_signature' });
  });

  it('creates the subscription with the token target and the filters as args, and deletes it by id', async () => {
    const moved = webhook('WORKABLE_TRIGGER_CANDIDATE_MOVED');
    const reg = await moved.register({ ...ctx({ jobShortcode: 'GROOV005', stageSlug: 'hired' }), hookUrl: 'https://ot.example.com/hooks/s/sub1', secret: SECRET });
    expect(reg).toEqual({ state: { subscriptionId: '4821' } });
    expect(wk.requests.at(-1)).toMatchObject({
      method: 'POST', path: '/groove-tech/spi/v3/subscriptions', auth: `Bearer ${wk.token}`,
      body: { target: `https://ot.example.com/hooks/s/sub1?token=${SECRET}`, event: 'candidate_moved', args: { job_shortcode: 'GROOV005', stage_slug: 'hired' } },
    });
    // "created" ignores a stage; no filters → empty args.
    await webhook('WORKABLE_TRIGGER_CANDIDATE_CREATED').register({ ...ctx({ stageSlug: 'hired' }), hookUrl: 'https://ot.example.com/hooks/s/sub2', secret: SECRET });
    expect(wk.requests.at(-1)!.body).toMatchObject({ event: 'candidate_created', args: {} });
    await moved.unregister({ ...ctx(), state: reg.state });
    expect(wk.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/groove-tech/spi/v3/subscriptions/4821' });
    expect([...wk.subscriptions.keys()]).toEqual([4822]);
    // Already gone: no error.
    await moved.unregister({ ...ctx(), state: reg.state });
  });

  it('classifies refusals at registration: unknown job permanent, 401 auth, 429 rate limited until the reset, 5xx transient', async () => {
    const src = webhook('WORKABLE_TRIGGER_CANDIDATE_CREATED');
    const reg = (params: Record<string, unknown> = {}) => src.register({ ...ctx(params), hookUrl: 'https://ot.example.com/hooks/s/s', secret: SECRET });
    await expect(reg({ jobShortcode: 'NOPE1' })).rejects.toMatchObject({ kind: 'permanent', status: 404, message: expect.stringContaining('NOPE1') });
    wk.failNext(1, 401, { error: 'Not authorized' });
    await expect(reg()).rejects.toMatchObject({ kind: 'auth', status: 401, message: expect.stringContaining('Not authorized') });
    const now = Date.now();
    wk.failNext(1, 429, { error: 'Too many requests' }, { 'x-rate-limit-reset': String(Math.floor(now / 1000) + 7) });
    const err = (await reg().catch((e: unknown) => e)) as ProviderError;
    expect(err).toMatchObject({ kind: 'rate_limited', status: 429 });
    expect(err.retryAfterMs).toBeGreaterThan(5000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(8000);
    wk.failNext(1, 503, { error: 'Service unavailable' });
    await expect(reg()).rejects.toMatchObject({ kind: 'transient', status: 503 });
    expect(wk.subscriptions.size).toBe(0);
  });

  it('reads the 429 wait from Retry-After, then X-Rate-Limit-Reset (seconds, ms or a delta), else one interval', () => {
    const now = 1_780_000_000_000;
    expect(workableRateLimitWaitMs({ 'retry-after': '3' }, now)).toBe(3000);
    expect(workableRateLimitWaitMs({ 'x-rate-limit-reset': String(now / 1000 + 4) }, now)).toBe(4000);
    expect(workableRateLimitWaitMs({ 'x-rate-limit-reset': String(now + 2500) }, now)).toBe(2500);
    expect(workableRateLimitWaitMs({ 'x-rate-limit-reset': '6' }, now)).toBe(6000);
    expect(workableRateLimitWaitMs({ 'x-rate-limit-reset': String(now / 1000 - 30) }, now)).toBe(1000);
    expect(workableRateLimitWaitMs({}, now)).toBe(10_000);
    expect(workableError({ status: 422, headers: {}, body: { error: 'event is invalid' } }, now)).toMatchObject({ kind: 'permanent', message: 'Workable 422: event is invalid' });
  });

  it('maps deliveries to items: candidate id for created, id + stage + update time for moved, other jobs ignored', async () => {
    const c = { ...candidateFixture };
    const created = webhook('WORKABLE_TRIGGER_CANDIDATE_CREATED');
    const moved = webhook('WORKABLE_TRIGGER_CANDIDATE_MOVED');
    const items = async (src: WebhookSource, body: unknown, params: Record<string, unknown> = {}) => src.toItems(inbound(body), { ...ctx(params), state: {} });
    expect(await items(created, c)).toEqual([{ key: 'ce4da98', payload: c, occurredAt: Date.parse(c.updated_at) }]);
    expect(await items(moved, c)).toMatchObject([{ key: 'ce4da98:interview:2026-03-04T16:40:12Z' }]);
    // Wrapped as `data` or `candidate`: the candidate is the payload.
    expect(await items(created, { event_type: 'candidate_created', data: c })).toMatchObject([{ key: 'ce4da98', payload: c }]);
    expect(await items(created, { candidate: c })).toMatchObject([{ key: 'ce4da98', payload: c }]);
    expect(await items(created, c, { jobShortcode: 'groov005' })).toHaveLength(1);
    expect(await items(created, c, { jobShortcode: 'GROOV006' })).toEqual([]);
    expect(await items(created, { hello: 'world' })).toEqual([]);
    expect(await items(created, [c])).toEqual([]);
    expect(candidateOf(null)).toBeNull();
    expect(candidateKey('candidate_moved', { id: 7, stage: 'hired' })).toBe('7:hired:');
  });

  it('polls updates: baseline recorded, overlap of one second, paging followed, keys by id and update time', async () => {
    const source = trigger('WORKABLE_TRIGGER_CANDIDATE_UPDATED').source as PollSource;
    const poll = (c: Parameters<PollSource['poll']>[0]) => source.poll(c);
    const now = Date.parse('2026-03-04T16:45:00Z');
    const { candidate: a } = await wk.addCandidate('GROOV005', '2026-03-04T16:42:00Z');
    const base = await poll({ ...ctx({}, () => now), cursor: null });
    expect(wk.requests.at(-1)!.query).toEqual({ updated_after: '2026-03-04T16:40:00Z', limit: '100' });
    expect(base).toEqual({ items: [{ key: `${a.id}:2026-03-04T16:42:00Z`, payload: a, occurredAt: Date.parse('2026-03-04T16:42:00Z') }], cursor: { v: 1, since: '2026-03-04T16:42:00Z' } });

    for (let i = 0; i < 120; i++) await wk.addCandidate(i % 2 ? 'GROOV005' : 'GROOV006', '2026-03-04T16:50:00Z');
    await wk.moveCandidate(a.id, 'hired', '2026-03-04T16:51:30Z');
    const next = await poll({ ...ctx({}, () => now), cursor: base.cursor });
    expect(wk.requests.filter((r) => r.path.endsWith('/candidates')).at(-2)!.query).toEqual({ updated_after: '2026-03-04T16:41:59Z', limit: '100' });
    expect(wk.requests.at(-1)!.query.since_id).toBeDefined();
    expect(next.items).toHaveLength(121);
    expect(next.items.map((i) => i.key)).toContain(`${a.id}:2026-03-04T16:51:30Z`);
    expect(next.cursor).toEqual({ v: 1, since: '2026-03-04T16:51:30Z' });

    const onlyJob = await poll({ ...ctx({ jobShortcode: 'GROOV006' }, () => now), cursor: base.cursor });
    expect(wk.requests.at(-1)!.query.shortcode).toBe('GROOV006');
    expect(onlyJob.items).toHaveLength(60);
    // An unreadable cursor starts over without delivering.
    expect((await poll({ ...ctx({}, () => now), cursor: { since: 'soon' } })).items).toEqual([]);
    wk.failNext(1, 401, { error: 'Not authorized' });
    await expect(poll({ ...ctx({}, () => now), cursor: base.cursor })).rejects.toMatchObject({ kind: 'auth' });
  });
});
