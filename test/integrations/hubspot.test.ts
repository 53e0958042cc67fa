// HubSpot triggers at the source level: real HTTP against the fake HubSpot, with a harness that plays the engine's
// part (the baseline is recorded as seen, each key is kept once, the cursor is stored as JSON).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { hubspotIntegration } from '../../src/integrations/hubspot/integration.js';
import { validateRecordType } from '../../src/integrations/hubspot/search.js';
import { ProviderError, type AnyTriggerDefinition, type HttpClient, type Item, type PollSource } from '../../src/sdk/index.js';
import { hubspotRateLimitBodies, startFakeHubSpot, type FakeHubSpot } from '../providers/hubspot.js';
import { recordPoll } from '../helpers/poll-harness.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 27, 15, 0, 0);
const silent = { debug() {}, info() {}, warn() {} };

function trigger(type: string): AnyTriggerDefinition {
  const t = hubspotIntegration.triggers.find((x) => x.type === type);
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
      http: this.http, params: this.params, credential: { id: 'cred-1', providerAccountId: '62515', extra: {} }, log: silent,
      signal: AbortSignal.timeout(20_000), now: () => this.now, cursor: this.cursor,
    });
    return recordPoll(this, r);
  }
}

describe('hubspot', () => {
  let fake: FakeHubSpot;
  let http: HttpClient;
  beforeEach(async () => {
    fake = await startFakeHubSpot();
    http = createProviderHttp({ integration: hubspotIntegration, apiBaseUrl: fake.url, auth: { canRefresh: false, headers: async () => ({ authorization: 'Bearer valid-token' }) } });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('declares the binding trigger types and HubSpot OAuth (v3 token endpoint)', () => {
    expect(hubspotIntegration.triggers.map((t) => t.type)).toEqual(['HUBSPOT_RECORD_CREATED', 'HUBSPOT_RECORD_UPDATED']);
    expect(hubspotIntegration.auth).toMatchObject({ kind: 'oauth2', authorizationUrl: 'https://app.hubspot.com/oauth/authorize', tokenUrl: 'https://api.hubapi.com/oauth/v3/token' });
    expect(hubspotIntegration.apiBaseUrl).toBe('https://api.hubapi.com');
  });

  it('names the HubSpot account (hub id) as the provider account', async () => {
    expect(await hubspotIntegration.accountId!({ http, token: { accessToken: 'valid-token' } })).toMatchObject({ providerAccountId: '62515', extra: { hubDomain: 'demo.hubspot.com' } });
  });

  it.each([
    ['contacts', 'HUBSPOT_RECORD_UPDATED', 'lastmodifieddate'],
    ['companies', 'HUBSPOT_RECORD_UPDATED', 'hs_lastmodifieddate'],
    ['deals', 'HUBSPOT_RECORD_UPDATED', 'hs_lastmodifieddate'],
    ['tickets', 'HUBSPOT_RECORD_UPDATED', 'hs_lastmodifieddate'],
    ['2-123456', 'HUBSPOT_RECORD_UPDATED', 'hs_lastmodifieddate'],
    ['contacts', 'HUBSPOT_RECORD_CREATED', 'createdate'],
    ['deals', 'HUBSPOT_RECORD_CREATED', 'createdate'],
    ['2-123456', 'HUBSPOT_RECORD_CREATED', 'hs_createdate'],
  ])('searches %s by the right timestamp property (%s → %s), oldest first, 200 a page', async (recordType, type, prop) => {
    const h = new Harness(http, type, { recordType });
    await h.poll();
    expect(fake.searches()[0]!.path).toBe(`/crm/v3/objects/${recordType}/search`);
    expect(fake.searches()[0]!.body).toEqual({
      filterGroups: [{ filters: [{ propertyName: prop, operator: 'GTE', value: String(T0 - 5 * MIN) }] }],
      sorts: [{ propertyName: prop, direction: 'ASCENDING' }],
      limit: 200,
    });
  });

  describe('HUBSPOT_RECORD_CREATED', () => {
    it('records existing records at baseline, emits a new one once, and a second run emits nothing', async () => {
      fake.add('contacts', { created: T0 - 2 * MIN, props: { email: 'old@biglytics.net' } });
      const h = new Harness(http, 'HUBSPOT_RECORD_CREATED', { recordType: 'contacts' });
      expect(await h.poll()).toEqual([]);
      const c = fake.add('contacts', { created: T0 + 10_000, props: { email: 'bcooper@biglytics.net', firstname: 'Bryan', lastname: 'Cooper' } });
      h.now = T0 + MIN;
      const got = await h.poll();
      expect(got.map((i) => i.key)).toEqual([String(c.id)]);
      expect(got[0]!.payload).toMatchObject({ id: String(c.id), properties: { email: 'bcooper@biglytics.net', createdate: new Date(T0 + 10_000).toISOString(), hs_object_id: String(c.id) }, archived: false });
      h.now = T0 + 2 * MIN;
      expect(await h.poll()).toEqual([]);
    });

    it('emits every one of many records created in the same millisecond exactly once, by record id, never with `after`', async () => {
      const h = new Harness(http, 'HUBSPOT_RECORD_CREATED', { recordType: 'contacts' });
      await h.poll();
      const ids = Array.from({ length: 450 }, () => String(fake.add('contacts', { created: T0 + 10_000 }).id));
      fake.add('contacts', { created: T0 + 20_000, id: 99_999 });
      h.now = T0 + MIN;
      const got = (await h.poll()).map((i) => i.key);
      expect(got.sort()).toEqual([...ids, '99999'].sort());
      const bodies = fake.searches().map((s) => s.body);
      expect(bodies.some((b) => JSON.stringify(b.filterGroups) === JSON.stringify([{ filters: [
        { propertyName: 'createdate', operator: 'EQ', value: String(T0 + 10_000) },
        { propertyName: 'hs_object_id', operator: 'GT', value: '0' },
      ] }]))).toBe(true);
      expect(bodies.some((b) => b.filterGroups[0].filters[0].operator === 'GT')).toBe(true);
      expect(bodies.every((b) => b.after === undefined)).toBe(true);
      h.now = T0 + 2 * MIN;
      expect(await h.poll()).toEqual([]);
    });

    it('reads far more than 10,000 new records without ever paging past the search window', async () => {
      const h = new Harness(http, 'HUBSPOT_RECORD_CREATED', { recordType: 'deals' });
      await h.poll();
      for (let n = 0; n < 10_450; n++) fake.add('deals', { created: T0 + n * 7 });
      h.now = T0 + 10 * MIN;
      const first = await h.poll();
      const second = await h.poll();
      expect(first.length).toBeLessThan(10_450); // the page cap stopped the first poll; the second continued
      const all = [...first, ...second].map((i) => i.key);
      expect(all.length).toBe(10_450);
      expect(new Set(all).size).toBe(10_450);
      expect(await h.poll()).toEqual([]);
      expect(fake.searches().every((s) => s.body.after === undefined)).toBe(true);
    }, 60_000);

    it('returns records read out of order once each', async () => {
      fake.reversePages = true;
      const h = new Harness(http, 'HUBSPOT_RECORD_CREATED', { recordType: 'companies' });
      await h.poll();
      const ids = Array.from({ length: 450 }, (_, n) => String(fake.add('companies', { created: T0 + n * 100 }).id));
      h.now = T0 + 2 * MIN;
      expect((await h.poll()).map((i) => i.key).sort()).toEqual([...ids].sort());
      expect(await h.poll()).toEqual([]);
    });
  });

  describe('HUBSPOT_RECORD_UPDATED', () => {
    it('emits each new version once, never the creation, and nothing on a re-poll', async () => {
      const c = fake.add('contacts', { created: T0 - 60 * MIN });
      const h = new Harness(http, 'HUBSPOT_RECORD_UPDATED', { recordType: 'contacts' });
      await h.poll();
      fake.add('contacts', { created: T0 + 1_000 });
      fake.touch('contacts', c.id, T0 + 2_000);
      h.now = T0 + MIN;
      expect((await h.poll()).map((i) => i.key)).toEqual([`${c.id}:${T0 + 2_000}`]);
      fake.touch('contacts', c.id, T0 + 70_000);
      h.now = T0 + 2 * MIN;
      expect((await h.poll()).map((i) => i.key)).toEqual([`${c.id}:${T0 + 70_000}`]);
      h.now = T0 + 3 * MIN;
      expect(await h.poll()).toEqual([]);
    });

    it('loses nothing when records are modified or created between page requests', async () => {
      const recs = Array.from({ length: 500 }, () => fake.add('tickets', { created: T0 - 600 * MIN }));
      const h = new Harness(http, 'HUBSPOT_RECORD_UPDATED', { recordType: 'tickets' });
      await h.poll();
      recs.forEach((r, n) => fake.touch('tickets', r.id, T0 + n * 10));
      let fresh: number | null = null;
      fake.onSearch = (n) => {
        if (n === 2) {
          fake.touch('tickets', recs[3]!.id, T0 + 60_000); // read on page 1; now jumps to the end
          fresh = fake.add('tickets', { created: T0 - 600 * MIN, modified: T0 + 60_001 }).id;
        }
      };
      h.now = T0 + 2 * MIN;
      const got = new Set((await h.poll()).map((i) => i.key));
      for (const [n, r] of recs.entries()) if (n !== 3) expect(got.has(`${r.id}:${T0 + n * 10}`), `record ${n}`).toBe(true);
      expect(got.has(`${recs[3]!.id}:${T0 + 60_000}`)).toBe(true);
      expect(got.has(`${fresh}:${T0 + 60_001}`)).toBe(true);
    });

    it('finds a record that appears in search late, within the overlap', async () => {
      const a = fake.add('contacts', { created: T0 - 60 * MIN });
      const b = fake.add('contacts', { created: T0 - 60 * MIN });
      const h = new Harness(http, 'HUBSPOT_RECORD_UPDATED', { recordType: 'contacts' });
      await h.poll();
      fake.touch('contacts', a.id, T0 + 3 * MIN);
      h.now = T0 + 4 * MIN;
      expect((await h.poll()).length).toBe(1);
      fake.touch('contacts', b.id, T0 + MIN); // indexed only now
      h.now = T0 + 5 * MIN;
      expect((await h.poll()).map((i) => i.key)).toEqual([`${b.id}:${T0 + MIN}`]);
    });
  });

  describe('429 with HubSpot policy', () => {
    it.each([
      ['ten-secondly policy: the interval header', hubspotRateLimitBodies.tenSecondly, { 'x-hubspot-ratelimit-interval-milliseconds': '10000', 'x-hubspot-ratelimit-max': '110', 'x-hubspot-ratelimit-remaining': '0' }, 10_000],
      ['daily policy: an hour', hubspotRateLimitBodies.daily, {}, 3_600_000],
      ['search endpoint, no headers: a second', hubspotRateLimitBodies.tenSecondly, {}, 1_000],
      ['Retry-After wins', hubspotRateLimitBodies.tenSecondly, { 'retry-after': '4' }, 4_000],
    ])('%s', async (_name, body, headers, wait) => {
      fake.failNext(1, 429, headers, body);
      const h = new Harness(http, 'HUBSPOT_RECORD_CREATED', { recordType: 'contacts' });
      const err = await h.poll().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect(err).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: wait });
    });
  });
});

describe('recordType validation', () => {
  it.each([
    ['contacts', true], ['companies', true], ['deals', true], ['tickets', true], ['2-123456', true],
    ['contact', false], ['2-', false], ['2-12a', false], ['../contacts', false], ['p123_cars', false], [42, false],
  ])('%j', (value, ok) => {
    expect(validateRecordType(value) === null).toBe(ok);
  });
});
