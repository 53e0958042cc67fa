// Smartsheet triggers at the source level, against the fake Smartsheet over real HTTP: registration (create, then
// enable, which sends the verification challenge to a hook URL answering with the integration's own handshake),
// removal and the hourly check, the signature scheme against an independently computed vector, the challenge
// handshake, Smartsheet's error answers, and the mapping of skinny callbacks to rows, items and keys.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { validateParameters } from '../../src/engine/parameters.js';
import { smartsheetError } from '../../src/integrations/smartsheet/api.js';
import callback from '../../src/integrations/smartsheet/fixtures/callback.json' with { type: 'json' };
import challengeBody from '../../src/integrations/smartsheet/fixtures/challenge.json' with { type: 'json' };
import row from '../../src/integrations/smartsheet/fixtures/row.json' with { type: 'json' };
import statusChange from '../../src/integrations/smartsheet/fixtures/status-change.json' with { type: 'json' };
import { smartsheetIntegration } from '../../src/integrations/smartsheet/integration.js';
import { SMARTSHEET_HANDSHAKES, SMARTSHEET_SIGNATURE, rowIdsFor } from '../../src/integrations/smartsheet/webhooks.js';
import { ProviderError, detectHandshake, signRequest, verifyRequest, type HttpClient, type InboundRequest, type WebhookSource } from '../../src/sdk/index.js';
import { startFakeSmartsheet, type FakeSmartsheet } from '../providers/smartsheet.js';

const silent = { debug() {}, info() {}, warn() {} };
const TYPES = ['SMARTSHEET_TRIGGER_ROW_CREATED', 'SMARTSHEET_TRIGGER_ROW_UPDATED', 'SMARTSHEET_TRIGGER_ROW_DELETED'];
const SHEET = 3285357287499652;
const CREATED = 3987537850460036;
const UPDATED = 6141831453927300;
const DELETED = 1123834829694852;

function source(type: string): WebhookSource {
  const t = smartsheetIntegration.triggers.find((x) => x.type === type);
  if (!t || t.source.kind !== 'webhook') throw new Error(`no webhook trigger ${type}`);
  return t.source as WebhookSource;
}

function inbound(body: unknown, headers: Record<string, string> = {}): InboundRequest {
  const rawBody = Buffer.from(JSON.stringify(body));
  return { method: 'POST', url: '/hooks/s/x', headers, rawBody, body: JSON.parse(rawBody.toString('utf8')) };
}

