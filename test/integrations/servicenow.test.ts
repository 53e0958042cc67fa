// ServiceNow triggers at the source level: real HTTP against the fake instance, with the poll harness playing the
// engine's part (baseline recorded as seen, each key kept once, the cursor stored as JSON). Plus error
// classification and the Link-header paging.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { glideTime, instanceBase, nextOffset, PAGE_SIZE, parseGlideTime, serviceNowError } from '../../src/integrations/servicenow/api.js';
import errors from '../../src/integrations/servicenow/fixtures/errors.json' with { type: 'json' };
import incident from '../../src/integrations/servicenow/fixtures/incident.json' with { type: 'json' };
import { serviceNowIntegration } from '../../src/integrations/servicenow/integration.js';
import { ProviderError, type AnyTriggerDefinition, type HttpClient, type Item, type PollSource } from '../../src/sdk/index.js';
import { TestClock } from '../helpers/clock.js';
import { recordPoll } from '../helpers/poll-harness.js';
import { startFakeServiceNow, type FakeServiceNow } from '../providers/servicenow.js';

const SEC = 1000;
const MIN = 60 * SEC;
const silent = { debug() {}, info() {}, warn() {} };
const CREATED = 'SERVICENOW_TRIGGER_RECORD_CREATED';
const UPDATED = 'SERVICENOW_TRIGGER_RECORD_UPDATED';

function trigger(type: string): AnyTriggerDefinition {
  const t = serviceNowIntegration.triggers.find((x) => x.type === type);
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
    const r = await (trigger(this.type).source as PollSource).poll({
      http: this.http, params: this.params, credential: { id: 'cred-1', providerAccountId: null, extra: this.extra },
      log: silent, signal: AbortSignal.timeout(10_000), now: this.clock.now, cursor: this.cursor,
    });
    return recordPoll(this, r);
  }
}

