// Gong triggers at the source level: real HTTP against the fake Gong, with a harness that plays the engine's part
// (the baseline is recorded as seen, each key is kept once, the cursor is stored as JSON).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { gongError, isEmptyResult, validateIdList, validateOptionalId } from '../../src/integrations/gong/api.js';
import { gongIntegration } from '../../src/integrations/gong/integration.js';
import { BASELINE_MAX_PAGES, MAX_PAGES } from '../../src/integrations/gong/poll.js';
import { CALL_LOOKBACK_MS } from '../../src/integrations/gong/triggers/call-created.js';
import { ProviderError, type AnyTriggerDefinition, type HttpClient, type Item, type PollSource } from '../../src/sdk/index.js';
import { recordPoll } from '../helpers/poll-harness.js';
import { GONG_TEST_TOKEN, startFakeGong, type FakeGong } from '../providers/gong.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 11, 7, 21, 0, 0);
const silent = { debug() {}, info() {}, warn() {} };

function trigger(type: string): AnyTriggerDefinition {
  const t = gongIntegration.triggers.find((x) => x.type === type);
  if (!t) throw new Error(`no trigger ${type}`);
  return t;
}

class Harness {
  seen = new Set<string>();
  cursor: unknown = null;
  now = T0;
  constructor(private readonly http: HttpClient, private readonly type: string, private readonly params: Record<string, unknown> = {}) {}
  async poll(): Promise<Item[]> {
    const r = await (trigger(this.type).source as PollSource).poll({
      http: this.http, params: this.params, credential: { id: 'cred-1', providerAccountId: null, extra: {} }, log: silent,
      signal: AbortSignal.timeout(20_000), now: () => this.now, cursor: this.cursor,
    });
    return recordPoll(this, r);
  }
}

