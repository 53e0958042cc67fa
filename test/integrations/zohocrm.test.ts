// Zoho CRM triggers at the source level: real HTTP against the fake Zoho CRM (accounts server + API domain), with a
// harness that plays the engine's part (baseline recorded as seen, each key kept once, the cursor stored as JSON,
// CONDITIONAL parameters applied to payloads). Plus error classification and the account lookup at connect.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyParameterFilters } from '../../src/engine/filters.js';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import errors from '../../src/integrations/zohocrm/fixtures/errors.json' with { type: 'json' };
import lead from '../../src/integrations/zohocrm/fixtures/lead.json' with { type: 'json' };
import tokenResponse from '../../src/integrations/zohocrm/fixtures/token-response.json' with { type: 'json' };
import { zohoCrmIntegration } from '../../src/integrations/zohocrm/integration.js';
import { apiDomain, ifModifiedSince, PAGE_SIZE, recordTime, zohoError, type RecordCursor } from '../../src/integrations/zohocrm/records.js';
import { ProviderError, type AnyTriggerDefinition, type HttpClient, type Item, type PollSource } from '../../src/sdk/index.js';
import { TestClock } from '../helpers/clock.js';
import { recordPoll } from '../helpers/poll-harness.js';
import { startFakeZohoCrm, zohoTime, type FakeZohoCrm } from '../providers/zohocrm.js';

const SEC = 1000;
const MIN = 60 * SEC;
const silent = { debug() {}, info() {}, warn() {} };
const CREATED = 'ZOHO_CRM_TRIGGER_RECORD_CREATED';
const UPDATED = 'ZOHO_CRM_TRIGGER_RECORD_UPDATED';

function trigger(type: string): AnyTriggerDefinition {
  const t = zohoCrmIntegration.triggers.find((x) => x.type === type);
  if (!t) throw new Error(`no trigger ${type}`);
  return t;
}

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
      http: this.http, params: this.params, credential: { id: 'cred-1', providerAccountId: '111111000000033001', extra: this.extra },
      log: silent, signal: AbortSignal.timeout(10_000), now: this.clock.now, cursor: this.cursor,
    });
    return recordPoll(this, r, (items) => applyParameterFilters(t, this.params, items));
  }
}

