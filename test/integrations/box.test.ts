// Box triggers at the source level: the signature scheme against Box's published SDK vector and the fake's
// deliveries, parameter checks, registration, removal and the hourly check against the fake Box over real
// HTTP, and the mapping of webhook events to items.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { validateParameters } from '../../src/engine/parameters.js';
import { boxIntegration } from '../../src/integrations/box/integration.js';
import { BOX_SIGNATURE } from '../../src/integrations/box/webhooks.js';
import commentCreated from '../../src/integrations/box/fixtures/comment-created.json' with { type: 'json' };
import fileTrashed from '../../src/integrations/box/fixtures/file-trashed.json' with { type: 'json' };
import fileUploaded from '../../src/integrations/box/fixtures/file-uploaded.json' with { type: 'json' };
import { verifyRequest, type HttpClient, type InboundRequest, type WebhookSource } from '../../src/sdk/index.js';
import { boxSignature, boxTimestamp, startFakeBox, type FakeBox } from '../providers/box.js';

const logged: Array<{ msg: string; data?: Record<string, unknown> }> = [];
const log = { debug() {}, info(msg: string, data?: Record<string, unknown>) { logged.push({ msg, ...(data ? { data } : {}) }); }, warn() {} };

function source(type: string): WebhookSource {
  const t = boxIntegration.triggers.find((x) => x.type === type);
  if (!t || t.source.kind !== 'webhook') throw new Error(`no webhook trigger ${type}`);
  return t.source;
}

function inbound(body: unknown, headers: Record<string, string> = {}): InboundRequest {
  const rawBody = Buffer.from(JSON.stringify(body));
  return { method: 'POST', url: '/hooks/s/x', headers, rawBody, body: JSON.parse(rawBody.toString('utf8')) };
}

const FOLDER = '8290188973';

