// Airtable, source level: the triggers' register / toItems / catchUp / check / unregister against the fake
// Airtable over real HTTP (webhooks, cursor-paged payloads, 404 / 422 / 429 answers), the signature with an
// independent vector, parameter validation, and the pure rules (keys per change kind, one table only).
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { validateParameters } from '../../src/engine/parameters.js';
import { readPayloads } from '../../src/integrations/airtable/api.js';
import notification from '../../src/integrations/airtable/fixtures/notification.json' with { type: 'json' };
import payloadPage from '../../src/integrations/airtable/fixtures/webhook-payloads.json' with { type: 'json' };
import { AIRTABLE_SIGNATURE, airtableIntegration } from '../../src/integrations/airtable/integration.js';
import { REFRESH_WITHIN_MS, payloadItems, specification } from '../../src/integrations/airtable/webhooks.js';
import { ProviderError, schemeProblems, signRequest, verifyRequest, type HttpClient, type InboundRequest, type WebhookSource } from '../../src/sdk/index.js';
import { airtableMac, startFakeAirtable, type FakeAirtable } from '../providers/airtable.js';

const silent = { debug() {}, info() {}, warn() {} };
const TYPES = ['AIRTABLE_TRIGGER_RECORD_CREATED', 'AIRTABLE_TRIGGER_RECORD_UPDATED', 'AIRTABLE_TRIGGER_RECORD_DELETED'];
const BASE = 'appLkNDICXNqxSDhG';
const TABLE = 'tblZ4mAvAKkqCa0xX';
const OTHER_TABLE = 'tblOtherTable0001';
const DAY = 24 * 60 * 60_000;

function trigger(type: string) {
  const t = airtableIntegration.triggers.find((x) => x.type === type);
  if (!t || t.source.kind !== 'webhook') throw new Error(`no webhook trigger ${type}`);
  return t as typeof t & { source: WebhookSource };
}
const source = (type: string) => trigger(type).source;

function inbound(body: unknown, headers: Record<string, string> = {}): InboundRequest {
  const rawBody = Buffer.from(JSON.stringify(body));
  return { method: 'POST', url: '/hooks/s/x', headers, rawBody, body: JSON.parse(rawBody.toString('utf8')) };
}

