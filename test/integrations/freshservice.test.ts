// Freshservice triggers at the source level: real HTTP against the fake Freshservice on the account's path, with a
// harness that plays the engine's part (the baseline is recorded as seen, each key is kept once, the cursor is JSON).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { freshserviceError, sinceParam } from '../../src/integrations/freshservice/api.js';
import changeFixture from '../../src/integrations/freshservice/fixtures/change.json' with { type: 'json' };
import ticketFixture from '../../src/integrations/freshservice/fixtures/ticket.json' with { type: 'json' };
import { freshserviceIntegration } from '../../src/integrations/freshservice/integration.js';
import { MAX_PAGES_PER_POLL, parseCursor } from '../../src/integrations/freshservice/sweep.js';
import { ProviderError, type AnyTriggerDefinition, type HttpClient, type Item, type PollSource } from '../../src/sdk/index.js';
import { recordPoll } from '../helpers/poll-harness.js';
import { basicAuth, freshserviceRateLimitHeaders, startFakeFreshservice, type FakeFreshservice } from '../providers/freshservice.js';

const SEC = 1000;
const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 27, 15, 0, 0);
const silent = { debug() {}, info() {}, warn() {} };

function trigger(type: string): AnyTriggerDefinition {
  const t = freshserviceIntegration.triggers.find((x) => x.type === type);
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
      http: this.http, params: this.params, credential: { id: 'cred-1', providerAccountId: null, extra: { domain: 'acme' } },
      log: silent, signal: AbortSignal.timeout(10_000), now: () => this.now, cursor: this.cursor,
    });
    return recordPoll(this, r);
  }
}

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

