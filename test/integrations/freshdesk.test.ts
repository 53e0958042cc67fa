// Freshdesk triggers at the source level: real HTTP against the fake Freshdesk, with a harness that plays the
// engine's part (the baseline is recorded as seen, each key is kept once, the cursor is stored as JSON).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { accountValuesFromInput, accountValuesOf, fillAccountTemplate } from '../../src/engine/account-parameters.js';
import { UNREADABLE_DOMAIN, checkStoredDomain, freshdeskError, getList, sinceParam } from '../../src/integrations/freshdesk/api.js';
import contactFixture from '../../src/integrations/freshdesk/fixtures/contact.json' with { type: 'json' };
import ticketFixture from '../../src/integrations/freshdesk/fixtures/ticket.json' with { type: 'json' };
import { freshdeskIntegration } from '../../src/integrations/freshdesk/integration.js';
import { MAX_PAGES_PER_POLL } from '../../src/integrations/freshdesk/tickets.js';
import { ProviderError, type AnyTriggerDefinition, type HttpClient, type Item, type PollSource } from '../../src/sdk/index.js';
import { recordPoll } from '../helpers/poll-harness.js';
import { basicAuth, freshdeskRateLimitHeaders, startFakeFreshdesk, type FakeFreshdesk } from '../providers/freshdesk.js';

const SEC = 1000;
const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 27, 15, 0, 0);
const silent = { debug() {}, info() {}, warn() {} };

function trigger(type: string): AnyTriggerDefinition {
  const t = freshdeskIntegration.triggers.find((x) => x.type === type);
  if (!t) throw new Error(`no trigger ${type}`);
  return t;
}

class Harness {
  seen = new Set<string>();
  cursor: unknown = null;
  now = T0;
  constructor(
    private readonly http: HttpClient,
    private readonly type: string,
    private readonly params: Record<string, unknown> = {},
    private readonly extra: Record<string, unknown> = { domain: 'acme' },
  ) {}
  async poll(): Promise<Item[]> {
    const source = trigger(this.type).source as PollSource;
    const r = await source.poll({
      http: this.http, params: this.params, credential: { id: 'cred-1', providerAccountId: null, extra: this.extra },
      log: silent, signal: AbortSignal.timeout(10_000), now: () => this.now, cursor: this.cursor,
    });
    return recordPoll(this, r);
  }
}

