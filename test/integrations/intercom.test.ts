// Intercom at the source level: the contact triggers poll the fake Intercom's search API over real HTTP (a
// harness plays the engine: baseline seen-only, keys stored once, cursor as JSON); the company triggers map
// verified app-webhook notifications; the signature scheme is checked against the documented computation.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { MAX_PAGES_PER_POLL, PER_PAGE } from '../../src/integrations/intercom/contacts.js';
import { INTERCOM_VERSION, intercomIntegration } from '../../src/integrations/intercom/integration.js';
import { INTERCOM_SIGNATURE } from '../../src/integrations/intercom/webhooks.js';
import created from '../../src/integrations/intercom/fixtures/notification-company-created.json' with { type: 'json' };
import updated from '../../src/integrations/intercom/fixtures/notification-company-updated.json' with { type: 'json' };
import { signRequest, verifyRequest, type AnyTriggerDefinition, type AppEvent, type AppWebhookSource, type HttpClient, type InboundRequest, type Item, type PollSource } from '../../src/sdk/index.js';
import { TestClock } from '../helpers/clock.js';
import { recordPoll } from '../helpers/poll-harness.js';
import { intercomSignature, startFakeIntercom, type FakeIntercom } from '../providers/intercom.js';

const SEC = 1000;
const MIN = 60 * SEC;
const silent = { debug() {}, info() {}, warn() {} };

function trigger(type: string): AnyTriggerDefinition {
  const t = intercomIntegration.triggers.find((x) => x.type === type);
  if (!t) throw new Error(`no trigger ${type}`);
  return t;
}

class Harness {
  seen = new Set<string>();
  cursor: unknown = null;
  constructor(private readonly http: HttpClient, private readonly type: string, private readonly clock: TestClock) {}
  async poll(): Promise<Item[]> {
    const r = await (trigger(this.type).source as PollSource).poll({
      http: this.http, params: {}, credential: { id: 'cred-1', providerAccountId: 'ecahpwf5', extra: {} },
      log: silent, signal: AbortSignal.timeout(10_000), now: this.clock.now, cursor: this.cursor,
    });
    return recordPoll(this, r);
  }
}

function inbound(body: string, headers: Record<string, string> = {}): InboundRequest {
  return { method: 'POST', url: '/hooks/app/p/intercom', headers, rawBody: Buffer.from(body), body: JSON.parse(body) };
}

