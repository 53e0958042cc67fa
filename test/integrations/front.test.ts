// Front triggers at the source level: real HTTP against the fake Front, with the harness that plays the engine's
// part (the baseline is recorded as seen, each key is kept once, the cursor is stored as JSON).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { eventsQuery, frontError, MAX_ANCHORS, OVERLAP_MS, PAGE_SIZE } from '../../src/integrations/front/api.js';
import inboundFixture from '../../src/integrations/front/fixtures/event-inbound.json' with { type: 'json' };
import { frontIntegration } from '../../src/integrations/front/integration.js';
import { ProviderError, type AnyTriggerDefinition, type HttpClient, type Item, type PollSource } from '../../src/sdk/index.js';
import { recordPoll } from '../helpers/poll-harness.js';
import { startFakeFront, type FakeFront } from '../providers/front.js';

const SEC = 1000;
const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 27, 15, 0, 0);
const silent = { debug() {}, info() {}, warn() {} };

function trigger(type: string): AnyTriggerDefinition {
  const t = frontIntegration.triggers.find((x) => x.type === type);
  if (!t) throw new Error(`no trigger ${type}`);
  return t;
}

class Harness {
  seen = new Set<string>();
  cursor: unknown = null;
  now = T0;
  constructor(private readonly http: HttpClient, private readonly type: string, private readonly params: Record<string, unknown> = {}) {}
  async poll(): Promise<Item[]> {
    const source = trigger(this.type).source as PollSource;
    const r = await source.poll({
      http: this.http, params: this.params, credential: { id: 'cred-1', providerAccountId: 'cmp_2e4f6', extra: {} },
      log: silent, signal: AbortSignal.timeout(10_000), now: () => this.now, cursor: this.cursor,
    });
    return recordPoll(this, r);
  }
}

const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a failure'); }, (e: unknown) => e as ProviderError);