describe('freshservice', () => {
  let fake: FakeFreshservice;
  let http: HttpClient;
  const harness = (type: string, params: Record<string, unknown> = {}) => new Harness(http, type, params);
  beforeEach(async () => {
    fake = await startFakeFreshservice({ now: () => T0 });
    // The engine's client on the account's apiBaseUrl (the engine fills `{domain}` from the credential).
    http = createProviderHttp({
      integration: freshserviceIntegration, apiBaseUrl: `${fake.url}/acme/api/v2`,
      auth: { canRefresh: false, headers: async () => ({ authorization: `Basic ${basicAuth('fs-key-1')}` }) },
    });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('declares the triggers, Basic API-key auth and the account domain in apiBaseUrl', () => {
    expect(freshserviceIntegration.key).toBe('freshservice');
    expect(freshserviceIntegration.triggers.map((t) => [t.type, t.source.kind])).toEqual([
      ['FRESHSERVICE_TRIGGER_TICKET_CREATED', 'poll'], ['FRESHSERVICE_TRIGGER_TICKET_UPDATED', 'poll'],
      ['FRESHSERVICE_TRIGGER_TICKET_RESOLVED', 'poll'], ['FRESHSERVICE_TRIGGER_CHANGE_CREATED', 'poll'],
    ]);
    expect(freshserviceIntegration.auth).toEqual({ kind: 'apiKey', header: 'authorization', basicPassword: 'X' });
    expect(freshserviceIntegration.apiBaseUrl).toBe('https://{domain}.freshservice.com/api/v2');
    expect(freshserviceIntegration.accountParameters).toEqual([expect.objectContaining({ name: 'domain', acceptSuffix: '.freshservice.com' })]);
    for (const t of freshserviceIntegration.triggers) expect(t.docsUrl).toMatch(/^https:\/\/api\.freshservice\.com\/#/);
  });

  it('sends updated_since one second early at second precision, and reads only well-formed cursors', () => {
    expect(sinceParam(Date.parse('2020-03-29T13:11:09.700Z'))).toBe('2020-03-29T13:11:08Z');
    expect(parseCursor(null)).toBeNull();
    expect(parseCursor({ from: 'x', createdSince: 1 })).toBeNull();
    expect(parseCursor({ v: 1, from: 5, createdSince: 1, page: 3, newest: 9 })).toEqual({ v: 1, from: 5, createdSince: 1, page: 3, newest: 9 });
  });

  it("maps Freshservice errors to provider error kinds with Freshservice's message", () => {
    const e400 = freshserviceError({ status: 400, headers: {}, body: { description: 'Validation failed', errors: [{ field: 'per_page', message: 'too big', code: 'invalid_value' }] } }, T0);
    expect([e400.kind, e400.message]).toEqual(['permanent', 'Freshservice 400: Validation failed (per_page: too big)']);
    const e403 = freshserviceError({ status: 403, headers: {}, body: { code: 'access_denied', message: 'You are not authorized to perform this action.' } }, T0);
    expect([e403.kind, e403.message]).toEqual(['permanent', 'Freshservice 403 access_denied: You are not authorized to perform this action.']);
    expect(freshserviceError({ status: 401, headers: {}, body: { code: 'invalid_credentials', message: 'x' } }, T0).kind).toBe('auth');
    const e429 = freshserviceError({ status: 429, headers: { 'retry-after': '37' }, body: null }, T0);
    expect([e429.kind, e429.retryAfterMs]).toEqual(['rate_limited', 37_000]);
    expect(freshserviceError({ status: 429, headers: {}, body: null }, T0).retryAfterMs).toBe(60_000);
    expect(freshserviceError({ status: 503, headers: {}, body: 'down' }, T0).kind).toBe('transient');
  });

  describe('FRESHSERVICE_TRIGGER_TICKET_CREATED', () => {
    it('records existing tickets at baseline, emits a new one once with the published shape, then nothing', async () => {
      fake.addTicket({ id: 1, createdAt: T0 - 2 * MIN });
      const h = harness('FRESHSERVICE_TRIGGER_TICKET_CREATED');
      expect(await h.poll()).toEqual([]);
      expect(h.seen.has('1')).toBe(true);
      const [baseline] = fake.ticketLists();
      expect(baseline).toMatchObject({ domain: 'acme', auth: `Basic ${basicAuth('fs-key-1')}`, query: { updated_since: '2026-11-27T14:54:59Z', order_type: 'asc', per_page: '100', page: '1' } });

      fake.addTicket({ id: 20, createdAt: T0 + 30 * SEC });
      h.now = T0 + MIN;
      const got = await h.poll();
      expect(got.map((i) => i.key)).toEqual(['20']);
      expect(got[0]!.payload).toEqual({ ...ticketFixture, id: 20, created_at: '2026-11-27T15:00:30Z', updated_at: '2026-11-27T15:00:30Z' });
      expect(got[0]!.occurredAt).toBe(T0 + 30 * SEC);
      h.now = T0 + 2 * MIN;
      expect(await h.poll()).toEqual([]);
    });

    it('does not take an old ticket that was updated for a new one, and filters by group', async () => {
      const old = fake.addTicket({ createdAt: T0 - 40 * 24 * 60 * MIN });
      const h = harness('FRESHSERVICE_TRIGGER_TICKET_CREATED');
      const grouped = harness('FRESHSERVICE_TRIGGER_TICKET_CREATED', { groupId: '7' });
      await h.poll();
      await grouped.poll();
      fake.updateTicket(old.id, T0 + 10 * SEC, { status: 3 });
      const inGroup = fake.addTicket({ createdAt: T0 + 20 * SEC, group_id: 7 });
      const other = fake.addTicket({ createdAt: T0 + 20 * SEC, group_id: 8 });
      h.now = grouped.now = T0 + MIN;
      expect((await h.poll()).map((i) => i.key)).toEqual([String(inGroup.id), String(other.id)]);
      expect((await grouped.poll()).map((i) => i.key)).toEqual([String(inGroup.id)]);
    });

    it('follows Link pages within a poll, stops at the page cap and continues the same query next poll', async () => {
      const h = harness('FRESHSERVICE_TRIGGER_TICKET_CREATED');
      await h.poll();
      const n = MAX_PAGES_PER_POLL * 100 + 30;
      const ids = Array.from({ length: n }, (_, k) => fake.addTicket({ createdAt: T0 + SEC + (k % 50) * SEC }).id);
      h.now = T0 + 2 * MIN;
      const first = await h.poll();
      expect(first).toHaveLength(MAX_PAGES_PER_POLL * 100);
      expect(h.cursor).toMatchObject({ page: MAX_PAGES_PER_POLL + 1 });
      const second = await h.poll();
      expect([...first, ...second].map((i) => Number(i.key)).sort((a, b) => a - b)).toEqual(ids);
      expect(h.cursor).not.toHaveProperty('page');
      expect(fake.ticketLists().map((r) => r.query.page)).toContain(String(MAX_PAGES_PER_POLL + 1));
      expect(await h.poll()).toEqual([]);
    });

    it('loses nothing created while a sweep of several pages runs', async () => {
      const h = harness('FRESHSERVICE_TRIGGER_TICKET_CREATED');
      await h.poll();
      const ids = Array.from({ length: 150 }, (_, k) => fake.addTicket({ createdAt: T0 + k * SEC }).id);
      let late = 0;
      fake.beforeTicketsPage = (p) => {
        if (p === 3) late = fake.addTicket({ createdAt: T0 + 200 * SEC }).id; // oldest first: it joins the end
      };
      h.now = T0 + 4 * MIN;
      const got = await h.poll();
      expect(got.map((i) => Number(i.key)).sort((a, b) => a - b)).toEqual([...ids, late]);
    });
  });

  describe('FRESHSERVICE_TRIGGER_TICKET_UPDATED', () => {
    it('emits each new version once, never the creation itself', async () => {
      const t = fake.addTicket({ createdAt: T0 - MIN });
      const h = harness('FRESHSERVICE_TRIGGER_TICKET_UPDATED');
      await h.poll();
      fake.addTicket({ createdAt: T0 + 5 * SEC }); // a creation is not an update
      fake.updateTicket(t.id, T0 + 10 * SEC, { status: 3 });
      h.now = T0 + MIN;
      const got = await h.poll();
      expect(got.map((i) => i.key)).toEqual([`${t.id}:${T0 + 10 * SEC}`]);
      expect(got[0]!.payload).toMatchObject({ id: t.id, status: 3, updated_at: '2026-11-27T15:00:10Z' });
      h.now = T0 + 90 * SEC;
      expect(await h.poll()).toEqual([]);
      fake.updateTicket(t.id, T0 + 100 * SEC, { status: 4 });
      h.now = T0 + 2 * MIN;
      expect((await h.poll()).map((i) => i.key)).toEqual([`${t.id}:${T0 + 100 * SEC}`]);
    });
  });

  describe('FRESHSERVICE_TRIGGER_TICKET_RESOLVED', () => {
    it('fires on resolved and on closed once each, not on later edits, and again after reopening', async () => {
      const t = fake.addTicket({ createdAt: T0 - MIN });
      const h = harness('FRESHSERVICE_TRIGGER_TICKET_RESOLVED');
      await h.poll();
      expect(fake.ticketLists().at(-1)!.query).toMatchObject({ include: 'stats', order_type: 'asc' });
      fake.updateTicket(t.id, T0 + 10 * SEC, { status: 3 }); // pending: not final
      h.now = T0 + 30 * SEC;
      expect(await h.poll()).toEqual([]);
      fake.updateTicket(t.id, T0 + 40 * SEC, { status: 4, resolvedAt: T0 + 40 * SEC });
      h.now = T0 + MIN;
      const resolved = await h.poll();
      expect(resolved.map((i) => [i.key, i.occurredAt])).toEqual([[`${t.id}:4:${T0 + 40 * SEC}`, T0 + 40 * SEC]]);
      expect(resolved[0]!.payload).toMatchObject({ id: t.id, status: 4, stats: { resolved_at: '2026-11-27T15:00:40Z' } });
      fake.updateTicket(t.id, T0 + 70 * SEC, { subject: 'edited while resolved' });
      h.now = T0 + 80 * SEC;
      expect(await h.poll()).toEqual([]);
      fake.updateTicket(t.id, T0 + 90 * SEC, { status: 5, closedAt: T0 + 90 * SEC });
      h.now = T0 + 100 * SEC;
      expect((await h.poll()).map((i) => i.key)).toEqual([`${t.id}:5:${T0 + 90 * SEC}`]);
      fake.updateTicket(t.id, T0 + 110 * SEC, { status: 2 });
      fake.updateTicket(t.id, T0 + 120 * SEC, { status: 4, resolvedAt: T0 + 120 * SEC });
      h.now = T0 + 130 * SEC;
      expect((await h.poll()).map((i) => i.key)).toEqual([`${t.id}:4:${T0 + 120 * SEC}`]);
    });
  });

  describe('FRESHSERVICE_TRIGGER_CHANGE_CREATED', () => {
    it('records existing changes at baseline and emits each new change once', async () => {
      fake.addChange({ createdAt: T0 - MIN });
      const h = harness('FRESHSERVICE_TRIGGER_CHANGE_CREATED');
      expect(await h.poll()).toEqual([]);
      expect(fake.changeLists()[0]).toMatchObject({ domain: 'acme', query: { per_page: '100', page: '1', updated_since: '2026-11-27T14:54:59Z' } });
      const c = fake.addChange({ createdAt: T0 + 10 * SEC, subject: 'Patch the VPN' });
      h.now = T0 + MIN;
      const got = await h.poll();
      expect(got.map((i) => i.key)).toEqual([String(c.id)]);
      expect(got[0]!.payload).toEqual({ ...changeFixture, id: c.id, subject: 'Patch the VPN', created_at: '2026-11-27T15:00:10Z', updated_at: '2026-11-27T15:00:10Z' });
      h.now = T0 + 2 * MIN;
      expect(await h.poll()).toEqual([]);
    });
  });

  it('turns failed answers into classified errors with the provider message, never the key', async () => {
    const h = harness('FRESHSERVICE_TRIGGER_TICKET_CREATED');
    fake.failNext(1, 429, freshserviceRateLimitHeaders(42));
    const e429 = await failure(h.poll());
    expect([e429.kind, e429.retryAfterMs]).toEqual(['rate_limited', 42_000]);
    fake.validKeys.clear();
    const e401 = await failure(h.poll());
    expect(e401.kind).toBe('auth');
    expect(e401.message).not.toContain('fs-key-1');
  });
});