describe('servicenow', () => {
  let sn: FakeServiceNow;
  let http: HttpClient;
  let clock: TestClock;
  let extra: Record<string, unknown>;
  const harness = (type: string, table = 'incident') => new Harness(http, type, { table }, clock, extra);
  const ids = (items: Item[]) => items.map((i) => (i.payload as { sys_id: string }).sys_id);

  beforeEach(async () => {
    clock = new TestClock(Date.UTC(2026, 11, 7, 15, 0, 0));
    sn = await startFakeServiceNow();
    sn.validTokens.add('valid-token');
    extra = { instanceUrl: sn.url };
    // apiBaseUrl is deliberately not the fake: calls must follow the credential's instanceUrl.
    http = createProviderHttp({ integration: serviceNowIntegration, apiBaseUrl: 'http://127.0.0.1:9', auth: { canRefresh: false, headers: async () => ({ authorization: 'Bearer valid-token' }) } });
  });
  afterEach(async () => {
    await sn.close();
  });

  it('declares the triggers, the table parameter and per-instance OAuth endpoints', () => {
    expect(serviceNowIntegration.key).toBe('servicenow');
    expect(serviceNowIntegration.triggers.map((t) => t.type)).toEqual([CREATED, UPDATED]);
    expect(serviceNowIntegration.auth).toMatchObject({ kind: 'oauth2', authorizationUrl: 'https://instance.service-now.com/oauth_auth.do', tokenUrl: 'https://instance.service-now.com/oauth_token.do' });
    for (const t of serviceNowIntegration.triggers) {
      expect(t.parameters.map((p) => [p.id, p.type, p.required])).toEqual([['table', 'ENUM', true]]);
      expect(t.parameters[0]!.options!.map((o) => o.value)).toEqual(['incident', 'problem', 'change_request', 'sc_req_item']);
      expect(t.parameters[0]!.validate!('sys_user')).toMatch(/must be one of/);
    }
    expect(trigger(UPDATED).examplePayload).toEqual(incident);
  });

  it('reads stored times as UTC seconds and renders query literals the same way', () => {
    expect(parseGlideTime(incident.sys_updated_on)).toBe(Date.UTC(2026, 11, 7, 15, 2, 31));
    expect(glideTime(Date.UTC(2026, 11, 7, 15, 2, 31, 999))).toBe('2026-12-07 15:02:31');
    expect(parseGlideTime('07-12-2026')).toBeNaN();
  });

  it('follows the next link\'s offset only', () => {
    expect(nextOffset('<https://x.service-now.com/api/now/table/incident?sysparm_limit=1&sysparm_offset=0>;rel="first",<https://x.service-now.com/api/now/table/incident?sysparm_limit=1&sysparm_offset=1>;rel="next"')).toBe(1);
    expect(nextOffset('<https://x.service-now.com/api/now/table/incident?sysparm_offset=0>;rel="first"')).toBeUndefined();
    expect(nextOffset(undefined)).toBeUndefined();
  });

  it('baseline delivers nothing; a created record is delivered once, also when re-read or edited', async () => {
    sn.add('incident', { created: clock.now() - 2 * MIN, fields: { number: 'INC0000001' } });
    const h = harness(CREATED);
    expect(await h.poll()).toEqual([]);
    const calls = sn.listCalls('incident');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.query).toMatchObject({ sysparm_query: `sys_updated_on>=${glideTime(clock.now() - 5 * MIN)}^ORDERBYsys_updated_on^ORDERBYsys_id`, sysparm_limit: String(PAGE_SIZE), sysparm_offset: '0', sysparm_display_value: 'false' });
    clock.advance(30 * SEC);
    const rec = sn.add('incident', { created: clock.now(), fields: { number: 'INC0010001', short_description: 'Printer jam' } });
    const first = await h.poll();
    expect(ids(first)).toEqual([rec.sys_id]);
    expect(first[0]!.payload).toMatchObject({ number: 'INC0010001', sys_mod_count: '0' });
    expect(first[0]!.payload).not.toHaveProperty('state'); // not set on this record; sysparm_fields limits the rest
    clock.advance(30 * SEC);
    sn.touch('incident', rec.sys_id, clock.now());
    expect(await h.poll()).toEqual([]);
  });

  it('updated: one item per sys_mod_count, none for the creation, none for a version read again', async () => {
    const rec = sn.add('problem', { created: clock.now() - MIN });
    const h = harness(UPDATED, 'problem');
    expect(await h.poll()).toEqual([]);
    clock.advance(10 * SEC);
    sn.add('problem', { created: clock.now() });
    sn.touch('problem', rec.sys_id, clock.now());
    expect((await h.poll()).map((i) => i.key)).toEqual([`${rec.sys_id}:1`]);
    expect(await h.poll()).toEqual([]);
    clock.advance(10 * SEC);
    sn.touch('problem', rec.sys_id, clock.now());
    sn.touch('problem', rec.sys_id, clock.now()); // two updates within one second: two versions, one visible
    expect((await h.poll()).map((i) => i.key)).toEqual([`${rec.sys_id}:3`]);
  });

  it('never skips records sharing one second across pages (offset followed inside it, then rechecked)', async () => {
    const h = harness(CREATED, 'change_request');
    expect(await h.poll()).toEqual([]);
    clock.advance(SEC);
    const same = clock.now();
    const recs = Array.from({ length: PAGE_SIZE * 2 + 7 }, () => sn.add('change_request', { created: same }));
    clock.advance(SEC);
    const later = sn.add('change_request', { created: clock.now() });
    const got = await h.poll();
    expect(new Set(ids(got))).toEqual(new Set([...recs.map((r) => r.sys_id), later.sys_id]));
    const offsets = sn.listCalls('change_request').slice(1).map((c) => c.query.sysparm_offset);
    expect(offsets).toContain(String(PAGE_SIZE));
    expect(await h.poll()).toEqual([]);
  });

  it('classifies errors: 401 auth, 429 rate_limited with Retry-After, 5xx transient, 400 permanent with the message', async () => {
    const h = harness(CREATED);
    const err = async () => h.poll().then(() => null, (e: unknown) => e as ProviderError);
    sn.failNext(1, 401, errors.notAuthenticated);
    expect(await err()).toMatchObject({ kind: 'auth', status: 401 });
    sn.failNext(1, 429, errors.rateLimited, { 'retry-after': '42' });
    expect(await err()).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 42_000 });
    sn.failNext(1, 503);
    expect(await err()).toMatchObject({ kind: 'transient', status: 503 });
    sn.failNext(1, 400, errors.invalidTable);
    const e = await err();
    expect(e).toBeInstanceOf(ProviderError);
    expect(e).toMatchObject({ kind: 'permanent', status: 400, message: 'ServiceNow HTTP 400: Invalid table incidentx' });
    expect(e!.message).not.toContain('valid-token');
    const rl = serviceNowError({ status: 429, headers: {}, body: errors.rateLimited }, 0);
    expect(rl.retryAfterMs).toBe(60_000);
  });

  it('refuses a table outside the list and an invalid instanceUrl without calling anything', async () => {
    await expect(harness(CREATED, 'sys_user').poll()).rejects.toMatchObject({ kind: 'permanent' });
    expect(() => instanceBase({ instanceUrl: 'ftp://acme.service-now.com' })).toThrow(/instanceUrl/);
    expect(() => instanceBase({ instanceUrl: 'https://u:p@acme.service-now.com' })).toThrow(/instanceUrl/);
    expect(instanceBase({ instanceUrl: 'https://acme.service-now.com/' })).toBe('https://acme.service-now.com');
    expect(instanceBase({})).toBe('');
    expect(sn.listCalls()).toHaveLength(0);
  });
});
