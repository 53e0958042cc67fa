// Dynamics 365 Sales (Dataverse) triggers at the source level: real HTTP against the fake Dataverse organization,
// with a harness that plays the engine's part (baseline recorded as seen, each key kept once, the cursor stored as
// JSON, CONDITIONAL parameters applied to payloads). Plus error classification, the organization URL and the
// account lookup at connect.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyParameterFilters } from '../../src/engine/filters.js';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import contactsPage from '../../src/integrations/microsoftDynamics/fixtures/contacts-page.json' with { type: 'json' };
import errors from '../../src/integrations/microsoftDynamics/fixtures/errors.json' with { type: 'json' };
import lead from '../../src/integrations/microsoftDynamics/fixtures/lead.json' with { type: 'json' };
import { microsoftDynamicsIntegration } from '../../src/integrations/microsoftDynamics/integration.js';
import { dataverseError, MAX_ANCHORS, odataInstant, orgFromScope, orgUrl, PAGE_SIZE, rowTime, type RecordCursor } from '../../src/integrations/microsoftDynamics/records.js';
import { ProviderError, type AnyTriggerDefinition, type HttpClient, type Item, type PollSource } from '../../src/sdk/index.js';
import { TestClock } from '../helpers/clock.js';
import { recordPoll } from '../helpers/poll-harness.js';
import { dataverseTime, startFakeDataverse, type FakeDataverse } from '../providers/microsoftDynamics.js';

const SEC = 1000;
const MIN = 60 * SEC;
const silent = { debug() {}, info() {}, warn() {} };
const CREATED = 'MICROSOFT_DYNAMICS_TRIGGER_RECORD_CREATED';
const UPDATED = 'MICROSOFT_DYNAMICS_TRIGGER_RECORD_UPDATED';

function trigger(type: string): AnyTriggerDefinition {
  const t = microsoftDynamicsIntegration.triggers.find((x) => x.type === type);
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
      http: this.http, params: this.params, credential: { id: 'cred-1', providerAccountId: 'org:user', extra: this.extra },
      log: silent, signal: AbortSignal.timeout(10_000), now: this.clock.now, cursor: this.cursor,
    });
    return recordPoll(this, r, (items) => applyParameterFilters(t, this.params, items));
  }
}

