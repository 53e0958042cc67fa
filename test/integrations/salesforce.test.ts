// Salesforce triggers at the source level: real HTTP against the fake Salesforce (login host + instance host),
// with a harness that plays the engine's part (baseline recorded as seen, each key kept once, the cursor
// stored as JSON, CONDITIONAL parameters applied to payloads).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyParameterFilters } from '../../src/engine/filters.js';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { salesforceIntegration } from '../../src/integrations/salesforce/integration.js';
import { PAGE_SIZE, pageQuery, type RecordCursor } from '../../src/integrations/salesforce/records.js';
import { compileFilter, dateTimeLiteral, stringLiteral, validateObjectName } from '../../src/integrations/salesforce/soql.js';
import describeFixture from '../../src/integrations/salesforce/fixtures/describe-opportunity.json' with { type: 'json' };
import errors from '../../src/integrations/salesforce/fixtures/errors.json' with { type: 'json' };
import tokenResponse from '../../src/integrations/salesforce/fixtures/token-response.json' with { type: 'json' };
import { ProviderError, type AnyTriggerDefinition, type HttpClient, type Item, type PollSource } from '../../src/sdk/index.js';
import { TestClock } from '../helpers/clock.js';
import { recordPoll } from '../helpers/poll-harness.js';
import { startFakeSalesforce, type FakeSalesforce } from '../providers/salesforce.js';

const SEC = 1000;
const MIN = 60 * SEC;
const silent = { debug() {}, info() {}, warn() {} };

function trigger(type: string): AnyTriggerDefinition {
  const t = salesforceIntegration.triggers.find((x) => x.type === type);
  if (!t) throw new Error(`no trigger ${type}`);
  return t;
}

/** Plays the engine: baseline seen-only, each key once per subscription, cursor stored as JSON, filters applied. */
class Harness {
  seen = new Set<string>();
  cursor: unknown = null;
  constructor(
    private readonly http: HttpClient,
    private readonly type: string,
    private readonly params: Record<string, unknown>,
    private readonly clock: TestClock,
    private readonly extra: Record<string, unknown>,
  ) {}
  async poll(): Promise<Item[]> {
    const t = trigger(this.type);
    const r = await (t.source as PollSource).poll({
      http: this.http, params: this.params, credential: { id: 'cred-1', providerAccountId: 'org:user', extra: this.extra },
      log: silent, signal: AbortSignal.timeout(10_000), now: this.clock.now, cursor: this.cursor,
    });
    return recordPoll(this, r, (items) => applyParameterFilters(t, this.params, items));
  }
}