describe('box', () => {
  let box: FakeBox;
  let http: HttpClient;
  const ctx = (params: Record<string, unknown> = { folderId: FOLDER }) => ({
    http, params, credential: { id: 'cred-1', providerAccountId: box.userId, extra: {} }, log, signal: AbortSignal.timeout(10_000), now: Date.now,
  });
  const register = (type: string, opts: { folderId?: string; hookUrl?: string } = {}) =>
    source(type).register({ ...ctx({ folderId: opts.folderId ?? FOLDER }), hookUrl: opts.hookUrl ?? 'https://ot.example/hooks/s/sub-1', secret: 'f'.repeat(64) });

  beforeEach(async () => {
    logged.length = 0;
    box = await startFakeBox();
    box.validTokens.add('valid-token');
    http = createProviderHttp({ integration: boxIntegration, apiBaseUrl: box.apiUrl, auth: { canRefresh: false, headers: async () => ({ authorization: 'Bearer valid-token' }) } });
  });
  afterEach(async () => {
    await box.close();
  });

  it('declares its trigger types, OAuth without PKCE with the client secret in the body, and the API base', () => {
    expect(boxIntegration.key).toBe('box');
    expect(boxIntegration.triggers.map((t) => t.type)).toEqual([
      'BOX_TRIGGER_FILE_UPLOADED', 'BOX_TRIGGER_FILE_TRASHED', 'BOX_TRIGGER_FILE_DELETED', 'BOX_TRIGGER_FOLDER_CREATED', 'BOX_TRIGGER_COMMENT_CREATED',
    ]);
    expect(boxIntegration.auth).toEqual({
      kind: 'oauth2', authorizationUrl: 'https://account.box.com/api/oauth2/authorize', tokenUrl: 'https://api.box.com/oauth2/token',
      scopes: ['root_readonly', 'manage_webhook'], scopeSeparator: ' ', pkce: false, clientAuth: 'body',
    });
    expect(boxIntegration.apiBaseUrl).toBe('https://api.box.com/2.0');
    for (const t of boxIntegration.triggers) {
      expect(t.parameters.map((p) => [p.id, p.required])).toEqual([['folderId', true]]);
      expect(t.source.kind === 'webhook' && t.source.redeliveryDays).toBeFalsy(); // Box's retry span is not documented
    }
  });

  it('identifies the connected user with GET /users/me', async () => {
    expect(await boxIntegration.accountId!({ http, token: { accessToken: 'valid-token' } })).toEqual({ providerAccountId: box.userId });
    expect(box.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /2.0/users/me']);
  });

  describe('signature', () => {
    it("our fake signs like Box: it reproduces the Box SDK's published test vector", () => {
      // box/box-node-sdk, validateMessage tests: body signed at 2020-01-01T00:00:00-07:00 with 'SamplePrimaryKey'.
      const body = '{"type":"webhook_event","webhook":{"id":"1234567890"},"trigger":"FILE.UPLOADED","source":{"id":"1234567890","type":"file","name":"Test.txt"}}';
      expect(boxSignature('SamplePrimaryKey', body, '2020-01-01T00:00:00-07:00')).toBe('6TfeAW3A1PASkgboxxA5yqHNKOwFyMWuEXny/FPD5hI=');
      expect(boxSignature('SampleSecondaryKey', body, '2020-01-01T00:00:00-07:00')).toBe('v+1CD1Jdo3muIcbpv5lxxgPglOqMfsNHPV899xWYydo=');
      expect(boxTimestamp(Date.parse('2020-01-01T07:00:00Z'), -420)).toBe('2020-01-01T00:00:00-07:00');
    });

    const at = Date.parse('2026-12-07T18:00:00Z');
    const request = (body: string, headers: Record<string, string>) => ({ method: 'POST', url: '/hooks/s/x', headers, rawBody: Buffer.from(body) });
    const signedAt = (sentAt: number, keys = { primary: 'P-key', secondary: 'S-key' }, body = JSON.stringify(fileUploaded)) => {
      const timestamp = boxTimestamp(sentAt);
      return request(body, {
        'box-delivery-timestamp': timestamp,
        'box-signature-primary': boxSignature(keys.primary, body, timestamp),
        'box-signature-secondary': boxSignature(keys.secondary, body, timestamp),
      });
    };

    it('accepts a delivery with the primary or the secondary key as the secret, and nothing else', () => {
      expect(verifyRequest(BOX_SIGNATURE, signedAt(at), { secret: 'P-key' }, at)).toEqual({ ok: true });
      expect(verifyRequest(BOX_SIGNATURE, signedAt(at), { secret: 'S-key' }, at)).toEqual({ ok: true });
      expect(verifyRequest(BOX_SIGNATURE, signedAt(at), { secret: 'other-key' }, at)).toMatchObject({ ok: false, reason: 'bad_signature' });
      // Key rotation at Box: the secondary was reset, the primary still signs.
      expect(verifyRequest(BOX_SIGNATURE, signedAt(at, { primary: 'P-key', secondary: 'new-S' }), { secret: 'P-key' }, at)).toEqual({ ok: true });
    });

    it('refuses a tampered body, a stale or future timestamp, and a request without signatures', () => {
      const good = signedAt(at);
      expect(verifyRequest(BOX_SIGNATURE, { ...good, rawBody: Buffer.from(JSON.stringify({ ...fileUploaded, trigger: 'FILE.DELETED' })) }, { secret: 'P-key' }, at))
        .toMatchObject({ ok: false, reason: 'bad_signature' });
      // Box's SDKs refuse messages older than 10 minutes.
      expect(verifyRequest(BOX_SIGNATURE, signedAt(at - 599_000), { secret: 'P-key' }, at)).toEqual({ ok: true });
      expect(verifyRequest(BOX_SIGNATURE, signedAt(at - 601_000), { secret: 'P-key' }, at)).toMatchObject({ ok: false, reason: 'stale_timestamp' });
      expect(verifyRequest(BOX_SIGNATURE, signedAt(at + 601_000), { secret: 'P-key' }, at)).toMatchObject({ ok: false, reason: 'stale_timestamp' });
      expect(verifyRequest(BOX_SIGNATURE, request('{}', { 'box-delivery-timestamp': boxTimestamp(at) }), { secret: 'P-key' }, at))
        .toMatchObject({ ok: false, reason: 'missing_signature' });
      const unixTime = { ...good.headers, 'box-delivery-timestamp': String(Math.floor(at / 1000)) };
      expect(verifyRequest(BOX_SIGNATURE, { ...good, headers: unixTime }, { secret: 'P-key' }, at)).toMatchObject({ ok: false, reason: 'malformed' });
    });
  });

  describe('parameters', () => {
    const params = boxIntegration.triggers[0]!.parameters;
    it('takes a folder id of digits and refuses the root folder, other text, numbers and a missing id, naming folderId', () => {
      expect(validateParameters(params, { folderId: '8290188973' })).toEqual({ folderId: '8290188973' });
      expect(() => validateParameters(params, { folderId: '0' })).toThrow(/parameters\.folderId: Box does not allow webhooks on the root folder \(0\)/);
      expect(() => validateParameters(params, { folderId: '000' })).toThrow(/root folder/);
      expect(() => validateParameters(params, { folderId: 'https://app.box.com/folder/123' })).toThrow(/parameters\.folderId: must be a Box folder ID: digits only/);
      expect(() => validateParameters(params, { folderId: ' 123' })).toThrow(/parameters\.folderId: must be a Box folder ID/);
      expect(() => validateParameters(params, { folderId: 123 })).toThrow(/parameters\.folderId: must be a string/);
      expect(() => validateParameters(params, {})).toThrow(/parameters\.folderId: is required/);
    });
  });

  describe('register / unregister / check', () => {
    it("creates one webhook on the folder for the trigger's Box trigger, verified with the app key, and deletes it", async () => {
      const reg = await register('BOX_TRIGGER_FILE_UPLOADED');
      const [hook] = [...box.hooks.values()];
      expect(hook).toMatchObject({ target: { id: FOLDER, type: 'folder' }, address: 'https://ot.example/hooks/s/sub-1', triggers: ['FILE.UPLOADED'] });
      expect(reg).toEqual({ state: { webhookId: hook!.id, folderId: FOLDER, address: 'https://ot.example/hooks/s/sub-1' } });
      expect(box.requests.map((r) => [`${r.method} ${r.path}`, r.auth])).toEqual([['POST /2.0/webhooks', 'Bearer valid-token']]);
      expect(box.requests[0]!.body).toEqual({ target: { id: FOLDER, type: 'folder' }, address: 'https://ot.example/hooks/s/sub-1', triggers: ['FILE.UPLOADED'] });

      await source('BOX_TRIGGER_FILE_UPLOADED').unregister({ ...ctx(), state: reg.state });
      expect(box.hooks.size).toBe(0);
      expect(box.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/2.0/webhooks/${hook!.id}` });
      // Already gone (Box deletes webhooks itself): fine.
      await source('BOX_TRIGGER_FILE_UPLOADED').unregister({ ...ctx(), state: reg.state });
      // A state without a webhook id calls nothing.
      const before = box.requests.length;
      await source('BOX_TRIGGER_FILE_UPLOADED').unregister({ ...ctx(), state: { webhookId: '../users/me' } });
      expect(box.requests.length).toBe(before);
    });

    it("declares that Box signs with the app's signature key alone", () => {
      expect(source('BOX_TRIGGER_FOLDER_CREATED').appSigningKey).toMatchObject({ required: true, description: expect.stringContaining('Manage signature keys') });
    });

    it("reports Box's refusals: an unknown folder, a missing scope, a bad address, rate limits and outages", async () => {
      await expect(register('BOX_TRIGGER_FILE_UPLOADED', { folderId: '999' })).rejects.toMatchObject({
        kind: 'permanent', status: 404, message: expect.stringContaining('folder 999 does not exist, or the connected Box user cannot see it'),
      });
      box.manageWebhooks = false;
      await expect(register('BOX_TRIGGER_FILE_UPLOADED')).rejects.toMatchObject({ kind: 'permanent', status: 403, message: expect.stringContaining('manage_webhook') });
      box.manageWebhooks = true;
      await expect(register('BOX_TRIGGER_FILE_UPLOADED', { hookUrl: 'ftp://nowhere' })).rejects.toMatchObject({
        kind: 'permanent', status: 400, message: expect.stringContaining("address: Invalid value for 'address'"),
      });
      box.rateLimitNext(42);
      await expect(register('BOX_TRIGGER_FILE_UPLOADED')).rejects.toMatchObject({ kind: 'rate_limited', retryAfterMs: 42_000 });
      box.failNext(1, 503);
      await expect(register('BOX_TRIGGER_FILE_UPLOADED')).rejects.toMatchObject({ kind: 'transient' });
      expect(box.hooks.size).toBe(0);
    });

    it('explains the one-webhook-per-folder rule when the folder already has one, and adopts its own', async () => {
      await register('BOX_TRIGGER_FILE_UPLOADED', { hookUrl: 'https://ot.example/hooks/s/sub-1' });
      const first = [...box.hooks.values()][0]!;
      // Another subscription of ours, another trigger on the same folder: Box refuses whatever the address.
      const err = await register('BOX_TRIGGER_FILE_TRASHED', { hookUrl: 'https://ot.example/hooks/s/sub-2' }).catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: 'permanent', status: 409 });
      expect((err as Error).message).toContain(`Box allows one webhook per folder for each app and user`);
      expect((err as Error).message).toContain(`folder ${FOLDER} already has one: webhook ${first.id} for FILE.UPLOADED, for another trigger subscription of this service`);
      expect((err as Error).message).not.toContain('ot.example'); // addresses are not shown
      // Someone else's webhook (same app and user, another address).
      box.hooks.set(first.id, { ...first, address: 'https://elsewhere.example/box?token=abc' });
      const other = (await register('BOX_TRIGGER_FILE_TRASHED', { hookUrl: 'https://ot.example/hooks/s/sub-2' }).catch((e: unknown) => e)) as Error;
      expect(other.message).toContain('sending to another address — delete it in Box if it is no longer used');
      expect(other.message).not.toContain('token=abc');
      // Our own URL (an earlier attempt whose answer was lost): adopted, not duplicated.
      box.hooks.set(first.id, { ...first, address: 'https://ot.example/hooks/s/sub-1' });
      const again = await register('BOX_TRIGGER_FILE_UPLOADED', { hookUrl: 'https://ot.example/hooks/s/sub-1' });
      expect(again.state).toEqual({ webhookId: first.id, folderId: FOLDER, address: 'https://ot.example/hooks/s/sub-1' });
      expect(box.hooks.size).toBe(1);
    });

    it('checks the webhook: active, gone once Box deleted it, inactive once edited elsewhere', async () => {
      const s = source('BOX_TRIGGER_COMMENT_CREATED');
      const reg = await register('BOX_TRIGGER_COMMENT_CREATED');
      const c = { ...ctx(), state: reg.state };
      expect(await s.check!(c)).toBe('active');
      const hook = box.hooks.get(String(reg.state.webhookId))!;
      box.hooks.set(hook.id, { ...hook, triggers: ['COMMENT.DELETED'] });
      expect(await s.check!(c)).toBe('inactive');
      box.hooks.set(hook.id, { ...hook, address: 'https://elsewhere.example/hook' });
      expect(await s.check!(c)).toBe('inactive');
      box.hooks.delete(hook.id);
      expect(await s.check!(c)).toBe('gone');
      expect(await s.check!({ ...c, state: {} })).toBe('gone');
      box.rateLimitNext(5);
      await expect(s.check!(c)).rejects.toMatchObject({ kind: 'rate_limited' });
    });
  });

  describe('toItems', () => {
    const state = { webhookId: '53', folderId: FOLDER, address: 'https://ot.example/hooks/s/sub-1' };
    const c = () => ({ ...ctx(), state });

    it("delivers Box's webhook event keyed by its event id, only for the trigger and the subscription's webhook", async () => {
      const uploaded = source('BOX_TRIGGER_FILE_UPLOADED');
      expect(await uploaded.toItems(inbound(fileUploaded), c())).toEqual([
        { key: fileUploaded.id, payload: fileUploaded, occurredAt: Date.parse(fileUploaded.created_at) },
      ]);
      expect(await uploaded.toItems(inbound(fileTrashed), c())).toEqual([]);
      expect(await source('BOX_TRIGGER_FILE_TRASHED').toItems(inbound(fileTrashed), c())).toMatchObject([{ key: fileTrashed.id }]);
      expect(await source('BOX_TRIGGER_COMMENT_CREATED').toItems(inbound(commentCreated), c())).toMatchObject([{ key: commentCreated.id, payload: { source: { type: 'comment' } } }]);
      // Another webhook's event (same app keys, replayed to this URL), and bodies that are not webhook events.
      expect(await uploaded.toItems(inbound({ ...fileUploaded, webhook: { id: '54', type: 'webhook' } }), c())).toEqual([]);
      expect(await uploaded.toItems(inbound({ ...fileUploaded, type: 'event' }), c())).toEqual([]);
      expect(await uploaded.toItems(inbound({ ...fileUploaded, id: '' }), c())).toEqual([]);
      expect(await uploaded.toItems(inbound({ ...fileUploaded, created_at: 'yesterday' }), c())).toEqual([{ key: fileUploaded.id, payload: { ...fileUploaded, created_at: 'yesterday' } }]);
    });

    it("logs Box's WEBHOOK.DELETED notice and delivers nothing; the delivery id is Box's header", async () => {
      const uploaded = source('BOX_TRIGGER_FILE_UPLOADED');
      const deleted = { type: 'webhook_event', id: 'e-del', created_at: '2026-12-07T10:00:00-08:00', trigger: 'WEBHOOK.DELETED', webhook: { id: '53', type: 'webhook' }, additional_info: { reason: 'auto_cleanup' } };
      expect(await uploaded.toItems(inbound(deleted), c())).toEqual([]);
      expect(logged).toEqual([{ msg: expect.stringContaining('Box says it deleted this webhook'), data: { reason: '{"reason":"auto_cleanup"}' } }]);
      expect(uploaded.deliveryId!(inbound(fileUploaded, { 'box-delivery-id': '673a081b-bb4b-4d45-b4f1-4131a29c1d07' }))).toBe('673a081b-bb4b-4d45-b4f1-4131a29c1d07');
    });
  });
});