describe('front', () => {
  let fake: FakeFront;
  let http: HttpClient;
  const harness = (type: string, params: Record<string, unknown> = {}) => new Harness(http, type, params);
  const httpWith = (token: string) =>
    createProviderHttp({ integration: frontIntegration, apiBaseUrl: fake.url, auth: { canRefresh: false, headers: async () => ({ authorization: `Bearer ${token}` }) } });
  beforeEach(async () => {
    fake = await startFakeFront();
    http = httpWith('front-token-1');
  });
  afterEach(async () => {
    await fake.close();
  });

  it('declares the triggers, OAuth at app.frontapp.com and the inbox and tag parameters', () => {
    expect(frontIntegration.key).toBe('front');
    expect(frontIntegration.apiBaseUrl).toBe('https://api2.frontapp.com');
    expect(frontIntegration.triggers.map((t) => [t.type, t.source.kind, t.parameters.map((p) => [p.id, p.required])])).toEqual([
      ['FRONT_TRIGGER_INBOUND_MESSAGE_RECEIVED', 'poll', [['inboxId', false]]],
      ['FRONT_TRIGGER_OUTBOUND_MESSAGE_SENT', 'poll', [['inboxId', false]]],
      ['FRONT_TRIGGER_CONVERSATION_ASSIGNED', 'poll', [['inboxId', false]]],
      ['FRONT_TRIGGER_TAG_ADDED', 'poll', [['inboxId', false], ['tagId', false]]],
      ['FRONT_TRIGGER_COMMENT_ADDED', 'poll', [['inboxId', false]]],
    ]);
    expect(frontIntegration.auth).toMatchObject({ kind: 'oauth2', authorizationUrl: 'https://app.frontapp.com/oauth/authorize', tokenUrl: 'https://app.frontapp.com/oauth/token', pkce: false });
    const inbox = trigger('FRONT_TRIGGER_INBOUND_MESSAGE_RECEIVED').parameters[0]!;
    const tag = trigger('FRONT_TRIGGER_TAG_ADDED').parameters[1]!;
    expect([inbox.validate!('inb_3ij1'), inbox.validate!(''), inbox.validate!(undefined)]).toEqual([null, null, null]);
    for (const bad of ['3ij1', 'tag_3ij1', 'inb_3ij1&q[types][]=comment', 42]) expect(inbox.validate!(bad)).toMatch(/Front inbox id/);
    expect([tag.validate!('tag_2oxhvy'), tag.validate!('inb_2oxhvy')]).toEqual([null, expect.stringMatching(/Front tag id/)]);
  });

  it('reads the company from GET /me as the provider account', async () => {
    expect(await frontIntegration.accountId!({ http, token: { accessToken: 'front-token-1' } })).toEqual({ providerAccountId: 'cmp_2e4f6', extra: { companyName: 'Planet Express' } });
    expect(fake.requests.at(-1)).toMatchObject({ path: '/me', auth: 'Bearer front-token-1' });
    await expect(frontIntegration.accountId!({ http: httpWith('nope'), token: { accessToken: 'nope' } })).rejects.toMatchObject({ kind: 'auth' });
  });

  it('queries one type, oldest first, from 1 ms before the start (inclusive), with the inbox when given', () => {
    expect(eventsQuery({ type: 'inbound' }, { from: 1_700_000_000_500 })).toEqual({
      'q[types][]': 'inbound', 'q[after]': '1700000000.499', sort_by: 'created_at', sort_order: 'asc', limit: String(PAGE_SIZE),
    });
    expect(eventsQuery({ type: 'tag', inboxId: 'inb_1' }, { from: 1000, until: 61_000 })).toMatchObject({ 'q[inboxes][]': 'inb_1', 'q[before]': '61.000' });
    expect(eventsQuery({ type: 'tag' }, { from: 1000, token: JSON.stringify({ page_token: 'abc' }) })).toEqual({ page_token: 'abc' });
  });

  it('maps Front errors to provider error kinds with Front\'s title and message', () => {
    const e400 = frontError({ status: 400, headers: {}, body: { _error: { status: 400, title: 'Bad request', message: '"limit" too big' } } }, T0);
    expect([e400.kind, e400.message]).toEqual(['permanent', 'Front 400 Bad request: "limit" too big']);
    expect(frontError({ status: 401, headers: {}, body: { _error: { title: 'Unauthorized' } } }, T0).kind).toBe('auth');
    const e429 = frontError({ status: 429, headers: { 'retry-after': '7' }, body: null }, T0);
    expect([e429.kind, e429.retryAfterMs]).toEqual(['rate_limited', 7000]);
    expect(frontError({ status: 429, headers: {}, body: null }, T0).retryAfterMs).toBe(60_000);
    expect(frontError({ status: 502, headers: {}, body: 'bad gateway' }, T0).kind).toBe('transient');
  });

  it('records the baseline, delivers a new inbound message once with the published shape, and never other types', async () => {
    fake.addEvent({ type: 'inbound', emittedAt: T0 - 30 * SEC });
    fake.addEvent({ type: 'inbound', emittedAt: T0 - 10 * MIN });
    const h = harness('FRONT_TRIGGER_INBOUND_MESSAGE_RECEIVED');
    expect(await h.poll()).toEqual([]);
    expect(h.seen.size).toBe(1); // the event of the last minute, recorded as seen
    expect(fake.eventLists()[0]).toMatchObject({
      auth: 'Bearer front-token-1',
      query: { 'q[types][]': 'inbound', 'q[after]': ((T0 - OVERLAP_MS - 1) / 1000).toFixed(3), sort_by: 'created_at', sort_order: 'asc', limit: '15' },
    });

    const fresh = fake.addEvent({ type: 'inbound', emittedAt: T0 + 20 * SEC + 123 });
    fake.addEvent({ type: 'outbound', emittedAt: T0 + 21 * SEC });
    fake.addEvent({ type: 'comment', emittedAt: T0 + 22 * SEC });
    h.now = T0 + MIN;
    const got = await h.poll();
    expect(got.map((i) => i.key)).toEqual([fresh.id]);
    expect(got[0]!.occurredAt).toBe(T0 + 20 * SEC + 123);
    expect(got[0]!.payload).toMatchObject({ ...inboundFixture, _links: expect.anything(), id: fresh.id, emitted_at: (T0 + 20 * SEC + 123) / 1000, source: expect.anything() });
    h.now = T0 + 2 * MIN;
    expect(await h.poll()).toEqual([]);
    // The next poll restarted OVERLAP_MS before the newest event seen.
    expect(fake.eventLists().at(-1)!.query['q[after]']).toBe(((T0 + 20 * SEC + 123 - OVERLAP_MS - 1) / 1000).toFixed(3));
  });

  it('filters by inbox in the query, and by tag on the events', async () => {
    const inbox = harness('FRONT_TRIGGER_TAG_ADDED', { inboxId: 'inb_9' });
    const tagged = harness('FRONT_TRIGGER_TAG_ADDED', { tagId: 'tag_urgent' });
    await inbox.poll();
    await tagged.poll();
    const a = fake.addEvent({ type: 'tag', emittedAt: T0 + SEC, inboxId: 'inb_9', tagId: 'tag_other' });
    const b = fake.addEvent({ type: 'tag', emittedAt: T0 + 2 * SEC, tagId: 'tag_urgent' });
    inbox.now = tagged.now = T0 + MIN;
    expect((await inbox.poll()).map((i) => i.key)).toEqual([a.id]);
    expect(fake.eventLists().at(-1)!.query['q[inboxes][]']).toBe('inb_9');
    expect((await tagged.poll()).map((i) => i.key)).toEqual([b.id]);
  });

  it('pages through many events (fresh queries, and page tokens inside one crowded instant) exactly once, on our own API base', async () => {
    const h = harness('FRONT_TRIGGER_COMMENT_ADDED');
    await h.poll();
    const spread = Array.from({ length: 40 }, (_, n) => fake.addEvent({ type: 'comment', emittedAt: T0 + SEC + n * 10 }).id);
    const crowded = Array.from({ length: 37 }, () => fake.addEvent({ type: 'comment', emittedAt: T0 + 5 * SEC }).id);
    h.now = T0 + MIN;
    const got = await h.poll();
    expect(got.map((i) => i.key).sort()).toEqual([...spread, ...crowded].sort());
    expect(fake.eventLists().some((r) => r.query.page_token !== undefined && Object.keys(r.query).length === 1)).toBe(true);
    expect(new Set(fake.requests.map((r) => r.host))).toEqual(new Set([new URL(fake.url).host])); // never the next URL's host
    h.now = T0 + 2 * MIN;
    expect(await h.poll()).toEqual([]);
  });

  it('stops a poll after MAX_ANCHORS fresh queries and continues on the next', async () => {
    const h = harness('FRONT_TRIGGER_CONVERSATION_ASSIGNED');
    await h.poll();
    const ids = Array.from({ length: (MAX_ANCHORS + 4) * PAGE_SIZE }, (_, n) => fake.addEvent({ type: 'assign', emittedAt: T0 + SEC + n }).id);
    h.now = T0 + MIN;
    const first = await h.poll();
    expect(first.length).toBeLessThan(ids.length);
    h.now = T0 + 2 * MIN;
    const rest = await h.poll();
    h.now = T0 + 3 * MIN;
    const more = await h.poll();
    expect([...first, ...rest, ...more].map((i) => i.key).sort()).toEqual([...ids].sort());
  });

  it('throws classified errors: 401 auth, 429 with Retry-After, 5xx transient; no token in messages', async () => {
    const h = harness('FRONT_TRIGGER_OUTBOUND_MESSAGE_SENT');
    await h.poll();
    fake.failNext(1, 429, { 'retry-after': '12' });
    expect(await failure(h.poll())).toMatchObject({ kind: 'rate_limited', retryAfterMs: 12_000 });
    fake.failNext(1, 503);
    expect(await failure(h.poll())).toMatchObject({ kind: 'transient' });
    fake.validTokens.clear();
    const e = await failure(h.poll());
    expect(e).toMatchObject({ kind: 'auth' });
    expect(e.message).not.toContain('front-token-1');
  });
});