describe('microsoftDynamics', () => {
  let dv: FakeDataverse;
  let http: HttpClient;
  let clock: TestClock;
  let extra: Record<string, unknown>;
  const harness = (type: string, params: Record<string, unknown> = { recordType: 'lead' }) => new Harness(http, type, params, clock, extra);
  const ids = (items: Item[], col = 'leadid') => items.map((i) => (i.payload as Record<string, string>)[col]);

  beforeEach(async () => {
    clock = new TestClock(Date.UTC(2026, 11, 7, 15, 0, 0));
    dv = await startFakeDataverse();
    dv.validTokens.add('valid-token');
    extra = { orgUrl: dv.url };
    // apiBaseUrl is deliberately not the fake: calls must follow the credential's orgUrl.
    http = createProviderHttp({ integration: microsoftDynamicsIntegration, apiBaseUrl: 'http://127.0.0.1:9', auth: { canRefresh: false, headers: async () => ({ authorization: 'Bearer valid-token' }) } });
  });
  afterEach(async () => {
    await dv.close();
  });

  it('declares Paragon\'s integration key, two poll triggers with the table parameter, and Entra ID OAuth', () => {
    expect(microsoftDynamicsIntegration.key).toBe('microsoftDynamics');
    expect(microsoftDynamicsIntegration.triggers.map((t) => [t.type, t.source.kind])).toEqual([[CREATED, 'poll'], [UPDATED, 'poll']]);
    expect(microsoftDynamicsIntegration.auth).toMatchObject({
      kind: 'oauth2', authorizationUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
      tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token', pkce: true, refreshWithScope: true,
    });
    for (const t of microsoftDynamicsIntegration.triggers) {
      expect(t.parameters.map((p) => [p.id, p.type, p.required])).toEqual([['recordType', 'ENUM', true], ['recordsFilterFormula', 'CONDITIONAL', false]]);
      expect(t.parameters[0]!.options!.map((o) => o.value)).toEqual(['lead', 'contact', 'account', 'opportunity']);
      expect(t.parameters[0]!.validate!('leads')).toMatch(/must be one of/);
      expect(t.parameters[0]!.validate!('toString')).toMatch(/must be one of/);
      expect(t.examplePayload).toEqual(lead);
    }
  });

  it('reads Microsoft\'s paging example and writes OData instants to the second in UTC', () => {
    expect(contactsPage.value.map((c) => c.contactid)).toEqual(['49b0be2e-d01c-ed11-b83e-000d3a572421', '70bf4d48-34cb-ed11-b596-0022481d68cd']);
    expect(contactsPage['@odata.nextLink']).toContain('$skiptoken=');
    expect(rowTime(lead, 'modifiedon')).toBe(Date.UTC(2022, 7, 15, 17, 3, 10));
    expect(odataInstant(Date.UTC(2022, 7, 15, 17, 3, 10, 900))).toBe('2022-08-15T17:03:10Z');
    expect(dataverseTime(Date.UTC(2022, 7, 15, 17, 3, 10, 900))).toBe('2022-08-15T17:03:10Z');
  });

  it('record created: baseline delivers nothing, then each new lead once; reads go to orgUrl with OData headers', async () => {
    dv.add('leads', { created: clock.now() - 60 * MIN, fields: { fullname: 'Old' } });
    const recent = dv.add('leads', { created: clock.now() - 2 * MIN, fields: { fullname: 'Recent' } });
    const h = harness(CREATED);
    expect(await h.poll()).toEqual([]);
    expect(h.seen).toEqual(new Set([recent.id]));
    const call = dv.listCalls('leads')[0]!;
    expect(call).toMatchObject({
      auth: 'Bearer valid-token', prefer: `odata.maxpagesize=${PAGE_SIZE}`, odataVersion: '4.0',
      query: { $filter: `createdon ge ${odataInstant(clock.now() - 5 * MIN)}`, $orderby: 'createdon asc,leadid asc' },
    });

    clock.advance(30 * SEC);
    const a = dv.add('leads', { created: clock.now(), fields: { fullname: 'Yvonne McKay (sample)', subject: 'Interested' } });
    const b = dv.add('leads', { created: clock.now(), fields: { fullname: 'Susanna Stubberod (sample)' } }); // same second
    const got = await h.poll();
    expect(ids(got)).toEqual([a.id, b.id]);
    expect(got[0]).toMatchObject({ key: a.id, occurredAt: clock.now(), payload: { leadid: a.id, fullname: 'Yvonne McKay (sample)', createdon: dataverseTime(clock.now()) } });
    clock.advance(30 * SEC);
    expect(await h.poll()).toEqual([]);
    // An edit is no new record.
    dv.touch('leads', a.id, clock.now(), { statuscode: 2 });
    expect(await h.poll()).toEqual([]);
  });

  it('record updated: each new version once (two in one second too), the creation never, a re-read never', async () => {
    const opp = dv.add('opportunities', { created: clock.now() - 60 * MIN, fields: { name: 'Renewal', estimatedvalue: 1000 } });
    const h = harness(UPDATED, { recordType: 'opportunity' });
    expect(await h.poll()).toEqual([]);
    clock.advance(10 * SEC);
    dv.add('opportunities', { created: clock.now(), fields: { name: 'New' } });
    const v1 = dv.touch('opportunities', opp.id, clock.now(), { estimatedvalue: 1500 }).version;
    let got = await h.poll();
    expect(got.map((i) => i.key)).toEqual([`${opp.id}:v${v1}`]);
    expect(got[0]).toMatchObject({ occurredAt: clock.now(), payload: { opportunityid: opp.id, estimatedvalue: 1500, versionnumber: v1 } });
    expect(await h.poll()).toEqual([]);
    // A second update within the same second: a new version, delivered once.
    const v2 = dv.touch('opportunities', opp.id, clock.now(), { estimatedvalue: 2000 }).version;
    got = await h.poll();
    expect(got.map((i) => i.key)).toEqual([`${opp.id}:v${v2}`]);
    expect(await h.poll()).toEqual([]);
    expect((h.cursor as RecordCursor).from).toBeGreaterThanOrEqual(clock.now() - 5 * MIN - 10 * SEC);
  });

  it('pages through 450 rows created in one second (nextLink inside the crowded second) and later ones, never skipping', async () => {
    const h = harness(CREATED, { recordType: 'contact' });
    expect(await h.poll()).toEqual([]);
    clock.advance(MIN);
    const burst = Array.from({ length: 450 }, (_, i) => dv.add('contacts', { created: clock.now(), fields: { fullname: `Import ${i}` } }));
    const later = Array.from({ length: 3 }, (_, i) => dv.add('contacts', { created: clock.now() + (i + 1) * SEC }));
    clock.advance(10 * SEC);
    const got = await h.poll();
    expect(new Set(ids(got, 'contactid'))).toEqual(new Set([...burst, ...later].map((r) => r.id)));
    expect(got).toHaveLength(453);
    expect(dv.listCalls('contacts').some((c) => (c.query.$skiptoken ?? '').includes('pagenumber="3"'))).toBe(true);
    expect((h.cursor as RecordCursor).recheck).toBeDefined();
    // The recheck reads the crowded second again, bounded to it.
    expect(await h.poll()).toEqual([]);
    expect(dv.listCalls('contacts').some((c) => / and createdon lt /.test(c.query.$filter ?? ''))).toBe(true);
  });

  it('bounds the work of one poll: stops after the query cap and continues on the next poll', async () => {
    const h = harness(CREATED, { recordType: 'account' });
    expect(await h.poll()).toEqual([]);
    // 40 seconds of 100 rows each: every page of 200 spans two seconds, so each fresh query advances one second.
    const rows = Array.from({ length: 40 * 100 }, (_, i) => dv.add('accounts', { created: clock.now() + SEC + Math.floor(i / 100) * SEC }));
    clock.advance(2 * 60 * MIN);
    const before = dv.listCalls('accounts').length;
    const first = await h.poll();
    expect(dv.listCalls('accounts').length - before).toBe(MAX_ANCHORS);
    expect(first.length).toBeLessThan(rows.length);
    const rest = await h.poll();
    expect(new Set([...first, ...rest].map((i) => i.key))).toEqual(new Set(rows.map((r) => r.id)));
  });

  it('applies recordsFilterFormula to each row', async () => {
    const h = harness(CREATED, { recordType: 'lead', recordsFilterFormula: { operator: 'AND', conditions: [{ field: 'leadsourcecode', operator: '$stringExactlyMatches', value: '8' }] } });
    expect(await h.poll()).toEqual([]);
    clock.advance(5 * SEC);
    const hit = dv.add('leads', { created: clock.now(), fields: { leadsourcecode: '8' } });
    dv.add('leads', { created: clock.now(), fields: { leadsourcecode: '1' } });
    expect(ids(await h.poll())).toEqual([hit.id]);
  });

  it('maps Dataverse errors: 401 auth, 429 rate limited (Retry-After or a minute), 5xx transient, 4xx permanent with the message; never the token', async () => {
    const h = harness(CREATED);
    const fail = async () => h.poll().then(() => null, (e: unknown) => e as ProviderError);
    dv.failNext(1, 401, errors.accessTokenExpired);
    let e = await fail();
    expect([e?.kind, e?.status]).toEqual(['auth', 401]);
    expect(e?.message).not.toContain('valid-token');
    dv.failNext(1, 429, errors.tooManyRequests, { 'retry-after': '7' });
    e = await fail();
    expect([e?.kind, e?.retryAfterMs]).toEqual(['rate_limited', 7000]);
    dv.failNext(1, 429, errors.tooManyRequests);
    e = await fail();
    expect([e?.kind, e?.retryAfterMs, e?.message]).toEqual(['rate_limited', 60_000, 'Dataverse 0x80072322: Number of requests exceeded the limit of 6000 over time window of 300 seconds.']);
    dv.failNext(1, 503);
    expect((await fail())?.kind).toBe('transient');
    dv.failNext(1, 404, errors.resourceNotFound);
    e = await fail();
    expect([e?.kind, e?.status, e?.message]).toEqual(['permanent', 404, "Dataverse 0x8006088a: Resource not found for the segment 'Account'."]);
    expect(dataverseError({ status: 403, headers: {}, body: 'nope' }, 0).message).toBe('Dataverse HTTP 403');
    expect(dataverseError({ status: 401, headers: {}, body: errors.accessTokenExpired }, 0).kind).toBe('auth');
    // A bad table never reaches Dataverse.
    const calls = dv.requests.length;
    const bad = await harness(CREATED, { recordType: 'systemuser' }).poll().catch((err: unknown) => err as ProviderError);
    expect(bad).toMatchObject({ kind: 'permanent', message: expect.stringContaining('recordType') });
    expect(dv.requests.length).toBe(calls);
  });

  it('follows a nextLink only on the organization\'s own Web API, and checks orgUrl', async () => {
    const h = harness(CREATED);
    expect(await h.poll()).toEqual([]);
    clock.advance(MIN);
    const at = dataverseTime(clock.now());
    const value = Array.from({ length: PAGE_SIZE }, (_, i) => ({ leadid: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`, createdon: at, modifiedon: at }));
    dv.failNext(1, 200, { value, '@odata.nextLink': 'http://127.0.0.1:9/api/data/v9.2/leads?$skiptoken=x' });
    const got = await h.poll(); // a foreign nextLink is not followed (it would fail as unreachable)
    expect(got).toHaveLength(PAGE_SIZE);
    expect(orgUrl({ orgUrl: 'https://contoso.crm.dynamics.com/' })).toBe('https://contoso.crm.dynamics.com');
    for (const bad of ['not a url', 'ftp://x', 'https://user:pw@evil.example', 42]) {
      expect(() => orgUrl({ orgUrl: bad })).toThrow(/invalid orgUrl/);
    }
    expect(() => orgUrl({})).toThrow(/no orgUrl/);
  });

  it('identifies the account at connect: the organization from the granted scope, then WhoAmI', async () => {
    expect(orgFromScope('https://contoso.crm.dynamics.com/user_impersonation')).toBe('https://contoso.crm.dynamics.com');
    expect(orgFromScope('offline_access https://contoso.crm4.dynamics.com/.default')).toBe('https://contoso.crm4.dynamics.com');
    expect(orgFromScope('offline_access User.Read')).toBeNull();
    const got = await microsoftDynamicsIntegration.accountId!({ http, token: { accessToken: 'valid-token', extra: { scope: `${dv.url}/user_impersonation` } } });
    expect(got).toEqual({
      providerAccountId: '883278f5-07af-45eb-a0bc-3fea67caa544:b08dc8a6-e471-ec11-8f8e-000d3a0a7dd6',
      extra: { orgUrl: dv.url, organizationId: '883278f5-07af-45eb-a0bc-3fea67caa544', userId: 'b08dc8a6-e471-ec11-8f8e-000d3a0a7dd6' },
    });
    expect(dv.requests.at(-1)).toMatchObject({ method: 'GET', path: '/api/data/v9.2/WhoAmI', auth: 'Bearer valid-token' });
    await expect(microsoftDynamicsIntegration.accountId!({ http, token: { accessToken: 'valid-token', extra: { scope: 'offline_access' } } })).rejects.toThrow(/name no Dataverse organization/);
  });
});