describe('gong', () => {
  let fake: FakeGong;
  let http: HttpClient;
  beforeEach(async () => {
    fake = await startFakeGong();
    http = createProviderHttp({
      integration: gongIntegration, apiBaseUrl: fake.url,
      auth: { canRefresh: false, headers: async () => ({ authorization: `Basic ${GONG_TEST_TOKEN}` }) },
    });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('declares its triggers and Basic auth with the Base64 access key token', () => {
    expect(gongIntegration.triggers.map((t) => t.type)).toEqual(['GONG_TRIGGER_CALL_CREATED', 'GONG_TRIGGER_CALL_CREATED_BY_USERS', 'GONG_TRIGGER_USER_CREATED']);
    expect(gongIntegration.auth).toEqual({ kind: 'apiKey', header: 'authorization', prefix: 'Basic ' });
    expect(gongIntegration.apiBaseUrl).toBe('https://api.gong.io');
  });

  describe('GONG_TRIGGER_CALL_CREATED', () => {
    it('lists calls from the lookback window to now, with the workspace', async () => {
      const h = new Harness(http, 'GONG_TRIGGER_CALL_CREATED', { workspaceId: '623457276584334' });
      await h.poll();
      expect(fake.requests[0]).toMatchObject({
        method: 'GET', path: '/v2/calls', auth: `Basic ${GONG_TEST_TOKEN}`,
        query: { fromDateTime: new Date(T0 - CALL_LOOKBACK_MS).toISOString(), toDateTime: new Date(T0).toISOString(), workspaceId: '623457276584334' },
      });
      h.now = T0 + 5 * MIN;
      await h.poll();
      expect(fake.requests[1]!.query).toMatchObject({ fromDateTime: new Date(T0 - CALL_LOOKBACK_MS).toISOString(), toDateTime: new Date(T0 + 5 * MIN).toISOString() });
      expect(fake.requests[1]!.query.cursor).toBeUndefined();
    });

    it('records calls listed before subscribing, then delivers a call processed late once, and a re-poll emits nothing', async () => {
      fake.addCall({ started: T0 - 2 * HOUR });
      const late = fake.addCall({ started: T0 - HOUR, processed: false, title: 'Still processing' });
      const h = new Harness(http, 'GONG_TRIGGER_CALL_CREATED');
      expect(await h.poll()).toEqual([]); // the empty-window 404 is not an error either: see below
      late.processed = true; // listed now, an hour after its start
      const fresh = fake.addCall({ started: T0 + MIN });
      h.now = T0 + 10 * MIN;
      const got = await h.poll();
      expect(got.map((i) => i.key).sort()).toEqual([late.id, fresh.id].sort());
      expect(got.find((i) => i.key === late.id)).toMatchObject({ occurredAt: T0 - HOUR, payload: { id: late.id, title: 'Still processing', started: new Date(T0 - HOUR).toISOString().replace('.000', '') } });
      h.now = T0 + 20 * MIN;
      expect(await h.poll()).toEqual([]);
    });

    it('reads Gong\'s 404 "No calls found" as an empty window', async () => {
      const h = new Harness(http, 'GONG_TRIGGER_CALL_CREATED');
      expect(await h.poll()).toEqual([]);
      h.now = T0 + MIN;
      expect(await h.poll()).toEqual([]);
      expect(fake.requests).toHaveLength(2);
    });

    it('only the chosen workspace', async () => {
      const h = new Harness(http, 'GONG_TRIGGER_CALL_CREATED', { workspaceId: '111' });
      await h.poll();
      fake.addCall({ started: T0, workspaceId: '222' });
      const mine = fake.addCall({ started: T0, workspaceId: '111' });
      h.now = T0 + MIN;
      expect((await h.poll()).map((i) => i.key)).toEqual([mine.id]);
    });

    it('follows records.cursor; at the page cap continues the same scan on the next poll, losing nothing', async () => {
      const h = new Harness(http, 'GONG_TRIGGER_CALL_CREATED');
      await h.poll();
      const ids = Array.from({ length: (MAX_PAGES + 2) * 100 }, (_, n) => fake.addCall({ started: T0 + n }).id);
      h.now = T0 + HOUR;
      const first = await h.poll();
      expect(first).toHaveLength(MAX_PAGES * 100);
      h.now = T0 + 2 * HOUR;
      const second = await h.poll();
      expect(second).toHaveLength(200);
      const cont = fake.requests.at(-2)!;
      expect(cont.query.cursor).toBeTypeOf('string');
      expect(cont.query.toDateTime).toBe(new Date(T0 + HOUR).toISOString()); // the continued scan keeps its window
      expect([...first, ...second].map((i) => i.key).sort()).toEqual([...ids].sort());
      h.now = T0 + 3 * HOUR;
      const before = fake.requests.length;
      expect(await h.poll()).toEqual([]);
      // the finished scan moved the cursor to its own end: the next scan starts a lookback before it
      expect(fake.requests[before]!.query).toMatchObject({ fromDateTime: new Date(T0 + HOUR - CALL_LOOKBACK_MS).toISOString(), toDateTime: new Date(T0 + 3 * HOUR).toISOString() });
      expect(fake.requests[before]!.query.cursor).toBeUndefined();
    });

    it('a baseline larger than its page cap delivers nothing from before the subscription', async () => {
      for (let n = 0; n < (BASELINE_MAX_PAGES + 1) * 100; n++) fake.addCall({ started: T0 - HOUR + n });
      const h = new Harness(http, 'GONG_TRIGGER_CALL_CREATED');
      expect(await h.poll()).toEqual([]);
      h.now = T0 + MIN;
      const fresh = fake.addCall({ started: T0 + 1 });
      expect((await h.poll()).map((i) => i.key)).toEqual([fresh.id]);
    }, 30_000);
  });

  describe('GONG_TRIGGER_CALL_CREATED_BY_USERS', () => {
    it('posts the hosts, window and workspace filter asking for parties; delivers metaData and parties', async () => {
      const h = new Harness(http, 'GONG_TRIGGER_CALL_CREATED_BY_USERS', { primaryUserIds: ' 111, 222 ', workspaceId: '9' });
      await h.poll();
      expect(fake.requests[0]).toMatchObject({
        method: 'POST', path: '/v2/calls/extensive',
        body: {
          filter: { fromDateTime: new Date(T0 - CALL_LOOKBACK_MS).toISOString(), toDateTime: new Date(T0).toISOString(), primaryUserIds: ['111', '222'], workspaceId: '9' },
          contentSelector: { exposedFields: { parties: true } },
        },
      });
      fake.addCall({ started: T0, primaryUserId: '333', workspaceId: '9' });
      const mine = fake.addCall({ started: T0, primaryUserId: '222', workspaceId: '9' });
      h.now = T0 + MIN;
      const got = await h.poll();
      expect(got.map((i) => i.key)).toEqual([mine.id]);
      expect(got[0]!.payload).toMatchObject({ metaData: { id: mine.id, primaryUserId: '222' }, parties: [{ userId: '222', affiliation: 'Internal' }] });
      expect(got[0]!.occurredAt).toBe(T0);
    });

    it('sends the paging cursor in the body', async () => {
      const h = new Harness(http, 'GONG_TRIGGER_CALL_CREATED_BY_USERS', { primaryUserIds: '234599484848423' });
      await h.poll();
      for (let n = 0; n < 150; n++) fake.addCall({ started: T0 + n });
      h.now = T0 + MIN;
      expect(await h.poll()).toHaveLength(150);
      expect(fake.requests.at(-1)!.body.cursor).toBeTypeOf('string');
    });
  });

  describe('GONG_TRIGGER_USER_CREATED', () => {
    it('polls users by creation time; old users are baseline, a new one fires once', async () => {
      fake.addUser({ created: T0 - 2 * MIN });
      const h = new Harness(http, 'GONG_TRIGGER_USER_CREATED');
      expect(await h.poll()).toEqual([]);
      expect(fake.requests[0]).toMatchObject({ method: 'POST', path: '/v2/users/extensive', body: { filter: { createdFromDateTime: new Date(T0 - 10 * MIN).toISOString(), createdToDateTime: new Date(T0).toISOString() } } });
      const u = fake.addUser({ created: T0 + 30_000, emailAddress: 'jon.snow@gong-demo.com' });
      h.now = T0 + MIN;
      const got = await h.poll();
      expect(got.map((i) => i.key)).toEqual([u.id]);
      expect(got[0]).toMatchObject({ occurredAt: T0 + 30_000, payload: { id: u.id, emailAddress: 'jon.snow@gong-demo.com' } });
      h.now = T0 + 2 * MIN;
      expect(await h.poll()).toEqual([]);
    });
  });

  describe('errors', () => {
    const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, headers, body });
    it('maps Gong answers to error kinds with Gong\'s own text', () => {
      expect(gongError(res(401, { requestId: 'r1', errors: ['Unauthorized'] }), T0)).toMatchObject({ kind: 'auth', status: 401, message: 'Gong 401: Unauthorized (requestId r1)' });
      expect(gongError(res(429, {}, { 'retry-after': '7' }), T0)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
      expect(gongError(res(429, {}), T0).retryAfterMs).toBe(10_000);
      expect(gongError(res(503, null), T0)).toMatchObject({ kind: 'transient', status: 503 });
      expect(gongError(res(403, { errors: ['Missing scope api:calls:read:extensive'] }), T0)).toMatchObject({ kind: 'permanent', message: 'Gong 403: Missing scope api:calls:read:extensive' });
      expect(isEmptyResult(res(404, { errors: ['No calls found corresponding to the provided filters'] }))).toBe(true);
      expect(isEmptyResult(res(404, { errors: ['Not found'] }))).toBe(false);
    });

    it('throws classified ProviderErrors from a poll, never with the key', async () => {
      const h = new Harness(http, 'GONG_TRIGGER_CALL_CREATED');
      fake.failNext(1, 400, {}, { requestId: 'r9', errors: ['Invalid date format'] });
      const e = await h.poll().catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ProviderError);
      expect(e).toMatchObject({ kind: 'permanent', message: 'Gong 400: Invalid date format (requestId r9)' });
      fake.validAuth.clear();
      const e2 = (await h.poll().catch((x: unknown) => x)) as ProviderError;
      expect(e2.kind).toBe('auth');
      expect(e2.message).not.toContain(GONG_TEST_TOKEN);
      fake.failNext(1, 404, {}, { requestId: 'r10', errors: ['Not found'] });
      expect(await h.poll().catch((x: unknown) => x)).toMatchObject({ kind: 'permanent', status: 404 });
    });
  });

  it('validates ids naming what is wrong', () => {
    expect(validateOptionalId('workspace')(undefined)).toBeNull();
    expect(validateOptionalId('workspace')('623457276584334')).toBeNull();
    expect(validateOptionalId('workspace')('abc')).toMatch(/Gong workspace id/);
    expect(validateIdList('user')('1, 2')).toBeNull();
    expect(validateIdList('user')('')).toMatch(/at least one/);
    expect(validateIdList('user')('1, x2')).toMatch(/"x2" is not one/);
  });
});