describe('airtable', () => {
  let at: FakeAirtable;
  let http: HttpClient;
  const ctx = (params: Record<string, unknown> = { baseId: BASE, tableId: TABLE }) => ({
    http, params, credential: { id: 'cred-1', providerAccountId: at.userId, extra: {} }, log: silent, signal: AbortSignal.timeout(10_000), now: Date.now,
  });
  const reg = (type: string, params: Record<string, unknown> = { baseId: BASE, tableId: TABLE }) =>
    source(type).register({ ...ctx(params), hookUrl: 'https://ot.example/hooks/s/sub-1', secret: 'f'.repeat(64) });
  /** The ping Airtable sends for this state's webhook (the published example with our ids). */
  const ping = (state: Record<string, unknown>) => ({ ...notification, base: { id: state.baseId }, webhook: { id: state.webhookId } });
  const items = async (type: string, state: Record<string, unknown>) => {
    const r = await source(type).toItems(inbound(ping(state)), { ...ctx(), state });
    if (Array.isArray(r)) return { items: r, state };
    return { items: r.items, state: r.state ?? state };
  };

  beforeEach(async () => {
    at = await startFakeAirtable();
    at.validTokens.add('valid-token');
    http = createProviderHttp({ integration: airtableIntegration, apiBaseUrl: at.url, auth: { canRefresh: false, headers: async () => ({ authorization: 'Bearer valid-token' }) } });
  });
  afterEach(async () => {
    await at.close();
  });

  it('declares the trigger types, OAuth with PKCE and HTTP Basic client auth, the scopes and the API base', () => {
    expect(airtableIntegration.key).toBe('airtable');
    expect(airtableIntegration.triggers.map((t) => t.type)).toEqual(TYPES);
    expect(airtableIntegration.auth).toMatchObject({
      kind: 'oauth2', authorizationUrl: 'https://airtable.com/oauth2/v1/authorize', tokenUrl: 'https://airtable.com/oauth2/v1/token',
      scopes: ['data.records:read', 'webhook:manage'], pkce: true, clientAuth: 'basic',
    });
    expect(airtableIntegration.apiBaseUrl).toBe('https://api.airtable.com');
    for (const t of airtableIntegration.triggers) {
      expect(t.docsUrl).toMatch(/^https:\/\/airtable\.com\/developers\//);
      expect(t.parameters.map((p) => [p.id, p.type, p.required])).toEqual([['baseId', 'TEXT', true], ['tableId', 'TEXT', true]]);
      const s = t.source as WebhookSource;
      // Items are read from the payload list (catchUp): no redeliveryDays, every key keeps its marker.
      expect([s.redeliveryDays, typeof s.catchUp, typeof s.check, 'renew' in s]).toEqual([undefined, 'function', 'function', false]);
      expect(t.examplePayload).toMatchObject({ baseId: 'appEXAMPLE0000001', tableId: 'tblEXAMPLE0000001', recordId: expect.stringMatching(/^rec/) });
    }
  });

  it('identifies the Airtable user with GET /v0/meta/whoami', async () => {
    expect(await airtableIntegration.accountId!({ http, token: { accessToken: 'valid-token' } })).toEqual({ providerAccountId: at.userId });
    expect(at.requests.map((r) => [`${r.method} ${r.path}`, r.auth])).toEqual([['GET /v0/meta/whoami', 'Bearer valid-token']]);
  });

  describe('signature', () => {
    const key = 'YWlydGFibGUtdGVzdC1tYWMta2V5LTMyLWJ5dGVzISE='; // base64 of "airtable-test-mac-key-32-bytes!!"
    const body = '{"base":{"id":"appLkNDICXNqxSDhG"},"webhook":{"id":"achW8pyFCe0LbN9DD"},"timestamp":"2022-02-01T21:25:05.663Z"}';
    // Computed with openssl dgst -sha256 -mac HMAC -macopt hexkey:<hex of the decoded key>.
    const mac = 'hmac-sha256=7da0d2ef9da756d3328c1bd2601878d54468779c6fb35687d69a496d8253f996';
    const req = (headers: Record<string, string>, raw = body) => ({ method: 'POST', url: '/hooks/s/x', headers, rawBody: Buffer.from(raw) });

    it('is hmac-sha256= + hex HMAC-SHA256 of the raw body, keyed with the base64-decoded macSecretBase64 (independent vector)', () => {
      expect(schemeProblems(AIRTABLE_SIGNATURE)).toEqual([]);
      expect(airtableMac(key, body)).toBe(mac);
      expect(verifyRequest(AIRTABLE_SIGNATURE, req({ 'x-airtable-content-mac': mac }), { secret: key }, Date.now())).toEqual({ ok: true });
      expect(signRequest(AIRTABLE_SIGNATURE, req({}), { secret: key }, Date.now())).toEqual({ 'x-airtable-content-mac': mac });
      // The key is the decoded bytes: the base64 text itself as the key is wrong.
      const withTextKey = `hmac-sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
      expect(verifyRequest(AIRTABLE_SIGNATURE, req({ 'x-airtable-content-mac': withTextKey }), { secret: key }, Date.now())).toMatchObject({ ok: false, reason: 'bad_signature' });
    });

    it('refuses a wrong key, a tampered body, a missing prefix and a missing header', () => {
      const other = Buffer.from('another-key').toString('base64');
      expect(verifyRequest(AIRTABLE_SIGNATURE, req({ 'x-airtable-content-mac': mac }), { secret: other }, Date.now())).toMatchObject({ ok: false, reason: 'bad_signature' });
      expect(verifyRequest(AIRTABLE_SIGNATURE, req({ 'x-airtable-content-mac': mac }, body.replace('achW8', 'achX8')), { secret: key }, Date.now())).toMatchObject({ ok: false, reason: 'bad_signature' });
      expect(verifyRequest(AIRTABLE_SIGNATURE, req({ 'x-airtable-content-mac': mac.slice('hmac-sha256='.length) }), { secret: key }, Date.now()).ok).toBe(false);
      expect(verifyRequest(AIRTABLE_SIGNATURE, req({}), { secret: key }, Date.now())).toMatchObject({ ok: false, reason: 'missing_signature' });
      // Re-serialised JSON is not the signed bytes.
      expect(verifyRequest(AIRTABLE_SIGNATURE, req({ 'x-airtable-content-mac': mac }, JSON.stringify(JSON.parse(body), null, 1)), { secret: key }, Date.now()).ok).toBe(false);
    });
  });

  describe('parameters', () => {
    it('accept Airtable base and table ids and refuse anything else, naming the parameter', () => {
      const params = trigger('AIRTABLE_TRIGGER_RECORD_CREATED').parameters;
      expect(validateParameters(params, { baseId: BASE, tableId: TABLE })).toEqual({ baseId: BASE, tableId: TABLE });
      expect(() => validateParameters(params, { tableId: TABLE })).toThrow(/parameters\.baseId/);
      expect(() => validateParameters(params, { baseId: BASE })).toThrow(/parameters\.tableId/);
      expect(() => validateParameters(params, { baseId: 'My base', tableId: TABLE })).toThrow(/parameters\.baseId: must be an Airtable base id: "app" followed by 14 letters or digits/);
      expect(() => validateParameters(params, { baseId: BASE, tableId: 'Tasks' })).toThrow(/parameters\.tableId: must be an Airtable table id: "tbl"/);
      expect(() => validateParameters(params, { baseId: TABLE, tableId: BASE })).toThrow(/parameters\.baseId/);
      expect(() => validateParameters(params, { baseId: `${BASE}/../x`, tableId: TABLE })).toThrow(/parameters\.baseId/);
      expect(() => validateParameters(params, { baseId: BASE, tableId: TABLE, viewId: 'viw1' })).toThrow(/parameters\.viewId: unknown parameter/);
    });
  });

  describe('items and keys', () => {
    const payloads = payloadPage.payloads;
    it('created: keyed by record id; updated and deleted: record id + baseTransactionNumber; other kinds and tables ignored', () => {
      const created = payloadItems('created', payloads, 'appEXAMPLE0000001', 'tblEXAMPLE0000001');
      expect(created.map((i) => i.key)).toEqual(['rec00000000000000']);
      expect(created[0]).toMatchObject({
        occurredAt: Date.parse('2022-02-01T21:25:05.663Z'),
        payload: { recordId: 'rec00000000000000', createdTime: '2022-02-01T21:25:05.663Z', cellValuesByFieldId: { fld00000000000000: 0 }, baseTransactionNumber: 4 },
      });
      const updated = payloadItems('updated', payloads, 'appEXAMPLE0000001', 'tblEXAMPLE0000001');
      expect(updated.map((i) => i.key)).toEqual(['rec00000000000001:5']);
      expect(updated[0]!.payload).toMatchObject({ current: { cellValuesByFieldId: { fld00000000000001: 'hello world' } }, previous: { cellValuesByFieldId: { fld00000000000001: 'hello' } } });
      expect(payloadItems('deleted', payloads, 'appEXAMPLE0000001', 'tblEXAMPLE0000001').map((i) => i.key)).toEqual(['rec00000000000002:6']);
      expect(payloadItems('created', payloads, 'appEXAMPLE0000001', 'tblSomeOtherTab01')).toEqual([]);
    });

    it('two updates of one record are two events; the same payload read twice gives the same key; error payloads give nothing', () => {
      const change = (txn: number) => ({ baseTransactionNumber: txn, timestamp: '2024-01-01T00:00:00.000Z', changedTablesById: { [TABLE]: { changedRecordsById: { recA0000000000001: { current: { cellValuesByFieldId: {} } } } } } });
      expect(payloadItems('updated', [change(7), change(8), change(7)], BASE, TABLE).map((i) => i.key)).toEqual(['recA0000000000001:7', 'recA0000000000001:8', 'recA0000000000001:7']);
      expect(payloadItems('updated', [{ error: true, code: 'INVALID_FILTERS', timestamp: '2024-01-01T00:00:00.000Z' }], BASE, TABLE)).toEqual([]);
      // Without a transaction number an update has no stable key: skipped rather than keyed by something else.
      expect(payloadItems('updated', [{ ...change(1), baseTransactionNumber: undefined }], BASE, TABLE)).toEqual([]);
    });
  });

  describe('register / toItems / catchUp / unregister', () => {
    it('creates a webhook on the table for the trigger\'s change type, keeps Airtable\'s MAC secret, starts at cursor 1, deletes it', async () => {
      const r = await reg('AIRTABLE_TRIGGER_RECORD_UPDATED');
      const [hook] = at.hooksFor(BASE);
      expect(hook!.notificationUrl).toBe('https://ot.example/hooks/s/sub-1');
      expect(at.requests.at(-1)).toMatchObject({ method: 'POST', path: `/v0/bases/${BASE}/webhooks`, auth: 'Bearer valid-token' });
      expect(at.requests.at(-1)!.body).toEqual({ notificationUrl: 'https://ot.example/hooks/s/sub-1', specification: specification('updated', TABLE) });
      expect(hook!.specification.options).toEqual({
        filters: { dataTypes: ['tableData'], recordChangeScope: TABLE, changeTypes: ['update'] },
        includes: { includeCellValuesInFieldIds: 'all', includePreviousCellValues: true },
      });
      // Airtable chose the key; ours (ctx.secret) is not used.
      expect(r).toEqual({ state: { webhookId: hook!.id, baseId: BASE, tableId: TABLE, cursor: 1 }, secret: hook!.macSecretBase64 });
      expect(specification('created', TABLE)).toEqual({ options: { filters: { dataTypes: ['tableData'], recordChangeScope: TABLE, changeTypes: ['add'] } } });
      expect(specification('deleted', TABLE)).toMatchObject({ options: { filters: { changeTypes: ['remove'] } } });

      await source('AIRTABLE_TRIGGER_RECORD_UPDATED').unregister({ ...ctx(), state: r.state });
      expect(at.hooks.size).toBe(0);
      expect(at.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/v0/bases/${BASE}/webhooks/${hook!.id}` });
      // Already deleted: fine.
      await expect(source('AIRTABLE_TRIGGER_RECORD_UPDATED').unregister({ ...ctx(), state: r.state })).resolves.toBeUndefined();
    });

    it('a ping reads the payloads from the stored cursor: the items and the moved cursor; a re-read of the old cursor gives the same keys', async () => {
      const { state } = await reg('AIRTABLE_TRIGGER_RECORD_CREATED');
      const a = at.createRecord(BASE, TABLE, { fldName000000001: 'Alpha' });
      at.createRecord(BASE, OTHER_TABLE); // another table: not in this webhook's scope
      at.updateRecord(BASE, TABLE, a.recordId, { fldName000000001: 'Alpha 2' }); // not a creation: not in its changeTypes
      const b = at.createRecord(BASE, TABLE);
      const first = await items('AIRTABLE_TRIGGER_RECORD_CREATED', state);
      expect(first.items.map((i) => i.key)).toEqual([a.recordId, b.recordId]);
      expect(first.items[0]!.payload).toMatchObject({ recordId: a.recordId, baseId: BASE, tableId: TABLE, cellValuesByFieldId: { fldName000000001: 'Alpha' }, baseTransactionNumber: a.txn });
      expect(first.state).toEqual({ ...state, cursor: 3 });
      expect(at.requests.at(-1)).toMatchObject({ path: `/v0/bases/${BASE}/webhooks/${state.webhookId}/payloads`, query: { cursor: '1', limit: '50' } });
      // Nothing new since: nothing, cursor unchanged.
      expect(await items('AIRTABLE_TRIGGER_RECORD_CREATED', first.state)).toEqual({ items: [], state: first.state });
      // A concurrent or repeated read from the old cursor lists the same payloads with the same keys (deduplicated by the engine).
      expect((await source('AIRTABLE_TRIGGER_RECORD_CREATED').catchUp!({ ...ctx(), state })).items.map((i) => i.key)).toEqual([a.recordId, b.recordId]);
    });

    it('updated and deleted: one item per record and action, keyed with the transaction number', async () => {
      const upd = await reg('AIRTABLE_TRIGGER_RECORD_UPDATED');
      const del = await reg('AIRTABLE_TRIGGER_RECORD_DELETED');
      const u1 = at.updateRecord(BASE, TABLE, 'recKeep0000000001', { fldName000000001: 'B' }, { fldName000000001: 'A' });
      const u2 = at.updateRecord(BASE, TABLE, 'recKeep0000000001', { fldName000000001: 'C' }, { fldName000000001: 'B' });
      const d = at.deleteRecord(BASE, TABLE, 'recGone0000000001');
      const updated = await items('AIRTABLE_TRIGGER_RECORD_UPDATED', upd.state);
      expect(updated.items.map((i) => i.key)).toEqual([`recKeep0000000001:${u1.txn}`, `recKeep0000000001:${u2.txn}`]);
      expect(updated.items[1]!.payload).toMatchObject({ current: { cellValuesByFieldId: { fldName000000001: 'C' } }, previous: { cellValuesByFieldId: { fldName000000001: 'B' } } });
      const deleted = await items('AIRTABLE_TRIGGER_RECORD_DELETED', del.state);
      expect(deleted.items.map((i) => [i.key, (i.payload as { recordId: string }).recordId])).toEqual([[`recGone0000000001:${d.txn}`, 'recGone0000000001']]);
    });

    it('follows mightHaveMore across pages of 50', async () => {
      const { state } = await reg('AIRTABLE_TRIGGER_RECORD_CREATED');
      const ids = Array.from({ length: 120 }, () => at.createRecord(BASE, TABLE).recordId);
      const r = await items('AIRTABLE_TRIGGER_RECORD_CREATED', state);
      expect(r.items.map((i) => i.key)).toEqual(ids);
      expect(r.state.cursor).toBe(121);
      expect(at.requests.filter((q) => q.path.endsWith('/payloads')).map((q) => q.query.cursor)).toEqual(['1', '51', '101']);
      // The paging helper stops when the cursor does not move even if Airtable says there might be more.
      expect((await readPayloads(http, BASE, String(state.webhookId), 121)).cursor).toBe(121);
    });

    it('ignores a ping naming another webhook (signed with this subscription\'s key)', async () => {
      const { state } = await reg('AIRTABLE_TRIGGER_RECORD_CREATED');
      at.createRecord(BASE, TABLE);
      const r = await source('AIRTABLE_TRIGGER_RECORD_CREATED').toItems(inbound({ ...notification, webhook: { id: 'achSomeoneElse001' } }), { ...ctx(), state });
      expect(r).toEqual([]);
      expect(at.requests.some((q) => q.path.endsWith('/payloads'))).toBe(false);
    });
  });

  describe('errors', () => {
    it('maps Airtable answers: 404/403 → permanent naming the base or table, the per-base webhook limit → permanent with Airtable\'s type, 429 → rate_limited 30 s, 5xx → transient', async () => {
      const missing = await reg('AIRTABLE_TRIGGER_RECORD_CREATED', { baseId: 'appNoSuchBase0001', tableId: TABLE }).catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(ProviderError);
      expect(missing).toMatchObject({ kind: 'permanent', status: 404, message: expect.stringContaining('the base or table does not exist, or the connected account has not granted') });
      const badTable = await reg('AIRTABLE_TRIGGER_RECORD_CREATED', { baseId: BASE, tableId: 'tblNoSuchTable001' }).catch((e: unknown) => e);
      expect(badTable).toMatchObject({ kind: 'permanent', status: 422, message: expect.stringContaining('INVALID_FILTERS') });

      await reg('AIRTABLE_TRIGGER_RECORD_CREATED');
      await reg('AIRTABLE_TRIGGER_RECORD_UPDATED');
      const third = await reg('AIRTABLE_TRIGGER_RECORD_DELETED').catch((e: unknown) => e);
      expect(third).toMatchObject({ kind: 'permanent', status: 422, message: expect.stringContaining('TOO_MANY_WEBHOOKS_BY_OAUTH_INTEGRATION_IN_BASE') });

      at.hooks.clear();
      at.failNext(1, 429, { errors: [{ error: 'RATE_LIMIT_REACHED', message: 'Rate limit exceeded. Please try again later' }] });
      expect(await reg('AIRTABLE_TRIGGER_RECORD_CREATED').catch((e: unknown) => e)).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 30_000 });
      at.failNext(1, 503);
      expect(await reg('AIRTABLE_TRIGGER_RECORD_CREATED').catch((e: unknown) => e)).toMatchObject({ kind: 'transient', status: 503 });
      // The errors carry Airtable's text, never the token.
      for (const e of [missing, badTable, third]) expect(String((e as Error).message)).not.toContain('valid-token');
      // 401 is left to the engine (refresh, then mark the credential).
      at.validTokens.clear();
      expect(await reg('AIRTABLE_TRIGGER_RECORD_CREATED').catch((e: unknown) => e)).toMatchObject({ kind: 'auth', status: 401 });
    });

    it('a ping for a webhook Airtable no longer has fails (the hourly check re-creates it)', async () => {
      const { state } = await reg('AIRTABLE_TRIGGER_RECORD_CREATED');
      at.hooks.clear();
      expect(await items('AIRTABLE_TRIGGER_RECORD_CREATED', state).catch((e: unknown) => e)).toMatchObject({ kind: 'permanent', status: 404 });
    });
  });

  describe('hourly check', () => {
    it('active; gone when deleted; inactive when Airtable disabled it; refreshes one expiring within three days', async () => {
      const { state } = await reg('AIRTABLE_TRIGGER_RECORD_CREATED');
      const check = () => source('AIRTABLE_TRIGGER_RECORD_CREATED').check!({ ...ctx(), state });
      const hook = at.hooks.get(String(state.webhookId))!;
      expect(await check()).toBe('active');
      expect(at.requests.at(-1)).toMatchObject({ method: 'GET', path: `/v0/bases/${BASE}/webhooks` });

      hook.expirationTime = Date.now() + REFRESH_WITHIN_MS - DAY;
      expect(await check()).toBe('active');
      expect(at.requests.at(-1)).toMatchObject({ method: 'POST', path: `/v0/bases/${BASE}/webhooks/${hook.id}/refresh` });
      expect(hook.expirationTime).toBeGreaterThan(Date.now() + 6 * DAY);

      // Notifications off (Airtable stops pinging after failures): still active, the backstop sync reads the payloads.
      hook.areNotificationsEnabled = false;
      expect(await check()).toBe('active');

      hook.isHookEnabled = false;
      expect(await check()).toBe('inactive');
      at.hooks.clear();
      expect(await check()).toBe('gone');
      expect(await source('AIRTABLE_TRIGGER_RECORD_CREATED').check!({ ...ctx(), state: {} })).toBe('gone');
    });
  });
});
