// Confluence triggers at the source level: real HTTP against the fake Confluence, with a harness that plays the
// engine's part (the baseline is recorded as seen, each key is kept once, the cursor is stored as JSON).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { confluenceIntegration } from '../../src/integrations/confluence/integration.js';
import { nextCursor, relativeLower, relativeUpper, validateSpaceKey } from '../../src/integrations/confluence/pages.js';
import page from '../../src/integrations/confluence/fixtures/page.json' with { type: 'json' };
import { ProviderError, type AnyTriggerDefinition, type HttpClient, type Item, type PollSource } from '../../src/sdk/index.js';
import { recordPoll } from '../helpers/poll-harness.js';
import { startFakeConfluence, type FakeConfluence } from '../providers/confluence.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 27, 15, 0, 0);
const silent = { debug() {}, info() {}, warn() {} };

function trigger(type: string): AnyTriggerDefinition {
  const t = confluenceIntegration.triggers.find((x) => x.type === type);
  if (!t) throw new Error(`no trigger ${type}`);
  return t;
}

const clock = { now: T0 };

class Harness {
  seen = new Set<string>();
  cursor: unknown = null;
  constructor(private readonly http: HttpClient, private readonly type: string, private readonly params: Record<string, unknown> = {}) {}
  async poll(): Promise<Item[]> {
    const source = trigger(this.type).source as PollSource;
    const r = await source.poll({
      http: this.http, params: this.params, log: silent, signal: AbortSignal.timeout(10_000), now: () => clock.now, cursor: this.cursor,
      credential: { id: 'cred-1', providerAccountId: '1324a887-45db-1bf4-1e99-ef0ff456d421', extra: { cloudId: '1324a887-45db-1bf4-1e99-ef0ff456d421' } },
    });
    return recordPoll(this, r);
  }
}