/** A hook URL that answers Smartsheet's challenge with the integration's declared handshake (or, `mute`, does not). */
async function startHookUrl(): Promise<{ url: string; mute: boolean; close(): Promise<void> }> {
  const state = { mute: false };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = state.mute ? null : detectHandshake(SMARTSHEET_HANDSHAKES, { method: 'POST', url: req.url ?? '/', headers: {}, rawBody: Buffer.concat(chunks) }, 'beforeVerification');
      res.writeHead(answer?.status ?? 200, answer?.headers ?? { 'content-type': 'application/json' });
      res.end(answer?.body ?? '{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return Object.assign(state, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/s/sub-1`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  });
}

describe('smartsheet', () => {
  let ss: FakeSmartsheet;
  let hook: Awaited<ReturnType<typeof startHookUrl>>;
  let http: HttpClient;
  const ctx = (params: Record<string, unknown> = { sheetId: String(SHEET) }, state: Record<string, unknown> = {}) => ({
    http, params, state, credential: { id: 'cred-1', providerAccountId: '48569348493401', extra: {} }, log: silent, signal: AbortSignal.timeout(10_000), now: Date.now,
  });
  const reg = (type = TYPES[0]!, params: Record<string, unknown> = { sheetId: String(SHEET) }) => source(type).register({ ...ctx(params), hookUrl: hook.url, secret: 'f'.repeat(64) });

  beforeEach(async () => {
    ss = await startFakeSmartsheet();
    ss.validTokens.add('valid-token');
    ss.sheets.set(SHEET, new Map([[CREATED, { ...row }], [UPDATED, { ...row, id: UPDATED, rowNumber: 2, modifiedAt: '2022-06-27T21:34:23Z' }]]));
    hook = await startHookUrl();
    http = createProviderHttp({ integration: smartsheetIntegration, apiBaseUrl: ss.url, auth: { canRefresh: false, headers: async () => ({ authorization: 'Bearer valid-token' }) } });
  });
  afterEach(async () => {
    await hook.close();
    await ss.close();
  });

  it('declares the triggers, OAuth 2 with READ_SHEETS and ADMIN_WEBHOOKS, and the API base', () => {
    expect(smartsheetIntegration.key).toBe('smartsheet');
    expect(smartsheetIntegration.triggers.map((t) => t.type)).toEqual(TYPES);
    expect(smartsheetIntegration.auth).toMatchObject({
      kind: 'oauth2', authorizationUrl: 'https://app.smartsheet.com/b/authorize', tokenUrl: 'https://api.smartsheet.com/2.0/token',
      scopes: ['READ_SHEETS', 'ADMIN_WEBHOOKS'], pkce: false,
    });
    expect(smartsheetIntegration.apiBaseUrl).toBe('https://api.smartsheet.com/2.0');
    for (const type of TYPES) expect(source(type)).toMatchObject({ verification: SMARTSHEET_SIGNATURE, handshakes: SMARTSHEET_HANDSHAKES });
  });

  it('validates sheetId', () => {
    const params = smartsheetIntegration.triggers[0]!.parameters;
    expect(validateParameters(params, { sheetId: '3285357287499652' })).toEqual({ sheetId: '3285357287499652' });
    for (const bad of ['abc', '', '99999999999999999', 3285357287499652]) expect(() => validateParameters(params, { sheetId: bad })).toThrow(/sheetId/);
    expect(() => validateParameters(params, {})).toThrow(/sheetId/);
  });

  it('verifies Smartsheet-Hmac-SHA256 (hex HMAC-SHA256 of the raw body with the sharedSecret)', () => {
    const body = JSON.stringify(callback);
    const signature = createHmac('sha256', '289c4s9hnfp4b368x4p4wu9gea').update(body).digest('hex');
    const req = { method: 'POST', url: '/hooks/s/x', headers: { 'smartsheet-hmac-sha256': signature }, rawBody: Buffer.from(body) };
    expect(verifyRequest(SMARTSHEET_SIGNATURE, req, { secret: '289c4s9hnfp4b368x4p4wu9gea' }, Date.now())).toEqual({ ok: true });
    expect(signRequest(SMARTSHEET_SIGNATURE, req, { secret: '289c4s9hnfp4b368x4p4wu9gea' }, Date.now())).toEqual({ 'smartsheet-hmac-sha256': signature });
    expect(verifyRequest(SMARTSHEET_SIGNATURE, req, { secret: 'another' }, Date.now())).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(verifyRequest(SMARTSHEET_SIGNATURE, { ...req, rawBody: Buffer.from(body.replace('created', 'deleted')) }, { secret: '289c4s9hnfp4b368x4p4wu9gea' }, Date.now()).ok).toBe(false);
    expect(verifyRequest(SMARTSHEET_SIGNATURE, { ...req, headers: {} }, { secret: '289c4s9hnfp4b368x4p4wu9gea' }, Date.now())).toMatchObject({ ok: false, reason: 'missing_signature' });
  });

  it('answers the verification challenge with smartsheetHookResponse, and nothing else', () => {
    const probe = { method: 'POST', url: '/', headers: { 'smartsheet-hook-challenge': challengeBody.challenge }, rawBody: Buffer.from(JSON.stringify(challengeBody)) };
    expect(detectHandshake(SMARTSHEET_HANDSHAKES, probe, 'beforeVerification')).toMatchObject({
      status: 200, body: JSON.stringify({ smartsheetHookResponse: 'd78dd1d3-01ce-4481-81de-92b4f3aa5ab1' }),
    });
    for (const body of [callback, statusChange]) {
      expect(detectHandshake(SMARTSHEET_HANDSHAKES, { ...probe, rawBody: Buffer.from(JSON.stringify(body)) })).toBeNull();
    }
  });

  it('registers: creates the sheet webhook, enables it (challenge answered), keeps the sharedSecret; unregister deletes it', async () => {
    const r = await reg();
    const [created] = [...ss.hooks.values()];
    expect(created).toMatchObject({ scope: 'sheet', scopeObjectId: SHEET, events: ['*.*'], version: 1, callbackUrl: hook.url, enabled: true, status: 'ENABLED' });
    expect(r).toEqual({ state: { webhookId: String(created!.id), sheetId: String(SHEET) }, secret: created!.sharedSecret });
    expect(ss.challenges).toEqual([expect.objectContaining({ webhookId: created!.id, status: 200, echoed: true })]);
    expect(ss.requests.map((q) => `${q.method} ${q.path}`)).toEqual(['POST /webhooks', `PUT /webhooks/${created!.id}`]);
    expect(ss.requests[1]!.body).toEqual({ enabled: true });

    expect(await source(TYPES[0]!).check!(ctx(undefined, r.state))).toBe('active');
    await source(TYPES[0]!).unregister(ctx(undefined, r.state));
    expect(ss.hooks.size).toBe(0);
    // Already gone: nothing to do.
    await source(TYPES[0]!).unregister(ctx(undefined, r.state));
    expect(await source(TYPES[0]!).check!(ctx(undefined, r.state))).toBe('gone');
  });

  it('check reports a webhook Smartsheet disabled as inactive', async () => {
    const r = await reg();
    const id = Number(r.state.webhookId);
    ss.hooks.get(id)!.enabled = false;
    ss.hooks.get(id)!.status = 'DISABLED_TOO_MANY_FAILED_ATTEMPTS';
    expect(await source(TYPES[0]!).check!(ctx(undefined, r.state))).toBe('inactive');
  });

  it('a URL that does not answer the challenge: the webhook is deleted again and registration fails (permanent)', async () => {
    hook.mute = true;
    const err = await reg().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'permanent', message: expect.stringContaining('DISABLED_VERIFICATION_FAILED') });
    expect(ss.hooks.size).toBe(0);
    expect(ss.deletedHooks).toHaveLength(1);
  });

  it('maps Smartsheet errors at registration: 429/4003 rate_limited, 401 auth, 5xx transient, others permanent with the message', async () => {
    ss.rateLimitNext();
    await expect(reg()).rejects.toMatchObject({ kind: 'rate_limited', status: 429, message: expect.stringContaining('Rate limit exceeded.') });
    ss.failNext(1, 503);
    await expect(reg()).rejects.toMatchObject({ kind: 'transient', status: 503 });
    ss.failNext(1, 403, { errorCode: 1004, message: 'You are not authorized to perform this action.' });
    await expect(reg()).rejects.toMatchObject({ kind: 'permanent', status: 403, message: expect.stringContaining('(errorCode 1004): You are not authorized') });
    await expect(reg(TYPES[0], { sheetId: '111' })).rejects.toMatchObject({ kind: 'permanent', status: 404, message: expect.stringContaining('Not Found') });
    ss.validTokens.clear();
    await expect(reg()).rejects.toMatchObject({ kind: 'auth', status: 401 });
    expect(ss.hooks.size).toBe(0);
    // smartsheetError on its own, including a 4003 under another status, and no secrets echoed.
    expect(smartsheetError({ status: 400, headers: {}, body: { errorCode: 4003, message: 'Rate limit exceeded.' } }, 'GET /x')).toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000 });
    expect(smartsheetError({ status: 429, headers: { 'retry-after': '5' }, body: {} }, 'GET /x')).toMatchObject({ kind: 'rate_limited', retryAfterMs: 5000 });
    expect(smartsheetError({ status: 401, headers: {}, body: { errorCode: 1002 } }, 'GET /x').kind).toBe('auth');
    expect(smartsheetError({ status: 502, headers: {}, body: null }, 'GET /x').kind).toBe('transient');
  });

  it('rowIdsFor: created, updated (cell and row events, not rows created or deleted in the same callback), deleted', () => {
    expect(rowIdsFor('created', callback)).toEqual([String(CREATED)]);
    expect(rowIdsFor('updated', callback)).toEqual([String(UPDATED)]);
    expect(rowIdsFor('deleted', callback)).toEqual([String(DELETED)]);
    expect(rowIdsFor('updated', { events: [{ objectType: 'cell', eventType: 'updated', rowId: 5 }, { objectType: 'cell', eventType: 'updated', rowId: 5 }] })).toEqual(['5']);
    expect(rowIdsFor('created', { events: 'nope' })).toEqual([]);
  });

  it('maps a callback to rows read from Smartsheet with stable keys; status changes and other webhooks give nothing', async () => {
    const state = { webhookId: String(callback.webhookId), sheetId: String(SHEET) };
    const created = await source(TYPES[0]!).toItems(inbound(callback), ctx(undefined, state));
    expect(created).toEqual([{ key: String(CREATED), payload: row, occurredAt: Date.parse(row.createdAt) }]);
    const updated = await source(TYPES[1]!).toItems(inbound(callback), ctx(undefined, state));
    expect(updated).toEqual([{ key: `${UPDATED}:2022-06-27T21:34:23Z`, payload: expect.objectContaining({ id: UPDATED }), occurredAt: Date.parse('2022-06-27T21:34:23Z') }]);
    const deleted = await source(TYPES[2]!).toItems(inbound(callback), ctx(undefined, state));
    expect(deleted).toEqual([{ key: String(DELETED), payload: { id: DELETED, sheetId: SHEET, eventType: 'deleted', userId: 789168465962884, timestamp: '2022-06-27T21:34:23.000+00:00' }, occurredAt: Date.parse('2022-06-27T21:34:23.000+00:00') }]);
    // Smartsheet's retry of the same callback: the same keys.
    expect(await source(TYPES[0]!).toItems(inbound(callback), ctx(undefined, state))).toEqual(created);
    // A later change of the row is another version.
    ss.sheets.get(SHEET)!.get(UPDATED)!.modifiedAt = '2022-06-27T21:40:00Z';
    expect((await source(TYPES[1]!).toItems(inbound(callback), ctx(undefined, state)) as Array<{ key: string }>)[0]!.key).toBe(`${UPDATED}:2022-06-27T21:40:00Z`);
    // A row deleted before it is read: skipped.
    ss.sheets.get(SHEET)!.delete(CREATED);
    expect(await source(TYPES[0]!).toItems(inbound(callback), ctx(undefined, state))).toEqual([]);
    expect(await source(TYPES[0]!).toItems(inbound(statusChange), ctx(undefined, state))).toEqual([]);
    expect(await source(TYPES[2]!).toItems(inbound(callback), ctx(undefined, { ...state, webhookId: '42' }))).toEqual([]);
    expect(source(TYPES[0]!).deliveryId!(inbound(callback))).toBe(callback.nonce);
  });

  it('a rate limit while reading a row fails the mapping as rate_limited (Smartsheet retries the callback)', async () => {
    ss.rateLimitNext();
    await expect(source(TYPES[0]!).toItems(inbound(callback), ctx(undefined, { webhookId: String(callback.webhookId), sheetId: String(SHEET) })))
      .rejects.toMatchObject({ kind: 'rate_limited' });
  });
});