describe('freshdesk', () => {
  let fake: FakeFreshdesk;
  let http: HttpClient;
  const harness = (type: string, params: Record<string, unknown> = {}, extra?: Record<string, unknown>) => new Harness(http, type, params, extra);
  beforeEach(async () => {
    fake = await startFakeFreshdesk({ now: () => T0 });
    // The engine's client on the helpdesk's apiBaseUrl (the engine fills `{domain}` from the credential).
    http = createProviderHttp({
      integration: freshdeskIntegration, apiBaseUrl: `${fake.url}/acme/api/v2`,
      auth: { canRefresh: false, headers: async () => ({ authorization: `Basic ${basicAuth('fd-key-1')}` }) },
    });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('declares the trigger types, Basic API-key auth and the documented pages', () => {
    expect(freshdeskIntegration.key).toBe('freshdesk');
    expect(freshdeskIntegration.triggers.map((t) => [t.type, t.source.kind])).toEqual([
      ['FRESHDESK_TRIGGER_TICKET_CREATED', 'poll'], ['FRESHDESK_TRIGGER_TICKET_UPDATED', 'poll'], ['FRESHDESK_TRIGGER_CONTACT_CREATED', 'poll'],
    ]);
    expect(freshdeskIntegration.auth).toEqual({ kind: 'apiKey', header: 'authorization', basicPassword: 'X' });
    for (const t of freshdeskIntegration.triggers) expect(t.docsUrl).toMatch(/^https:\/\/developers\.freshdesk\.com\/api\/#/);
  });

  it('names the helpdesk by the domain account parameter in apiBaseUrl, never by another credential field', () => {
    expect(freshdeskIntegration.apiBaseUrl).toBe('https://{domain}.freshdesk.com/api/v2');
    expect(freshdeskIntegration.accountParameters).toEqual([expect.objectContaining({ name: 'domain', acceptSuffix: '.freshdesk.com' })]);
    const base = (extra: Record<string, unknown>) => fillAccountTemplate(freshdeskIntegration, freshdeskIntegration.apiBaseUrl, accountValuesOf(freshdeskIntegration, extra));
    // What credentials made before the account parameter hold and the engine still reads: the subdomain or the host.
    expect(base({ domain: 'acme' })).toBe('https://acme.freshdesk.com/api/v2');
    expect(base({ domain: 'Acme' })).toBe('https://acme.freshdesk.com/api/v2');
    expect(base({ domain: ' Acme.Freshdesk.com ' })).toBe('https://acme.freshdesk.com/api/v2');
    // A new credential is checked and stored normalized; a URL or a foreign host is refused.
    const templates = [freshdeskIntegration.apiBaseUrl];
    expect(accountValuesFromInput(freshdeskIntegration, { domain: 'acme.freshdesk.com' }, { field: 'extra', strict: false, templates })).toEqual({ domain: 'acme' });
    for (const domain of ['https://acme.freshdesk.com', 'http://127.0.0.1:4000', 'acme.example.com', 'acme corp']) {
      expect(() => accountValuesFromInput(freshdeskIntegration, { domain }, { field: 'extra', strict: false, templates })).toThrow(/extra\.domain: must be a single host name label/);
    }
    // Nothing is read from an unreadable stored value: the engine refuses to build the URL rather than guess.
    expect(() => base({ domain: 'https://acme.freshdesk.com' })).toThrow(ProviderError);
  });

  it('refuses a stored URL domain (the old credential form) with a permanent error naming the fix, before any call', async () => {
    expect(() => checkStoredDomain({ domain: 'acme' })).not.toThrow();
    expect(() => checkStoredDomain({ domain: 'ACME.freshdesk.com' })).not.toThrow();
    expect(() => checkStoredDomain({})).not.toThrow(); // absent: the engine names the missing parameter when needed
    for (const domain of ['https://acme.freshdesk.com', 'https://acme.freshdesk.com/', 'http://127.0.0.1:4000', 'support.acme.com', 42]) {
      const err = (() => { try { checkStoredDomain({ domain }); } catch (e) { return e; } })() as ProviderError;
      expect(err).toBeInstanceOf(ProviderError);
      expect([err.kind, err.message]).toEqual(['permanent', UNREADABLE_DOMAIN]);
    }
    expect(UNREADABLE_DOMAIN).toContain('store extra.domain as the subdomain, e.g. acme');
    for (const type of ['FRESHDESK_TRIGGER_TICKET_CREATED', 'FRESHDESK_TRIGGER_CONTACT_CREATED']) {
      await expect(harness(type, {}, { domain: 'https://acme.freshdesk.com' }).poll()).rejects.toMatchObject({ kind: 'permanent', message: UNREADABLE_DOMAIN });
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('sends updated_since one second early at second precision', () => {
    expect(sinceParam(Date.parse('2015-08-24T11:59:05.700Z'))).toBe('2015-08-24T11:59:04Z');
  });

  it('maps Freshdesk errors to provider error kinds with Freshdesk\'s message', () => {
    const e400 = freshdeskError({ status: 400, headers: {}, body: { description: 'Validation failed', errors: [{ field: 'per_page', message: 'too big', code: 'invalid_value' }] } });
    expect([e400.kind, e400.message]).toEqual(['permanent', 'Freshdesk 400: Validation failed (per_page: too big)']);
    const e403 = freshdeskError({ status: 403, headers: {}, body: { code: 'access_denied', message: 'You are not authorized to perform this action.' } });
    expect([e403.kind, e403.message]).toEqual(['permanent', 'Freshdesk 403 access_denied: You are not authorized to perform this action.']);
    expect(freshdeskError({ status: 401, headers: {}, body: { code: 'invalid_credentials', message: 'x' } }).kind).toBe('auth');
    const e429 = freshdeskError({ status: 429, headers: { 'retry-after': '37' }, body: null });
    expect([e429.kind, e429.retryAfterMs]).toEqual(['rate_limited', 37_000]);
    expect(freshdeskError({ status: 503, headers: {}, body: 'down' }).kind).toBe('transient');
  });

  describe('FRESHDESK_TRIGGER_TICKET_CREATED', () => {
    it('records existing tickets at baseline, emits a new one once with the published shape, then nothing', async () => {
      fake.addTicket({ id: 1, createdAt: T0 - 2 * MIN });
      const h = harness('FRESHDESK_TRIGGER_TICKET_CREATED');
      expect(await h.poll()).toEqual([]);
      expect(h.seen.has('1')).toBe(true);
      const [baseline] = fake.ticketLists();
      expect(baseline).toMatchObject({ domain: 'acme', path: '/api/v2/tickets', auth: `Basic ${basicAuth('fd-key-1')}`, query: { updated_since: '2026-11-27T14:54:59Z', order_by: 'updated_at', order_type: 'asc', per_page: '100', page: '1' } });

      fake.addTicket({ id: 20, createdAt: T0 + 30 * SEC, company_id: 1 });
      h.now = T0 + MIN;
      const got = await h.poll();
      expect(got.map((i) => i.key)).toEqual(['20']);
      expect(got[0]!.payload).toEqual({ ...ticketFixture, created_at: '2026-11-27T15:00:30Z', updated_at: '2026-11-27T15:00:30Z', subject: 'Support needed' });
      expect(got[0]!.occurredAt).toBe(T0 + 30 * SEC);
      h.now = T0 + 2 * MIN;
      expect(await h.poll()).toEqual([]);
    });

    it('does not take an old ticket that was updated for a new one', async () => {
      const old = fake.addTicket({ createdAt: T0 - 40 * 24 * 60 * MIN });
      const h = harness('FRESHDESK_TRIGGER_TICKET_CREATED');
      await h.poll();
      fake.updateTicket(old.id, T0 + 10 * SEC, { status: 4 });
      h.now = T0 + MIN;
      expect(await h.poll()).toEqual([]);
    });

    it('emits every one of many tickets sharing one second, across pages, exactly once', async () => {
      const h = harness('FRESHDESK_TRIGGER_TICKET_CREATED');
      await h.poll();
      const ids = Array.from({ length: 230 }, () => fake.addTicket({ createdAt: T0 + 10 * SEC }).id);
      fake.addTicket({ createdAt: T0 + 20 * SEC });
      h.now = T0 + MIN;
      const got = await h.poll();
      expect(got.map((i) => Number(i.key)).sort((a, b) => a - b)).toEqual([...ids, ids.at(-1)! + 1]);
      // The crowded second was paged by page number (pages 2 and 3 of one query) and is read again next poll.
      expect(fake.ticketLists().map((r) => r.query.page)).toContain('3');
      h.now = T0 + 2 * MIN;
      expect(await h.poll()).toEqual([]);
    });

    it('loses nothing when a ticket already read is updated between two page requests', async () => {
      const h = harness('FRESHDESK_TRIGGER_TICKET_CREATED');
      await h.poll();
      // 150 tickets in distinct seconds: page 1 holds 100; before the next page is served, one of them is updated
      // and moves to the end of the list. A page=2 continuation would skip the ticket that slid back onto page 1;
      // the re-anchored query cannot.
      const ids = Array.from({ length: 150 }, (_, n) => fake.addTicket({ createdAt: T0 + n * SEC }).id);
      fake.beforeTicketsPage = (n) => {
        if (n === 3) fake.updateTicket(ids[5]!, T0 + 200 * SEC);
      };
      h.now = T0 + 3 * MIN;
      const got = await h.poll();
      expect(got.map((i) => Number(i.key)).sort((a, b) => a - b)).toEqual(ids);
      expect(fake.ticketLists().every((r) => r.query.page === '1')).toBe(true);
    });

    it('bounds the pages of one poll and continues where it stopped on the next', async () => {
      const h = harness('FRESHDESK_TRIGGER_TICKET_CREATED');
      await h.poll();
      const ids = Array.from({ length: 2300 }, (_, n) => fake.addTicket({ createdAt: T0 + n * SEC }).id);
      h.now = T0 + 60 * MIN;
      const before = fake.ticketLists().length;
      const first = await h.poll();
      expect(fake.ticketLists().length - before).toBe(MAX_PAGES_PER_POLL);
      expect(first.length).toBeLessThan(ids.length);
      const second = await h.poll();
      expect([...first, ...second].map((i) => Number(i.key)).sort((a, b) => a - b)).toEqual(ids);
    });

    it('applies the group and company filters', async () => {
      const h = harness('FRESHDESK_TRIGGER_TICKET_CREATED', { groupId: '7', companyId: 3 });
      await h.poll();
      const match = fake.addTicket({ createdAt: T0 + SEC, group_id: 7, company_id: 3 });
      fake.addTicket({ createdAt: T0 + SEC, group_id: 8, company_id: 3 });
      fake.addTicket({ createdAt: T0 + SEC, group_id: 7, company_id: null });
      h.now = T0 + MIN;
      expect((await h.poll()).map((i) => i.key)).toEqual([String(match.id)]);
      const validate = trigger('FRESHDESK_TRIGGER_TICKET_CREATED').parameters.find((p) => p.id === 'groupId')!.validate!;
      expect(validate('12')).toBeNull();
      expect(validate('12 OR 1')).toMatch(/group id/);
    });

    it('throws classified errors: 401 auth, 429 rate_limited with Retry-After, 5xx transient, 400 with the message', async () => {
      const h = harness('FRESHDESK_TRIGGER_TICKET_CREATED');
      fake.validKeys.clear();
      await expect(h.poll()).rejects.toMatchObject({ kind: 'auth', status: 401, message: expect.stringContaining('invalid_credentials') });
      fake.validKeys.add('fd-key-1');
      fake.failNext(1, 429, freshdeskRateLimitHeaders(90));
      await expect(h.poll()).rejects.toMatchObject({ kind: 'rate_limited', retryAfterMs: 90_000 });
      fake.failNext(1, 502);
      await expect(h.poll()).rejects.toMatchObject({ kind: 'transient', status: 502 });
      expect(h.cursor).toBeNull(); // nothing was recorded by the failed baselines
      // Any other refusal is permanent and carries Freshdesk's own message (never the key).
      const bad = await getList(http, '/tickets', { per_page: 500 }).catch((e: unknown) => e);
      expect(bad).toMatchObject({ kind: 'permanent', status: 400, message: 'Freshdesk 400: Validation failed (per_page: It should be a Positive Integer less than or equal to 100)' });
      expect((bad as Error).message).not.toContain('fd-key-1');
    });
  });

  describe('FRESHDESK_TRIGGER_TICKET_UPDATED', () => {
    it('emits each new version once (id + updated_at), never the creation, never the baseline', async () => {
      const t = fake.addTicket({ createdAt: T0 - 10 * MIN });
      fake.updateTicket(t.id, T0 - MIN);
      const h = harness('FRESHDESK_TRIGGER_TICKET_UPDATED');
      expect(await h.poll()).toEqual([]);
      fake.addTicket({ createdAt: T0 + SEC }); // a creation is no update
      fake.updateTicket(t.id, T0 + 5 * SEC, { status: 3 });
      h.now = T0 + MIN;
      const first = await h.poll();
      expect(first.map((i) => i.key)).toEqual([`${t.id}:${T0 + 5 * SEC}`]);
      expect(first[0]!.payload).toMatchObject({ id: t.id, status: 3, updated_at: '2026-11-27T15:00:05Z' });
      h.now = T0 + 2 * MIN;
      expect(await h.poll()).toEqual([]);
      fake.updateTicket(t.id, T0 + 2 * MIN, { status: 4 });
      h.now = T0 + 3 * MIN;
      expect((await h.poll()).map((i) => i.key)).toEqual([`${t.id}:${T0 + 2 * MIN}`]);
    });
  });

  describe('FRESHDESK_TRIGGER_CONTACT_CREATED', () => {
    it('records existing contacts at baseline and emits each new contact once, across pages', async () => {
      fake.addContact({ createdAt: T0 - MIN });
      const h = harness('FRESHDESK_TRIGGER_CONTACT_CREATED');
      expect(await h.poll()).toEqual([]);
      expect(fake.contactLists()[0]!.query).toMatchObject({ _updated_since: '2026-11-27T14:54:59Z', per_page: '100', page: '1' });
      const added = Array.from({ length: 120 }, () => fake.addContact({ createdAt: T0 + 10 * SEC }));
      const old = fake.addContact({ createdAt: T0 - 90 * 24 * 60 * MIN });
      old.updatedAt = T0 + 15 * SEC; // an old contact edited now is not new
      h.now = T0 + MIN;
      const got = await h.poll();
      expect(got.map((i) => Number(i.key))).toEqual(added.map((c) => c.id));
      expect(got[0]!.payload).toEqual({ ...contactFixture, id: added[0]!.id, name: 'Green Lantern', email: added[0]!.email, created_at: '2026-11-27T15:00:10Z', updated_at: '2026-11-27T15:00:10Z' });
      h.now = T0 + 2 * MIN;
      expect(await h.poll()).toEqual([]);
      // The cursor moved to the newest update seen, minus the overlap, and one second early.
      expect(fake.contactLists().at(-1)!.query._updated_since).toBe('2026-11-27T14:59:14Z');
    });

    it('stops after ten pages and continues the same listing on the next poll', async () => {
      const h = harness('FRESHDESK_TRIGGER_CONTACT_CREATED');
      await h.poll();
      const added = Array.from({ length: 1150 }, () => fake.addContact({ createdAt: T0 + 10 * SEC }));
      h.now = T0 + MIN;
      const before = fake.contactLists().length;
      const first = await h.poll();
      expect(fake.contactLists().length - before).toBe(10);
      expect(first).toHaveLength(1000);
      const second = await h.poll();
      expect(fake.contactLists().slice(before + 10).map((r) => r.query.page)).toEqual(['11', '12']);
      expect([...first, ...second].map((i) => Number(i.key))).toEqual(added.map((c) => c.id));
      h.now = T0 + 2 * MIN;
      expect(await h.poll()).toEqual([]);
    });
  });
});