describe('confluence', () => {
  let fake: FakeConfluence;
  let http: HttpClient;
  beforeEach(async () => {
    clock.now = T0;
    fake = await startFakeConfluence({ now: () => clock.now });
    http = createProviderHttp({ integration: confluenceIntegration, apiBaseUrl: fake.url, auth: { canRefresh: false, headers: async () => ({ authorization: 'Bearer valid-token' }) } });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('declares the trigger types, Atlassian 3LO auth and the API host', () => {
    expect(confluenceIntegration.triggers.map((t) => t.type)).toEqual(['CONFLUENCE_TRIGGER_PAGE_CREATED', 'CONFLUENCE_TRIGGER_PAGE_UPDATED']);
    expect(confluenceIntegration.auth).toMatchObject({
      kind: 'oauth2', authorizationUrl: 'https://auth.atlassian.com/authorize', tokenUrl: 'https://auth.atlassian.com/oauth/token',
      extraAuthorizationParams: { audience: 'api.atlassian.com' },
    });
    expect((confluenceIntegration.auth as { scopes: string[] }).scopes).toContain('offline_access');
    expect(confluenceIntegration.apiBaseUrl).toBe('https://api.atlassian.com');
    expect(page.version.number).toBe(1);
  });

  it('finds the site (cloud id) through accessible-resources', async () => {
    const r = await confluenceIntegration.accountId!({ http, token: { accessToken: 'valid-token' } });
    expect(r).toMatchObject({ providerAccountId: fake.cloudId, extra: { cloudId: fake.cloudId, siteUrl: 'https://your-domain.atlassian.net' } });
  });

  it('renders relative bounds at or before (lower) and at or after (upper) the instant, and reads _links.next', () => {
    expect(relativeLower(T0 - 30_000, T0)).toBe('now("-2m")');
    expect(relativeLower(T0, T0)).toBe('now("-1m")');
    expect(relativeUpper(T0 - 10 * MIN, T0)).toBe('now("-9m")');
    expect(relativeUpper(T0 - 30_000, T0)).toBe('now("-0m")');
    expect(nextCursor('/rest/api/content/search?cql=type%3Dpage&limit=25&cursor=raw%3Dabc')).toBe('raw=abc');
    expect(nextCursor(undefined)).toBeUndefined();
  });

  it('validates the space key', () => {
    expect(validateSpaceKey('DOCS')).toBeNull();
    expect(validateSpaceKey('~5b10ac8d82e05b22cc7d4ef5')).toBeNull();
    expect(validateSpaceKey('A" OR space = "B')).toMatch(/space key/);
    expect(validateSpaceKey(3)).toBe('must be a string');
  });

  it('page created: baseline not delivered, a new page once, space filter in the CQL', async () => {
    fake.addPage({ id: '1', created: T0 - MIN });
    fake.addPage({ id: '2', spaceKey: 'OTHER', created: T0 - MIN });
    const h = new Harness(http, 'CONFLUENCE_TRIGGER_PAGE_CREATED', { spaceKey: 'TST' });
    expect(await h.poll()).toEqual([]);
    const [first] = fake.searches();
    expect(first!.auth).toBe('Bearer valid-token');
    expect(first!.path).toBe(`/ex/confluence/${fake.cloudId}/wiki/rest/api/content/search`);
    expect(first!.query.get('cql')).toBe('type = page AND space = "TST" AND created >= now("-6m") ORDER BY created ASC');
    expect(first!.query.get('expand')).toBe('space,history,version');
    clock.now += 30_000;
    fake.addPage({ id: '3', created: clock.now });
    fake.addPage({ id: '4', spaceKey: 'OTHER', created: clock.now });
    expect((await h.poll()).map((i) => i.key)).toEqual(['3']);
    clock.now += 60_000;
    expect(await h.poll()).toEqual([]);
  });

  it('page updated: one item per version, version 1 is not an update', async () => {
    fake.addPage({ id: '1', created: T0 - 10 * MIN });
    const h = new Harness(http, 'CONFLUENCE_TRIGGER_PAGE_UPDATED');
    expect(await h.poll()).toEqual([]);
    clock.now += 20_000;
    fake.addPage({ id: '2', created: clock.now });
    fake.edit('1', clock.now);
    const got = await h.poll();
    expect(got.map((i) => i.key)).toEqual(['1:2']);
    expect((got[0]!.payload as any).version.number).toBe(2);
    clock.now += 20_000;
    expect(await h.poll()).toEqual([]);
    fake.edit('1', clock.now);
    fake.edit('2', clock.now);
    clock.now += 20_000;
    expect((await h.poll()).map((i) => i.key).sort()).toEqual(['1:3', '2:2']);
  });

  it('never skips pages sharing one minute across many result pages, even when pages change between requests', async () => {
    fake.maxPageSize = 5;
    const h = new Harness(http, 'CONFLUENCE_TRIGGER_PAGE_CREATED');
    expect(await h.poll()).toEqual([]);
    clock.now += MIN;
    for (let i = 0; i < 23; i++) fake.addPage({ id: String(100 + i), created: clock.now });
    // a page edited while the result pages are read moves nothing that created-order relies on; one created meanwhile is found
    fake.onSearch = (n) => {
      if (n === 2) fake.addPage({ id: '200', created: clock.now });
    };
    clock.now += 10_000;
    const got = await h.poll();
    fake.onSearch = undefined;
    clock.now += MIN;
    const later = await h.poll();
    const keys = [...got, ...later].map((i) => i.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual([...Array.from({ length: 23 }, (_, i) => String(100 + i)), '200'].sort());
  });

  it('bounds the pages read per poll and continues on the next one', async () => {
    fake.maxPageSize = 5;
    const h = new Harness(http, 'CONFLUENCE_TRIGGER_PAGE_CREATED');
    expect(await h.poll()).toEqual([]);
    for (let i = 0; i < 150; i++) fake.addPage({ id: String(1000 + i), created: clock.now + i * MIN });
    clock.now += 151 * MIN;
    const before = fake.searches().length;
    const first = await h.poll();
    expect(fake.searches().length - before).toBeLessThanOrEqual(21); // MAX_PAGES_PER_POLL fresh queries past the first
    expect(first.length).toBeLessThan(150);
    const all = new Set(first.map((i) => i.key));
    for (let k = 0; k < 10; k++) for (const i of await h.poll()) all.add(i.key);
    expect(all.size).toBe(150);
  });

  it('maps errors: 401 auth, 429 rate_limited with Retry-After, 5xx transient, 400 permanent with the message', async () => {
    const h = new Harness(http, 'CONFLUENCE_TRIGGER_PAGE_CREATED');
    const kindOf = async () => {
      try {
        await h.poll();
        return null;
      } catch (err) {
        expect(err).toBeInstanceOf(ProviderError);
        return err as ProviderError;
      }
    };
    fake.validTokens.clear();
    expect(await kindOf()).toMatchObject({ kind: 'auth', status: 401 });
    fake.validTokens.add('valid-token');
    fake.failNext(1, 429, { 'retry-after': '30' });
    expect(await kindOf()).toMatchObject({ kind: 'rate_limited', retryAfterMs: 30_000 });
    fake.failNext(1, 503);
    expect(await kindOf()).toMatchObject({ kind: 'transient' });
    fake.failNext(1, 400, {}, { statusCode: 400, message: 'Could not parse cql : nonsense' });
    const e = await kindOf();
    expect(e).toMatchObject({ kind: 'permanent', status: 400 });
    expect(e!.message).toContain('Could not parse cql');
    expect(e!.message).not.toContain('valid-token');
  });
});
