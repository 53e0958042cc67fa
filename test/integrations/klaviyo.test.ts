// Klaviyo triggers at the source level: real HTTP against the fake Klaviyo, with a harness that plays the engine's
// part (the baseline is recorded as seen, each key is kept once, the cursor is stored as JSON).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { klaviyoError, nextCursor, validateId } from '../../src/integrations/klaviyo/api.js';
import { klaviyoIntegration } from '../../src/integrations/klaviyo/integration.js';
import { ProviderError, type AnyTriggerDefinition, type HttpClient, type Item, type PollSource } from '../../src/sdk/index.js';
import { recordPoll } from '../helpers/poll-harness.js';
import { klaviyoErrorBodies, startFakeKlaviyo, type FakeKlaviyo } from '../providers/klaviyo.js';

const SEC = 1000;
const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 7, 21, 0, 0);
const silent = { debug() {}, info() {}, warn() {} };

function trigger(type: string): AnyTriggerDefinition {
  const t = klaviyoIntegration.triggers.find((x) => x.type === type);
  if (!t) throw new Error(`no trigger ${type}`);
  return t;
}

class Harness {
  seen = new Set<string>();
  cursor: unknown = null;
  now = T0;
  constructor(private readonly http: HttpClient, private readonly type: string, private readonly params: Record<string, unknown>) {}
  async poll(): Promise<Item[]> {
    const r = await (trigger(this.type).source as PollSource).poll({
      http: this.http, params: this.params, credential: { id: 'cred-1', providerAccountId: null, extra: {} }, log: silent,
      signal: AbortSignal.timeout(20_000), now: () => this.now, cursor: this.cursor,
    });
    return recordPoll(this, r);
  }
}