describe('intercom', () => {
  let ic: FakeIntercom;
  let http: HttpClient;
  let clock: TestClock;

  beforeEach(async () => {
    clock = new TestClock(Date.UTC(2026, 10, 27, 15, 0, 0));
    ic = await startFakeIntercom({ now: clock.now });
    ic.validTokens.add('valid-token');
    http = createProviderHttp({ integration: intercomIntegration, apiBaseUrl: ic.url, auth: { canRefresh: false, headers: async () => ({ authorization: 'Bearer valid-token' }) } });
  });
  afterEach(async () => {
    await ic.close();
  });

  it('declares the binding trigger types, the OAuth endpoints, the API host and the pinned version header', () => {
    expect(intercomIntegration.triggers.map((t) => t.type)).toEqual([
      'INTERCOM_TRIGGER_CONTACT_CREATED', 'INTERCOM_TRIGGER_CONTACT_UPDATED', 'INTERCOM_TRIGGER_COMPANY_CREATED', 'INTERCOM_TRIGGER_COMPANY_UPDATED',
    ]);
    expect(intercomIntegration.triggers.map((t) => t.source.kind)).toEqual(['poll', 'poll', 'appWebhook', 'appWebhook']);
    expect(intercomIntegration.auth).toMatchObject({ kind: 'oauth2', authorizationUrl: 'https://app.intercom.com/oauth', tokenUrl: 'https://api.intercom.io/auth/eagle/token' });
    expect(intercomIntegration.apiBaseUrl).toBe('https://api.intercom.io');
    expect(intercomIntegration.defaultHeaders).toEqual({ 'Intercom-Version': INTERCOM_VERSION });
    for (const t of intercomIntegration.triggers) expect(t.docsUrl).toMatch(/^https:\/\/developers\.intercom\.com\//);
  });

  it('identifies the workspace (app.id_code) at connect', async () => {
    expect(await intercomIntegration.accountId!({ http, token: { accessToken: 'valid-token' } })).toEqual({
      providerAccountId: 'ecahpwf5', extra: { workspaceId: 'ecahpwf5', workspaceName: 'MyApp 1', region: 'US', adminId: '991267460' },
    });
    expect(ic.requests.at(-1)).toMatchObject({ path: '/me', version: '2.14' });
  });

  describe('INTERCOM_TRIGGER_CONTACT_CREATED', () => {
    it('records existing contacts at baseline, emits a new one once, and a second run emits nothing', async () => {
      const old = ic.addContact({}, clock.now() - 3 * MIN);
      const h = new Harness(http, 'INTERCOM_TRIGGER_CONTACT_CREATED', clock);
      expect(await h.poll()).toEqual([]);
      expect(h.seen.has(old.id)).toBe(true);
      clock.advance(MIN);
      const lead = ic.addContact({ role: 'lead', email: 'lead@example.com' });
      const items = await h.poll();
      expect(items).toEqual([{ key: lead.id, payload: lead, occurredAt: lead.created_at * 1000 }]);
      expect(await h.poll()).toEqual([]);
      const search = ic.requests.filter((r) => r.path === '/contacts/search');
      expect(search.every((r) => r.version === '2.14' && r.auth === 'Bearer valid-token')).toBe(true);
      expect(search.at(-1)!.body).toEqual({
        query: { operator: 'AND', value: [{ field: 'created_at', operator: '>', value: expect.any(Number) }] },
        sort: { field: 'created_at', order: 'ascending' },
        pagination: { per_page: PER_PAGE },
      });
    });

    it('re-anchors every page on the newest second seen, so contacts created while paging are not skipped', async () => {
      const h = new Harness(http, 'INTERCOM_TRIGGER_CONTACT_CREATED', clock);
      await h.poll();
      clock.advance(MIN);
      const batch = Array.from({ length: 2 * PER_PAGE + 20 }, (_, i) => ic.addContact({}, clock.now() + Math.floor(i / 3) * SEC));
      clock.advance(2 * MIN); // all of them are in the past now
      const items = await h.poll();
      expect(items.map((i) => i.key).sort()).toEqual(batch.map((c) => c.id).sort());
      expect(ic.requests.filter((r) => r.path === '/contacts/search' && r.body.pagination.starting_after)).toEqual([]);
      expect(await h.poll()).toEqual([]);
    });

    it('reads an import of hundreds of contacts in one second on its own, with starting_after', async () => {
      const h = new Harness(http, 'INTERCOM_TRIGGER_CONTACT_CREATED', clock);
      await h.poll();
      clock.advance(MIN);
      const burst = Array.from({ length: 2 * PER_PAGE + 7 }, () => ic.addContact());
      const after = ic.addContact({}, clock.now() + 5 * SEC);
      clock.advance(10 * SEC);
      const items = await h.poll();
      expect(items.map((i) => i.key).sort()).toEqual([...burst, after].map((c) => c.id).sort());
      const second = ic.requests.filter((r) => r.path === '/contacts/search' && r.body.query.value.length === 2);
      expect(second.length).toBeGreaterThanOrEqual(3);
      expect(second[0]!.body.query.value).toEqual([
        { field: 'created_at', operator: '>', value: burst[0]!.created_at - 1 },
        { field: 'created_at', operator: '<', value: burst[0]!.created_at + 1 },
      ]);
    });

    it('spreads a second larger than one poll\'s page cap over several polls without losing or repeating anyone', async () => {
      const h = new Harness(http, 'INTERCOM_TRIGGER_CONTACT_CREATED', clock);
      await h.poll();
      clock.advance(MIN);
      const crowd = Array.from({ length: MAX_PAGES_PER_POLL * PER_PAGE + 400 }, () => ic.addContact());
      clock.advance(5 * SEC);
      const first = await h.poll();
      expect(first.length).toBeGreaterThan((MAX_PAGES_PER_POLL - 3) * PER_PAGE);
      expect(first.length).toBeLessThan(crowd.length);
      expect(h.cursor).toMatchObject({ from: crowd[0]!.created_at, within: expect.any(String) });
      // The saved search cursor has expired by the next poll: that second is read again from its start.
      ic.failNext(1, 400, { type: 'error.list', errors: [{ code: 'parameter_invalid', message: 'starting_after is invalid' }] });
      const second = await h.poll(); // the whole second again from its start: another full budget
      const third = await h.poll();
      expect([...first, ...second, ...third].map((i) => i.key).sort()).toEqual(crowd.map((c) => c.id).sort());
      expect(h.cursor).not.toHaveProperty('within');
      expect(await h.poll()).toEqual([]);
    });

    it('finds contacts that became searchable minutes late (overlapping window)', async () => {
      ic.indexDelaySeconds = 150;
      const h = new Harness(http, 'INTERCOM_TRIGGER_CONTACT_CREATED', clock);
      await h.poll();
      clock.advance(MIN);
      const c = ic.addContact();
      clock.advance(MIN);
      expect(await h.poll()).toEqual([]); // not searchable yet
      clock.advance(2 * MIN);
      expect((await h.poll()).map((i) => i.key)).toEqual([c.id]);
    });
  });

  describe('INTERCOM_TRIGGER_CONTACT_UPDATED', () => {
    it('emits each new updated_at once (key id:updated_at) and never the creation', async () => {
      const c = ic.addContact({}, clock.now() - MIN);
      const h = new Harness(http, 'INTERCOM_TRIGGER_CONTACT_UPDATED', clock);
      await h.poll();
      clock.advance(MIN);
      const fresh = ic.addContact();
      expect(await h.poll()).toEqual([]);
      clock.advance(MIN);
      ic.updateContact(c.id, { name: 'Renamed' });
      const items = await h.poll();
      expect(items.map((i) => i.key)).toEqual([`${c.id}:${c.updated_at}`]);
      expect(items[0]!.payload).toMatchObject({ id: c.id, name: 'Renamed' });
      expect(await h.poll()).toEqual([]);
      clock.advance(3 * SEC);
      ic.updateContact(c.id, { name: 'Again' });
      ic.updateContact(fresh.id, { role: 'lead' });
      expect((await h.poll()).map((i) => i.key).sort()).toEqual([`${c.id}:${c.updated_at}`, `${fresh.id}:${fresh.updated_at}`].sort());
      expect(ic.requests.at(-1)!.body.sort).toEqual({ field: 'updated_at', order: 'ascending' });
    });

    it('loses no version when contacts already read are updated again while later pages are fetched', async () => {
      const h = new Harness(http, 'INTERCOM_TRIGGER_CONTACT_UPDATED', clock);
      const contacts = Array.from({ length: 2 * PER_PAGE + 10 }, () => ic.addContact({}, clock.now() - 10 * MIN));
      await h.poll();
      const t0 = clock.now();
      contacts.forEach((c, i) => ic.updateContact(c.id, { name: `v2 ${i}` }, t0 + i * SEC));
      clock.advance(10 * MIN);
      const first = contacts[3]!;
      let n = 0;
      ic.onSearch = () => {
        // While page 2 is requested, a contact from page 1 changes again and jumps to the end of the order.
        if (++n === 2) ic.updateContact(first.id, { name: 'v3' }, clock.now() - SEC);
      };
      const before = first.updated_at;
      const items = await h.poll();
      const keys = new Set(items.map((i) => i.key));
      for (const [i, c] of contacts.entries()) {
        if (c !== first) expect(keys.has(`${c.id}:${Math.floor(t0 / 1000) + i}`), c.id).toBe(true);
      }
      expect(keys.has(`${first.id}:${first.updated_at}`)).toBe(true);
      expect(first.updated_at).not.toBe(before);
    });
  });

  it('classifies Intercom errors: 429 waits until X-RateLimit-Reset, 401 needs reconnecting, 5xx is transient', async () => {
    const h = new Harness(http, 'INTERCOM_TRIGGER_CONTACT_CREATED', clock);
    ic.rateLimitNext(8);
    await expect(h.poll()).rejects.toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 8000, message: expect.stringContaining('rate_limit_exceeded') });
    ic.failNext(1, 503);
    await expect(h.poll()).rejects.toMatchObject({ kind: 'transient', status: 503 });
    ic.validTokens.clear();
    await expect(h.poll()).rejects.toMatchObject({ kind: 'auth', status: 401 });
  });

  describe('company webhooks', () => {
    const config = intercomIntegration.appWebhook!;
    const match = (type: string) => (event: AppEvent, params: Record<string, unknown>) => (trigger(type).source as AppWebhookSource).match(event, params);

    it('verifies X-Hub-Signature (sha1 of the raw body with the client secret) as documented', () => {
      const body = '{"type":"notification_event","topic":"ping","id":"notif_1","data":{"item":{"type":"ping","message":"hi"}}}';
      expect(intercomSignature('test_client_secret', body)).toBe('sha1=a92210887669a9b81080fc7603e09cc63ede7092');
      const req = { method: 'POST', url: '/hooks/app/p/intercom', headers: { 'x-hub-signature': 'sha1=a92210887669a9b81080fc7603e09cc63ede7092' }, rawBody: Buffer.from(body) };
      expect(verifyRequest(INTERCOM_SIGNATURE, req, { secret: 'test_client_secret' }, Date.now())).toEqual({ ok: true });
      expect(signRequest(INTERCOM_SIGNATURE, req, { secret: 'test_client_secret' }, Date.now())).toEqual(req.headers);
      expect(verifyRequest(INTERCOM_SIGNATURE, req, { secret: 'another' }, Date.now()).ok).toBe(false);
      expect(verifyRequest(INTERCOM_SIGNATURE, { ...req, rawBody: Buffer.from(body.replace('hi', 'ho')) }, { secret: 'test_client_secret' }, Date.now()).ok).toBe(false);
    });

    it('routes by workspace (app_id), ignores ping, and maps company notifications to the company object', () => {
      expect(config.parse(inbound('{"type":"notification_event","topic":"ping","id":"notif_1","app_id":"ecahpwf5","data":{"item":{"type":"ping"}}}'))).toEqual([]);
      const [event] = config.parse(inbound(JSON.stringify(created)));
      expect(event).toEqual({ providerAccountId: 'ecahpwf5', deliveryId: created.id, eventType: 'company.created', event: created });
      expect(match('INTERCOM_TRIGGER_COMPANY_CREATED')(event!, {})).toEqual([{ key: created.data.item.id, payload: created.data.item, occurredAt: created.created_at * 1000 }]);
      expect(match('INTERCOM_TRIGGER_COMPANY_UPDATED')(event!, {})).toEqual([]);
      const [upd] = config.parse(inbound(JSON.stringify(updated)));
      expect(match('INTERCOM_TRIGGER_COMPANY_UPDATED')(upd!, {})).toEqual([{ key: `${updated.data.item.id}:${updated.id}`, payload: updated.data.item, occurredAt: updated.created_at * 1000 }]);
      // Intercom's retry of the same notification (delivery_attempts 2) maps to the same key.
      const [retry] = config.parse(inbound(JSON.stringify({ ...updated, delivery_attempts: 2 })));
      expect(match('INTERCOM_TRIGGER_COMPANY_UPDATED')(retry!, {})[0]!.key).toBe(`${updated.data.item.id}:${updated.id}`);
      // Contact topics reach no company trigger (contacts are polled).
      const [contact] = config.parse(inbound(JSON.stringify({ ...created, topic: 'contact.user.created', data: { item: { type: 'contact', id: 'c1' } } })));
      expect(match('INTERCOM_TRIGGER_COMPANY_CREATED')(contact!, {})).toEqual([]);
    });
  });
});