describe('salesforce', () => {
  let sf: FakeSalesforce;
  let http: HttpClient;
  let clock: TestClock;
  let extra: Record<string, unknown>;
  const harness = (type: string, params: Record<string, unknown> = { recordType: 'Opportunity' }) => new Harness(http, type, params, clock, extra);

  beforeEach(async () => {
    clock = new TestClock(Date.UTC(2026, 10, 27, 15, 0, 0));
    sf = await startFakeSalesforce({ now: clock.now });
    sf.defineObject('Opportunity', { StageName: 'picklist', Amount: 'currency', CloseDate: 'date', Description: 'textarea', IsWon: 'boolean' });
    sf.defineObject('Invoice__c', { Total__c: 'currency' });
    sf.validTokens.add('valid-token');
    extra = { instance_url: sf.instanceUrl };
    // apiBaseUrl is the LOGIN host: every query must go to the credential's instance_url instead.
    http = createProviderHttp({ integration: salesforceIntegration, apiBaseUrl: sf.loginUrl, auth: { canRefresh: false, headers: async () => ({ authorization: 'Bearer valid-token' }) } });
  });
  afterEach(async () => {
    await sf.close();
  });

  it('declares the binding trigger types, the OAuth web server flow with PKCE and the refresh_token scope', () => {
    expect(salesforceIntegration.triggers.map((t) => t.type)).toEqual(['SALESFORCE_TRIGGER_RECORD_CREATED', 'SALESFORCE_TRIGGER_RECORD_UPDATED']);
    expect(salesforceIntegration.auth).toMatchObject({
      kind: 'oauth2', authorizationUrl: 'https://login.salesforce.com/services/oauth2/authorize', tokenUrl: 'https://login.salesforce.com/services/oauth2/token',
      scopes: ['api', 'refresh_token'], pkce: true,
    });
    for (const t of salesforceIntegration.triggers) {
      expect(t.docsUrl).toMatch(/^https:\/\/developer\.salesforce\.com\//);
      expect(t.parameters.map((p) => [p.id, p.type, p.required])).toEqual([['recordType', 'TEXT', true], ['filterFormula', 'CONDITIONAL', false]]);
    }
  });

  describe('connect', () => {
    it('keeps instance_url and identifies org and user from the identity URL of the token response', async () => {
      const { access_token, refresh_token, token_type, ...rest } = tokenResponse;
      const r = await salesforceIntegration.accountId!({ http, token: { accessToken: access_token, refreshToken: refresh_token, extra: { ...rest, token_type } } });
      expect(r).toEqual({
        providerAccountId: '00DB0000000TfcRMAS:005B0000005Bk90IAC',
        extra: { instance_url: 'https://yourinstance.salesforce.com', organizationId: '00DB0000000TfcRMAS', userId: '005B0000005Bk90IAC' },
      });
    });

    it('asks userinfo on the instance when the token response has no identity URL, and refuses a token without instance_url', async () => {
      const r = await salesforceIntegration.accountId!({ http, token: { accessToken: 'valid-token', extra: { instance_url: `${sf.instanceUrl}/` } } });
      expect(r).toEqual({ providerAccountId: `${sf.organizationId}:${sf.userId}`, extra: { instance_url: sf.instanceUrl, organizationId: sf.organizationId, userId: sf.userId } });
      expect(sf.requests.at(-1)).toMatchObject({ host: 'instance', path: '/services/oauth2/userinfo', auth: 'Bearer valid-token' });
      await expect(salesforceIntegration.accountId!({ http, token: { accessToken: 'valid-token', extra: {} } })).rejects.toThrow(/instance_url/);
      await expect(salesforceIntegration.accountId!({ http, token: { accessToken: 'valid-token', extra: { instance_url: 'javascript:alert(1)' } } })).rejects.toThrow(/instance_url/);
    });
  });

  describe('SALESFORCE_TRIGGER_RECORD_CREATED', () => {
    it('records existing records at baseline, emits a new one once, and a second run emits nothing', async () => {
      const old = sf.insert('Opportunity', { Name: 'Old deal' }, clock.now() - 2 * MIN);
      const h = harness('SALESFORCE_TRIGGER_RECORD_CREATED');
      expect(await h.poll()).toEqual([]);
      expect(h.seen.has(old.Id)).toBe(true);
      clock.advance(MIN);
      const created = sf.insert('Opportunity', { Name: 'Edge Emergency Generator', StageName: 'Prospecting', Amount: 75000 });
      const items = await h.poll();
      expect(items.map((i) => i.key)).toEqual([created.Id]);
      expect(items[0]!.payload).toEqual(created);
      expect(items[0]!.occurredAt).toBe(Date.parse(String(created.CreatedDate)));
      expect(await h.poll()).toEqual([]);
      // Every call went to the instance host with the credential's token; none to the login host (apiBaseUrl).
      expect(new Set(sf.requests.map((q) => q.host))).toEqual(new Set(['instance']));
      expect(sf.requests.every((q) => q.path === '/services/data/v66.0/query' && q.auth === 'Bearer valid-token')).toBe(true);
      expect(sf.queries.at(-1)).toMatch(/^SELECT FIELDS\(ALL\) FROM Opportunity WHERE CreatedDate >= \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ ORDER BY CreatedDate ASC, Id ASC LIMIT 200$/);
    });

    it('pages by (CreatedDate, Id) keyset: hundreds of records in one second are each emitted once', async () => {
      const h = harness('SALESFORCE_TRIGGER_RECORD_CREATED');
      await h.poll();
      clock.advance(MIN);
      const burst = Array.from({ length: 2 * PAGE_SIZE + 37 }, (_, i) => sf.insert('Opportunity', { Name: `import ${i}` }));
      const items = await h.poll();
      expect(items.map((i) => i.key).sort()).toEqual(burst.map((r) => r.Id).sort());
      // Second and third pages continue strictly after the last (CreatedDate, Id) read.
      const keyset = sf.queries.filter((q) => q.includes(' OR (CreatedDate = '));
      expect(keyset).toHaveLength(2);
      expect(keyset[0]).toContain(`(CreatedDate > ${dateTimeLiteral(clock.now())} OR (CreatedDate = ${dateTimeLiteral(clock.now())} AND Id > '${burst[PAGE_SIZE - 1]!.Id}'))`);
      expect(await h.poll()).toEqual([]);
    });

    it('follows nextRecordsUrl when Salesforce splits a result into batches', async () => {
      sf.batchSize = 40;
      const h = harness('SALESFORCE_TRIGGER_RECORD_CREATED');
      await h.poll();
      clock.advance(MIN);
      const created = Array.from({ length: 90 }, (_, i) => sf.insert('Opportunity', { Name: `n${i}` }, clock.now() + i * SEC));
      const items = await h.poll();
      expect(items.map((i) => i.key)).toEqual(created.map((r) => r.Id));
      const more = sf.requests.filter((q) => /^\/services\/data\/v66\.0\/query\/01g/.test(q.path));
      expect(more.length).toBeGreaterThanOrEqual(2);
    });

    it('finds a record whose transaction committed late with an older CreatedDate (overlapping window)', async () => {
      const h = harness('SALESFORCE_TRIGGER_RECORD_CREATED');
      await h.poll();
      clock.advance(3 * MIN);
      const a = sf.insert('Opportunity', { Name: 'a' });
      expect((await h.poll()).map((i) => i.key)).toEqual([a.Id]);
      // Committed now, stamped two minutes ago (a long transaction): still inside the overlap.
      const late = sf.insert('Opportunity', { Name: 'late' }, clock.now() - 2 * MIN);
      clock.advance(MIN);
      expect((await h.poll()).map((i) => i.key)).toEqual([late.Id]);
    });

    it('works for custom objects', async () => {
      const h = harness('SALESFORCE_TRIGGER_RECORD_CREATED', { recordType: 'Invoice__c' });
      await h.poll();
      clock.advance(MIN);
      const inv = sf.insert('Invoice__c', { Name: 'INV-1', Total__c: 12.5 });
      expect((await h.poll()).map((i) => i.payload)).toEqual([inv]);
      expect(sf.queries.at(-1)).toContain('FROM Invoice__c WHERE');
    });
  });

  describe('SALESFORCE_TRIGGER_RECORD_UPDATED', () => {
    it('emits each new SystemModstamp once (key Id:SystemModstamp), never the creation itself', async () => {
      const opp = sf.insert('Opportunity', { Name: 'Deal', StageName: 'Prospecting' }, clock.now() - MIN);
      const h = harness('SALESFORCE_TRIGGER_RECORD_UPDATED');
      expect(await h.poll()).toEqual([]);
      clock.advance(MIN);
      const fresh = sf.insert('Opportunity', { Name: 'Brand new' });
      expect(await h.poll()).toEqual([]); // created, not updated
      clock.advance(MIN);
      sf.update('Opportunity', opp.Id, { StageName: 'Qualification' });
      const first = await h.poll();
      expect(first.map((i) => i.key)).toEqual([`${opp.Id}:${opp.SystemModstamp}`]);
      expect(first[0]!.payload).toMatchObject({ Id: opp.Id, StageName: 'Qualification' });
      expect(await h.poll()).toEqual([]);
      clock.advance(5 * SEC);
      sf.update('Opportunity', opp.Id, { StageName: 'Closed Won' });
      sf.update('Opportunity', fresh.Id, { Amount: 10 });
      expect((await h.poll()).map((i) => i.key).sort()).toEqual([`${opp.Id}:${opp.SystemModstamp}`, `${fresh.Id}:${fresh.SystemModstamp}`].sort());
      expect(sf.queries.at(-1)).toMatch(/WHERE SystemModstamp >= \S+ ORDER BY SystemModstamp ASC, Id ASC LIMIT 200$/);
    });
  });

  describe('filterFormula', () => {
    const closedWonBig = {
      operator: 'AND',
      conditions: [
        { field: 'StageName', operator: '$stringExactlyMatches', value: 'Closed Won' },
        { field: 'Amount', operator: '$numberGreaterThan', value: 1000 },
        { field: 'Name', operator: '$stringContains', value: 'Gen' },
      ],
    };

    it('is compiled once from the describe at subscribe time, pushed down as escaped SOQL, and applied exactly by the engine', async () => {
      const h = harness('SALESFORCE_TRIGGER_RECORD_UPDATED', { recordType: 'Opportunity', filterFormula: closedWonBig });
      const small = sf.insert('Opportunity', { Name: 'Generator S', StageName: 'Prospecting', Amount: 500 }, clock.now() - 2 * MIN);
      const big = sf.insert('Opportunity', { Name: 'Generator XL', StageName: 'Prospecting', Amount: 90000 }, clock.now() - 2 * MIN);
      await h.poll();
      expect(sf.requests.filter((q) => q.path.endsWith('/describe'))).toHaveLength(1);
      expect((h.cursor as RecordCursor).where).toBe("(StageName = 'Closed Won' AND Amount > 1000 AND Name LIKE '%Gen%')");
      clock.advance(MIN);
      sf.update('Opportunity', small.Id, { StageName: 'Closed Won' });
      sf.update('Opportunity', big.Id, { StageName: 'Closed Won' });
      // Case: SOQL LIKE is case-insensitive, the engine's $stringContains is not: "gen" is fetched, then dropped.
      const lower = sf.insert('Opportunity', { Name: 'small genset', StageName: 'Closed Won', Amount: 5000 }, clock.now() - MIN);
      sf.update('Opportunity', lower.Id, { Amount: 6000 });
      const items = await h.poll();
      expect(items.map((i) => (i.payload as { Id: string }).Id)).toEqual([big.Id]);
      expect(sf.queries.at(-1)).toContain(" AND (StageName = 'Closed Won' AND Amount > 1000 AND Name LIKE '%Gen%') ORDER BY");
      await h.poll();
      expect(sf.requests.filter((q) => q.path.endsWith('/describe'))).toHaveLength(1);
    });

    it('never lets a value escape its literal', async () => {
      const attack = "x' OR Name != '";
      const h = harness('SALESFORCE_TRIGGER_RECORD_CREATED', {
        recordType: 'Opportunity',
        filterFormula: { operator: 'AND', conditions: [{ field: 'Name', operator: '$stringExactlyMatches', value: attack }] },
      });
      await h.poll();
      expect((h.cursor as RecordCursor).where).toBe("Name = 'x\\' OR Name != \\''");
      clock.advance(MIN);
      sf.insert('Opportunity', { Name: 'anything' });
      const hit = sf.insert('Opportunity', { Name: attack });
      expect((await h.poll()).map((i) => i.key)).toEqual([hit.Id]);
    });

    it('compiles only what SOQL can check at least as loosely as the engine', () => {
      const fields = describeFixture.fields;
      const c = (field: string, operator: string, value?: unknown) => ({ field, operator, value });
      expect(compileFilter(undefined, fields)).toBeNull();
      expect(compileFilter(c('StageName', '$stringIsIn', ['Closed Won', "O'Brien"]), fields)).toBe("StageName IN ('Closed Won', 'O\\'Brien')");
      expect(compileFilter(c('StageName', '$stringIsIn', 'a, b'), fields)).toBe("StageName IN ('a', 'b')");
      expect(compileFilter(c('Name', '$stringStartsWith', '50%_off\\'), fields)).toBe("Name LIKE '50\\%\\_off\\\\%'");
      expect(compileFilter(c('Name', '$stringEndsWith', 'x'), fields)).toBe("Name LIKE '%x'");
      expect(compileFilter(c('amount', '$numberLessThanOrEqualTo', '12.5'), fields)).toBe('Amount <= 12.5'); // describe's spelling
      expect(compileFilter(c('IsWon', '$booleanTrue'), fields)).toBe('IsWon = true');
      expect(compileFilter(c('AccountId', '$isNull'), fields)).toBe('AccountId = null');
      expect(compileFilter(c('AccountId', '$isNotNull'), fields)).toBe('AccountId != null');
      expect(compileFilter(c('AccountId', '$stringExactlyMatches', '001D000000IRFmaIAH'), fields)).toBe("AccountId = '001D000000IRFmaIAH'");
      // Not pushed down: LIKE on ids, negations, dates, non-filterable fields, unknown or dotted fields, odd values.
      expect(compileFilter(c('AccountId', '$stringContains', '001'), fields)).toBeNull();
      expect(compileFilter(c('Name', '$stringDoesNotContain', 'x'), fields)).toBeNull();
      expect(compileFilter(c('CloseDate', '$dateTimeAfter', '2026-01-01'), fields)).toBeNull();
      expect(compileFilter(c('Description', '$stringContains', 'x'), fields)).toBeNull();
      expect(compileFilter(c('Account.Name', '$stringExactlyMatches', 'x'), fields)).toBeNull();
      expect(compileFilter(c('Name); DELETE', '$stringExactlyMatches', 'x'), fields)).toBeNull();
      expect(compileFilter(c('Amount', '$numberGreaterThan', '1e400'), fields)).toBeNull();
      expect(compileFilter(c('Amount', '$numberGreaterThan', '1 OR 1=1'), fields)).toBeNull();
      expect(compileFilter(c('Name', '$stringExactlyMatches', 'a\u0000b'), fields)).toBeNull();
      expect(compileFilter(c('Amount', '$stringExactlyMatches', '5'), fields)).toBeNull(); // a string operator on a number
      // AND keeps what it can; OR needs every branch.
      expect(compileFilter({ operator: 'AND', conditions: [c('Name', '$stringDoesNotContain', 'x'), c('IsWon', '$booleanFalse')] }, fields)).toBe('IsWon = false');
      expect(compileFilter({ operator: 'OR', conditions: [c('Name', '$stringDoesNotContain', 'x'), c('IsWon', '$booleanFalse')] }, fields)).toBeNull();
      expect(compileFilter({ operator: 'OR', conditions: [
        { operator: 'AND', conditions: [c('StageName', '$stringExactlyMatches', 'A'), c('Amount', '$numberGreaterThan', 1)] },
        { operator: 'AND', conditions: [c('StageName', '$stringExactlyMatches', 'B')] },
      ] }, fields)).toBe("((StageName = 'A' AND Amount > 1) OR StageName = 'B')");
    });

    it('subscribing with a filter on an object that does not exist is refused with Salesforce\'s reason', async () => {
      const h = harness('SALESFORCE_TRIGGER_RECORD_CREATED', { recordType: 'Nope__c', filterFormula: { field: 'Name', operator: '$isNotNull' } });
      await expect(h.poll()).rejects.toMatchObject({ kind: 'permanent', message: expect.stringContaining('NOT_FOUND') });
    });
  });

  describe('names, literals and errors', () => {
    it('accepts object API names and refuses anything that could leave the FROM clause', () => {
      for (const ok of ['Account', 'Opportunity', 'Invoice__c', 'acme__Invoice__c', 'Knowledge__kav', 'My_Object_2__c', 'OpportunityHistory']) {
        expect(validateObjectName(ok), ok).toBeNull();
      }
      for (const bad of ['', 'Account WHERE Id != null', 'Account;', "Account'", '1Account', 'Account__', '_Account', 'A___b', 'Account.Name', 'Acc-ount', 'a'.repeat(121), 42]) {
        expect(validateObjectName(bad), String(bad)).not.toBeNull();
      }
      expect(stringLiteral("it's \\ \n")).toBe("'it\\'s \\\\ \\n'");
      expect(pageQuery('Account', 'CreatedDate', Date.UTC(2026, 0, 2, 3, 4, 5, 999), '001D000000IRFmaIAH', null))
        .toBe("SELECT FIELDS(ALL) FROM Account WHERE (CreatedDate > 2026-01-02T03:04:05Z OR (CreatedDate = 2026-01-02T03:04:05Z AND Id > '001D000000IRFmaIAH')) ORDER BY CreatedDate ASC, Id ASC LIMIT 200");
    });

    it('INVALID_SESSION_ID: the HTTP client refreshes the token once and retries the query', async () => {
      let token = 'expired-token';
      const refreshing = createProviderHttp({
        integration: salesforceIntegration, apiBaseUrl: sf.loginUrl,
        auth: { canRefresh: true, headers: async (force) => { if (force) token = 'valid-token'; return { authorization: `Bearer ${token}` }; } },
      });
      const h = new Harness(refreshing, 'SALESFORCE_TRIGGER_RECORD_CREATED', { recordType: 'Opportunity' }, clock, extra);
      await h.poll();
      expect(sf.requests.map((q) => q.auth)).toEqual(['Bearer expired-token', 'Bearer valid-token']);
    });

    it('classifies REQUEST_LIMIT_EXCEEDED as rate limited, bad objects as permanent, 5xx as transient', async () => {
      const h = harness('SALESFORCE_TRIGGER_RECORD_CREATED');
      sf.failNext(1, 403, errors.requestLimitExceeded);
      await expect(h.poll()).rejects.toMatchObject({ kind: 'rate_limited', status: 403, retryAfterMs: 15 * MIN });
      sf.failNext(1, 403, [{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'ConcurrentPerOrgLongTxn Limit exceeded.' }]);
      await expect(h.poll()).rejects.toMatchObject({ kind: 'rate_limited', retryAfterMs: 30 * SEC });
      sf.failNext(1, 503, [{ errorCode: 'SERVER_UNAVAILABLE', message: 'Server temporarily unavailable' }]);
      await expect(h.poll()).rejects.toMatchObject({ kind: 'transient', status: 503 });
      const bad = harness('SALESFORCE_TRIGGER_RECORD_CREATED', { recordType: 'Invoice2__c' });
      const err = await bad.poll().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect(err).toMatchObject({ kind: 'permanent', message: expect.stringContaining('INVALID_TYPE') });
      await expect(harness('SALESFORCE_TRIGGER_RECORD_CREATED', { recordType: 'Account WHERE 1=1' }).poll()).rejects.toMatchObject({ kind: 'permanent' });
      const noInstance = new Harness(http, 'SALESFORCE_TRIGGER_RECORD_CREATED', { recordType: 'Opportunity' }, clock, {});
      await expect(noInstance.poll()).rejects.toMatchObject({ kind: 'permanent', message: expect.stringContaining('instance_url') });
    });
  });
});