describe('klaviyo', () => {
  let fake: FakeKlaviyo;
  let http: HttpClient;
  beforeEach(async () => {
    fake = await startFakeKlaviyo();
    http = createProviderHttp({
      integration: klaviyoIntegration, apiBaseUrl: fake.url,
      auth: { canRefresh: false, headers: async () => ({ authorization: 'Klaviyo-API-Key pk_test_1' }) },
    });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('declares its triggers, private-key auth and the revision header', () => {
    expect(klaviyoIntegration.triggers.map((t) => t.type)).toEqual(['KLAVIYO_TRIGGER_PROFILE_CREATED', 'KLAVIYO_TRIGGER_PROFILE_ADDED_TO_LIST', 'KLAVIYO_TRIGGER_METRIC_EVENT']);
    expect(klaviyoIntegration.auth).toEqual({ kind: 'apiKey', header: 'authorization', prefix: 'Klaviyo-API-Key ' });
    expect(klaviyoIntegration.apiBaseUrl).toBe('https://a.klaviyo.com');
    expect(klaviyoIntegration.defaultHeaders).toMatchObject({ revision: '2026-10-15' });
  });

  describe('KLAVIYO_TRIGGER_PROFILE_CREATED', () => {
    it('asks for profiles created at or after the cursor second, oldest first, 100 a page, with the key and revision', async () => {
      const h = new Harness(http, 'KLAVIYO_TRIGGER_PROFILE_CREATED', {});
      await h.poll();
      expect(fake.listRequests()[0]).toMatchObject({
        path: '/api/profiles',
        query: { filter: 'greater-than(created,2026-12-07T20:57:59Z)', sort: 'created', 'page[size]': '100' },
        auth: 'Klaviyo-API-Key pk_test_1',
        revision: '2026-10-15',
      });
    });

    it('records existing profiles at baseline, emits a new one once, and a re-poll emits nothing', async () => {
      fake.addProfile({ created: T0 - 30 * SEC });
      fake.addProfile({ created: T0 - 60 * MIN });
      const h = new Harness(http, 'KLAVIYO_TRIGGER_PROFILE_CREATED', {});
      expect(await h.poll()).toEqual([]);
      const p = fake.addProfile({ created: T0 + 10 * SEC, email: 'sarah.mason@klaviyo-demo.com' });
      h.now = T0 + MIN;
      const got = await h.poll();
      expect(got.map((i) => i.key)).toEqual([p.id]);
      expect(got[0]!.payload).toMatchObject({ type: 'profile', id: p.id, attributes: { email: 'sarah.mason@klaviyo-demo.com', created: '2026-12-07T21:00:10+00:00' } });
      expect(got[0]!.occurredAt).toBe(T0 + 10 * SEC);
      h.now = T0 + 2 * MIN;
      expect(await h.poll()).toEqual([]);
    });

    it('emits every one of 250 profiles created in the same second exactly once, across pages, following only the page cursor', async () => {
      const h = new Harness(http, 'KLAVIYO_TRIGGER_PROFILE_CREATED', {});
      await h.poll();
      const ids = Array.from({ length: 250 }, () => fake.addProfile({ created: T0 + 5 * SEC }).id);
      const later = fake.addProfile({ created: T0 + 9 * SEC }).id;
      h.now = T0 + MIN;
      const got = (await h.poll()).map((i) => i.key);
      expect(got.sort()).toEqual([...ids, later].sort());
      expect(fake.listRequests().some((r) => r.query['page[cursor]'] !== undefined)).toBe(true);
      h.now = T0 + 2 * MIN;
      expect(await h.poll()).toEqual([]);
    });

    it('loses nothing when profiles are created between page requests, and stops at the page cap', async () => {
      const h = new Harness(http, 'KLAVIYO_TRIGGER_PROFILE_CREATED', {});
      await h.poll();
      const ids = Array.from({ length: 1500 }, (_, n) => fake.addProfile({ created: T0 + SEC + n * 200 }).id);
      const added: string[] = [];
      fake.onList = (n) => {
        if (n === 3) added.push(fake.addProfile({ created: T0 + 400 * SEC }).id);
      };
      h.now = T0 + 10 * MIN;
      const first = (await h.poll()).map((i) => i.key);
      expect(first.length).toBeLessThan(1501); // MAX_ANCHORS stopped it; the next poll continues
      const rest = [...(await h.poll()), ...(await h.poll())].map((i) => i.key);
      expect([...first, ...rest].sort()).toEqual([...ids, ...added].sort());
      expect(await h.poll()).toEqual([]);
    });
  });

  describe('KLAVIYO_TRIGGER_PROFILE_ADDED_TO_LIST', () => {
    it('emits each join once, keyed by profile and join time, and a re-join again', async () => {
      const old = fake.addProfile({ created: T0 - 60 * MIN });
      fake.addToList('Y6nRLr', old.id, T0 - 50 * MIN);
      const h = new Harness(http, 'KLAVIYO_TRIGGER_PROFILE_ADDED_TO_LIST', { listId: 'Y6nRLr' });
      expect(await h.poll()).toEqual([]);
      expect(fake.listRequests()[0]).toMatchObject({ path: '/api/lists/Y6nRLr/profiles', query: { sort: 'joined_group_at', 'page[size]': '100' } });
      expect(fake.listRequests()[0]!.query.filter).toMatch(/^greater-than\(joined_group_at,/);
      const p = fake.addProfile({ created: T0 - 5 * MIN });
      fake.addToList('Y6nRLr', p.id, T0 + 3 * SEC);
      fake.addToList('other', old.id, T0 + 3 * SEC);
      h.now = T0 + MIN;
      const got = await h.poll();
      expect(got.map((i) => i.key)).toEqual([`${p.id}:${T0 + 3 * SEC}`]);
      expect(got[0]!.payload).toMatchObject({ id: p.id, attributes: { joined_group_at: '2026-12-07T21:00:03+00:00' } });
      expect(await h.poll()).toEqual([]);
      fake.addToList('Y6nRLr', old.id, T0 + 70 * SEC); // removed earlier, added again
      h.now = T0 + 2 * MIN;
      expect((await h.poll()).map((i) => i.key)).toEqual([`${old.id}:${T0 + 70 * SEC}`]);
    });

    it('an unknown list is a permanent error with Klaviyo\'s detail', async () => {
      const h = new Harness(http, 'KLAVIYO_TRIGGER_PROFILE_ADDED_TO_LIST', { listId: 'NoSuch' });
      const err = await h.poll().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect(err).toMatchObject({ kind: 'permanent', status: 404 });
      expect((err as Error).message).toContain('A list with id NoSuch does not exist.');
    });
  });

  describe('KLAVIYO_TRIGGER_METRIC_EVENT', () => {
    it('filters by metric, emits each event once by event id, including a late event within the overlap', async () => {
      fake.addEvent({ metricId: 'UMTLbD', datetime: T0 - 2 * MIN });
      const h = new Harness(http, 'KLAVIYO_TRIGGER_METRIC_EVENT', { metricId: 'UMTLbD' });
      expect(await h.poll()).toEqual([]);
      expect(fake.listRequests()[0]).toMatchObject({ path: '/api/events', query: { sort: 'datetime', 'page[size]': '200' } });
      expect(fake.listRequests()[0]!.query.filter).toBe('equals(metric_id,"UMTLbD"),greater-than(datetime,2026-12-07T20:49:59Z)');
      const a = fake.addEvent({ metricId: 'UMTLbD', datetime: T0 + 5 * SEC, properties: { value: 29.98 } });
      fake.addEvent({ metricId: 'OTHER1', datetime: T0 + 5 * SEC });
      h.now = T0 + MIN;
      const got = await h.poll();
      expect(got.map((i) => i.key)).toEqual([a.id]);
      expect(got[0]!.payload).toMatchObject({ type: 'event', id: a.id, attributes: { event_properties: { value: 29.98 } }, relationships: { metric: { data: { id: 'UMTLbD' } } } });
      const late = fake.addEvent({ metricId: 'UMTLbD', datetime: T0 + 2 * SEC }); // sent late, with its earlier datetime
      h.now = T0 + 2 * MIN;
      expect((await h.poll()).map((i) => i.key)).toEqual([late.id]);
      expect(await h.poll()).toEqual([]);
    });

    it('events sharing one second across pages are each emitted once', async () => {
      const h = new Harness(http, 'KLAVIYO_TRIGGER_METRIC_EVENT', { metricId: 'UMTLbD' });
      await h.poll();
      const ids = Array.from({ length: 450 }, () => fake.addEvent({ metricId: 'UMTLbD', datetime: T0 + 20 * SEC }).id);
      h.now = T0 + MIN;
      expect((await h.poll()).map((i) => i.key).sort()).toEqual([...ids].sort());
      h.now = T0 + 2 * MIN;
      expect(await h.poll()).toEqual([]);
    });
  });

  describe('errors', () => {
    it('429 is rate_limited for Retry-After seconds (a minute without it)', async () => {
      fake.failNext(1, 429, { 'retry-after': '7' }, klaviyoErrorBodies.error429);
      const h = new Harness(http, 'KLAVIYO_TRIGGER_PROFILE_CREATED', {});
      expect(await h.poll().catch((e: unknown) => e)).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 7_000 });
      fake.failNext(1, 429, {}, klaviyoErrorBodies.error429);
      const err = await h.poll().catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000 });
      expect((err as Error).message).toContain('Request was throttled.');
    });

    it('401 is auth, 5xx transient, and no message carries the key', async () => {
      fake.validKeys.clear();
      const h = new Harness(http, 'KLAVIYO_TRIGGER_METRIC_EVENT', { metricId: 'UMTLbD' });
      const err = await h.poll().catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: 'auth', status: 401 });
      expect((err as Error).message).toContain('not_authenticated');
      expect((err as Error).message).not.toContain('pk_test_1');
      fake.validKeys.add('pk_test_1');
      fake.failNext(1, 503);
      expect(await h.poll().catch((e: unknown) => e)).toMatchObject({ kind: 'transient', status: 503 });
    });

    it('formats JSON:API errors with code, detail and parameter', () => {
      const err = klaviyoError({ status: 400, headers: {}, body: { errors: [{ status: 400, code: 'invalid', title: 'Invalid input.', detail: "'foo' is not a valid field", source: { parameter: 'filter' } }] } });
      expect(err).toMatchObject({ kind: 'permanent', status: 400, message: "Klaviyo 400: invalid 'foo' is not a valid field (filter)" });
      expect(klaviyoError({ status: 502, headers: {}, body: 'Bad gateway' })).toMatchObject({ kind: 'transient', message: 'Klaviyo 502' });
    });
  });
});

describe('helpers', () => {
  it('reads only page[cursor] from links.next', () => {
    expect(nextCursor('https://a.klaviyo.com/api/profiles?page%5Bcursor%5D=bmV4dDo6aWQ6OjM&sort=created')).toBe('bmV4dDo6aWQ6OjM');
    expect(nextCursor(null)).toBeUndefined();
    expect(nextCursor('https://a.klaviyo.com/api/profiles')).toBeUndefined();
  });

  it.each([['Y6nRLr', true], ['UMTLbD', true], ['', false], ['a/b', false], ['x"),equals(', false], [42, false]])('id %j', (v, ok) => {
    expect(validateId('list')(v) === null).toBe(ok);
  });
});