describe('zohocrm', () => {
  let zoho: FakeZohoCrm;
  let http: HttpClient;
  let clock: TestClock;
  let extra: Record<string, unknown>;
  const harness = (type: string, params: Record<string, unknown> = { recordType: 'Leads' }) => new Harness(http, type, params, clock, extra);
  const ids = (items: Item[]) => items.map((i) => (i.payload as { id: string }).id);

  beforeEach(async () => {
    clock = new TestClock(Date.UTC(2026, 11, 7, 15, 0, 0));
    zoho = await startFakeZohoCrm();
    zoho.validTokens.add('valid-token');
    extra = { api_domain: zoho.url };
    // apiBaseUrl is deliberately not the fake: calls must follow the credential's api_domain.
    http = createProviderHttp({ integration: zohoCrmIntegration, apiBaseUrl: 'http://127.0.0.1:9', auth: { canRefresh: false, headers: async () => ({ authorization: 'Bearer valid-token' }) } });
  });
  afterEach(async () => {
    await zoho.close();
  });

  it('declares Paragon\'s trigger types and parameters and Zoho\'s OAuth (offline access, comma-separated scopes)', () => {
    expect(zohoCrmIntegration.key).toBe('zohocrm');
    expect(zohoCrmIntegration.triggers.map((t) => t.type)).toEqual([CREATED, UPDATED]);
    expect(zohoCrmIntegration.auth).toMatchObject({
      kind: 'oauth2', authorizationUrl: 'https://accounts.zoho.com/oauth/v2/auth', tokenUrl: 'https://accounts.zoho.com/oauth/v2/token',
      scopes: ['ZohoCRM.modules.ALL', 'ZohoCRM.org.READ'], scopeSeparator: ',', clientAuth: 'body',
      extraAuthorizationParams: { access_type: 'offline', prompt: 'consent' },
    });
    for (const t of zohoCrmIntegration.triggers) {
      expect(t.parameters.map((p) => [p.id, p.type, p.required])).toEqual([['recordType', 'ENUM', true], ['recordsFilterFormula', 'CONDITIONAL', false]]);
      expect(t.parameters[0]!.options!.map((o) => o.value)).toEqual(['Leads', 'Contacts', 'Accounts', 'Deals', 'Tasks']);
      expect(t.examplePayload).toEqual(lead);
    }
  });

  it('parses Zoho timestamps with their offset and sends If-Modified-Since one second early, in UTC with an offset', () => {
    expect(recordTime(lead, 'Modified_Time')).toBe(Date.UTC(2019, 4, 2, 5, 47, 33));
    expect(zohoTime(Date.UTC(2019, 4, 2, 5, 47, 33, 900))).toBe('2019-05-02T11:17:33+05:30');
    expect(zohoTime(Date.UTC(2019, 4, 2, 5, 47, 33), -300)).toBe('2019-05-02T00:47:33-05:00');
    expect(ifModifiedSince(Date.UTC(2019, 4, 2, 5, 47, 33, 900))).toBe('2019-05-02T05:47:33+00:00');
  });

  it('record created: baseline delivers nothing, then each new lead once; reads go to api_domain, oldest modified first', async () => {
    zoho.add('Leads', { created: clock.now() - 60 * MIN, fields: { Last_Name: 'Old' } });
    const recent = zoho.add('Leads', { created: clock.now() - 2 * MIN, fields: { Last_Name: 'Recent' } });
    const h = harness(CREATED);
    expect(await h.poll()).toEqual([]);
    expect(h.seen).toEqual(new Set([recent.id]));
    const call = zoho.listCalls('Leads')[0]!;
    expect(call).toMatchObject({ auth: 'Bearer valid-token', query: { sort_by: 'Modified_Time', sort_order: 'asc', per_page: String(PAGE_SIZE), page: '1' } });
    expect(call.ifModifiedSince).toBe(ifModifiedSince(clock.now() - 5 * MIN - SEC));

    clock.advance(30 * SEC);
    const a = zoho.add('Leads', { created: clock.now(), fields: { Last_Name: 'Daly', Company: 'Zylker' } });
    const b = zoho.add('Leads', { created: clock.now(), fields: { Last_Name: 'Boyle' } }); // same second
    const got = await h.poll();
    expect(ids(got)).toEqual([a.id, b.id]);
    expect(got[0]).toMatchObject({ key: a.id, occurredAt: Math.floor(clock.now() / SEC) * SEC, payload: { id: a.id, Last_Name: 'Daly', Company: 'Zylker', Created_Time: zohoTime(clock.now()) } });
    clock.advance(30 * SEC);
    expect(await h.poll()).toEqual([]);
    // An edit is no new record; an old record edited now is no new record either.
    zoho.touch('Leads', a.id, clock.now(), { Lead_Status: 'Contacted' });
    zoho.touch('Leads', zoho.records.get('Leads')![0]!.id, clock.now());
    expect(await h.poll()).toEqual([]);
  });

  it('record updated: each new version once, the creation never, an edit in the second already read still found', async () => {
    const deal = zoho.add('Deals', { created: clock.now() - 60 * MIN, fields: { Deal_Name: 'Renewal', Amount: 1000 } });
    const h = harness(UPDATED, { recordType: 'Deals' });
    expect(await h.poll()).toEqual([]);
    clock.advance(10 * SEC);
    zoho.add('Deals', { created: clock.now(), fields: { Deal_Name: 'New' } });
    zoho.touch('Deals', deal.id, clock.now(), { Amount: 1500 });
    let got = await h.poll();
    expect(got.map((i) => i.key)).toEqual([`${deal.id}:${Math.floor(clock.now() / SEC) * SEC}`]);
    expect(got[0]!.payload).toMatchObject({ Amount: 1500 });
    // The same version again (overlap) is not new — also when the user's time zone changed the string; the next edit is.
    expect(await h.poll()).toEqual([]);
    zoho.offsetMinutes = -300;
    expect(await h.poll()).toEqual([]);
    clock.advance(2 * SEC);
    zoho.touch('Deals', deal.id, clock.now(), { Amount: 2000 });
    got = await h.poll();
    expect(got.map((i) => (i.payload as { Amount: number }).Amount)).toEqual([2000]);
    expect((h.cursor as RecordCursor).from).toBeLessThanOrEqual(clock.now() - 5 * MIN + SEC);
  });

  it('pages through 450 records modified in one second (page numbers inside the crowded second) and later ones', async () => {
    const h = harness(CREATED, { recordType: 'Contacts' });
    expect(await h.poll()).toEqual([]);
    clock.advance(MIN);
    const burst = Array.from({ length: 450 }, (_, i) => zoho.add('Contacts', { created: clock.now(), fields: { Last_Name: `Import ${i}` } }));
    const later = Array.from({ length: 3 }, (_, i) => zoho.add('Contacts', { created: clock.now() + (i + 1) * SEC }));
    clock.advance(10 * SEC);
    const got = await h.poll();
    expect(new Set(ids(got))).toEqual(new Set([...burst, ...later].map((r) => r.id)));
    expect(zoho.listCalls('Contacts').slice(1).map((c) => c.query.page)).toContain('3');
    expect((h.cursor as RecordCursor).recheck).toBeDefined();
    expect(await h.poll()).toEqual([]);
  });

  it('applies recordsFilterFormula to each record', async () => {
    const h = harness(CREATED, { recordType: 'Leads', recordsFilterFormula: { operator: 'AND', conditions: [{ field: 'Lead_Status', operator: '$stringExactlyMatches', value: 'Contacted' }] } });
    expect(await h.poll()).toEqual([]);
    clock.advance(5 * SEC);
    const hit = zoho.add('Leads', { created: clock.now(), fields: { Lead_Status: 'Contacted' } });
    zoho.add('Leads', { created: clock.now(), fields: { Lead_Status: 'Not Contacted' } });
    expect(ids(await h.poll())).toEqual([hit.id]);
  });

  it('treats 204 (no records) and 304 (none modified since) as empty pages', async () => {
    const h = harness(CREATED, { recordType: 'Tasks' });
    expect(await h.poll()).toEqual([]);
    zoho.add('Tasks', { created: clock.now() - 90 * MIN });
    clock.advance(5 * SEC);
    expect(await h.poll()).toEqual([]);
    const statuses = zoho.listCalls('Tasks').length;
    expect(statuses).toBe(2);
  });

  it('maps Zoho errors: 401 INVALID_TOKEN auth, 429 rate limited (Retry-After or a minute), 5xx transient, 400 permanent with Zoho\'s message', async () => {
    const h = harness(CREATED);
    const fail = async () => h.poll().then(() => null, (e: unknown) => e as ProviderError);
    zoho.failNext(1, 401, errors.invalidToken);
    let e = await fail();
    expect([e?.kind, e?.status]).toEqual(['auth', 401]);
    expect(e?.message).not.toContain('valid-token');
    zoho.failNext(1, 429, errors.tooManyRequests, { 'retry-after': '7' });
    e = await fail();
    expect([e?.kind, e?.retryAfterMs]).toEqual(['rate_limited', 7000]);
    zoho.failNext(1, 429, errors.tooManyRequests);
    e = await fail();
    expect([e?.kind, e?.retryAfterMs, e?.message]).toEqual(['rate_limited', 60_000, 'Zoho CRM TOO_MANY_REQUESTS: the number of requests has exceeded the limit']);
    zoho.failNext(1, 503);
    expect((await fail())?.kind).toBe('transient');
    zoho.failNext(1, 400, errors.invalidModule);
    e = await fail();
    expect([e?.kind, e?.status, e?.message]).toEqual(['permanent', 400, 'Zoho CRM INVALID_MODULE: the module name given seems to be invalid']);
    expect(zohoError({ status: 400, headers: {}, body: errors.invalidToken }, 0).kind).toBe('auth');
    expect(zohoError({ status: 403, headers: {}, body: 'nope' }, 0).message).toBe('Zoho CRM HTTP 403');
    // A bad module never reaches Zoho.
    const bad = await harness(CREATED, { recordType: 'Potentials' }).poll().catch((err: unknown) => err as ProviderError);
    expect(bad).toMatchObject({ kind: 'permanent', message: expect.stringContaining('recordType') });
  });

  it('api_domain: the token response\'s origin; missing means the apiBaseUrl; anything else is refused', async () => {
    expect(apiDomain({ api_domain: 'https://www.zohoapis.eu/' })).toBe('https://www.zohoapis.eu');
    expect(apiDomain({})).toBe('');
    for (const bad of ['not a url', 'ftp://x', 'https://user:pw@evil.example', 42]) {
      expect(() => apiDomain({ api_domain: bad })).toThrow(/invalid api_domain/);
    }
    const viaBase = createProviderHttp({ integration: zohoCrmIntegration, apiBaseUrl: zoho.url, auth: { canRefresh: false, headers: async () => ({ authorization: 'Zoho-oauthtoken valid-token' }) } });
    const r = await (trigger(CREATED).source as PollSource).poll({
      http: viaBase, params: { recordType: 'Leads' }, credential: { id: 'c', providerAccountId: null, extra: {} }, log: silent, signal: AbortSignal.timeout(5000), now: clock.now, cursor: null,
    });
    expect(r.items).toEqual([]);
    expect(zoho.listCalls('Leads').at(-1)!.auth).toBe('Zoho-oauthtoken valid-token');
  });

  it('identifies the account at connect: the org id, with api_domain from the token response kept as extra', async () => {
    const got = await zohoCrmIntegration.accountId!({ http, token: { accessToken: 'valid-token', extra: { api_domain: zoho.url, token_type: tokenResponse.token_type } } });
    expect(got).toEqual({ providerAccountId: '111111000000033001', extra: { api_domain: zoho.url, orgId: '111111000000033001', zgid: '5478236' } });
    expect(zoho.requests.at(-1)).toMatchObject({ method: 'GET', path: '/crm/v2/org' });
  });
});
