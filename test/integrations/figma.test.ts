// Figma, source level: the passcode check (shared secret in the JSON body, constant time), the PING
// handshake (answered, never an event), the team/project/file parameters, webhook creation, deletion and the
// hourly check against the fake Figma over real HTTP (body sent, 400/403/404, invalid token, 429, 5xx,
// paused webhooks), and the item key of each trigger (stable across Figma's retries).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { validateParameters } from '../../src/engine/parameters.js';
import { ProviderError, classifyInbound, signRequest, verifyRequest, type HttpClient, type InboundRequest, type WebhookSource } from '../../src/sdk/index.js';
import { contextOf, figmaError, figmaMessage, type FigmaParams } from '../../src/integrations/figma/api.js';
import { figmaIntegration } from '../../src/integrations/figma/integration.js';
import { publishDigest } from '../../src/integrations/figma/triggers/library-published.js';
import { FIGMA_PASSCODE_SCHEME } from '../../src/integrations/figma/webhooks.js';
import ping from '../../src/integrations/figma/fixtures/ping.json' with { type: 'json' };
import fileComment from '../../src/integrations/figma/fixtures/file-comment.json' with { type: 'json' };
import fileVersion from '../../src/integrations/figma/fixtures/file-version-update.json' with { type: 'json' };
import libraryPublish from '../../src/integrations/figma/fixtures/library-publish.json' with { type: 'json' };
import fileDelete from '../../src/integrations/figma/fixtures/file-delete.json' with { type: 'json' };
import webhookFixture from '../../src/integrations/figma/fixtures/webhook.json' with { type: 'json' };
import { startFakeFigma, type FakeFigma } from '../providers/figma.js';

const silent = { debug() {}, info() {}, warn() {} };
const TOKEN = 'figu_valid-oauth-token';
const TYPES = ['FIGMA_TRIGGER_FILE_COMMENT', 'FIGMA_TRIGGER_FILE_VERSION_UPDATE', 'FIGMA_TRIGGER_LIBRARY_PUBLISH', 'FIGMA_TRIGGER_FILE_DELETE'];

function source(type: string): WebhookSource<FigmaParams> {
  const t = figmaIntegration.triggers.find((x) => x.type === type);
  if (!t || t.source.kind !== 'webhook') throw new Error(`no webhook trigger ${type}`);
  return t.source as WebhookSource<FigmaParams>;
}

function inbound(body: unknown): InboundRequest {
  const rawBody = Buffer.from(JSON.stringify(body));
  return { method: 'POST', url: '/hooks/s/x', headers: { 'content-type': 'application/json' }, rawBody, body: JSON.parse(rawBody.toString('utf8')) };
}

const keysOf = async (type: string, body: unknown) => {
  const r = await source(type).toItems(inbound(body), {} as never);
  return (Array.isArray(r) ? r : r.items).map((i) => i.key);
};

describe('figma', () => {
  let fg: FakeFigma;
  let http: HttpClient;
  const ctx = (params: FigmaParams = { teamId: '1234567890' }) => ({
    http, params, credential: { id: 'cred-1', providerAccountId: null, extra: {} }, log: silent, signal: AbortSignal.timeout(10_000), now: Date.now,
  });
  let hookUrl = '';

  beforeEach(async () => {
    fg = await startFakeFigma();
    fg.validTokens.add(TOKEN);
    fg.contexts.push(
      { context: 'team', id: '1234567890', role: 'admin' },
      { context: 'team', id: '555', role: 'editor' },
      { context: 'project', id: '98765432', role: 'editor' },
      { context: 'file', id: 'CL06nJNn5eZLQKDoARMND5', role: 'editor' },
      { context: 'file', id: 'ViewOnlyFileKey123', role: 'viewer' },
    );
    // The PING on creation goes here: the fake itself answers nothing useful, it only records the status.
    hookUrl = `${fg.url}/nowhere`;
    http = createProviderHttp({ integration: figmaIntegration, apiBaseUrl: fg.url, auth: { canRefresh: false, headers: async () => ({ authorization: `Bearer ${TOKEN}` }) } });
  });
  afterEach(async () => {
    await fg.close();
  });

  it('declares four webhook triggers, OAuth 2 with the webhook scopes, and the api.figma.com base', () => {
    expect(figmaIntegration.key).toBe('figma');
    expect(figmaIntegration.triggers.map((t) => t.type)).toEqual(TYPES);
    expect(figmaIntegration.auth).toMatchObject({
      kind: 'oauth2', authorizationUrl: 'https://www.figma.com/oauth', tokenUrl: 'https://api.figma.com/v1/oauth/token', scopes: ['webhooks:write', 'webhooks:read'],
    });
    expect(figmaIntegration.apiBaseUrl).toBe('https://api.figma.com');
    for (const t of figmaIntegration.triggers) {
      expect(t.parameters.map((p) => [p.id, p.required])).toEqual([['teamId', false], ['projectId', false], ['fileKey', false]]);
      expect(t.source.kind === 'webhook' && t.source.redeliveryDays).toBeFalsy(); // retry window not documented: markers stay
      expect(JSON.stringify(t.examplePayload)).not.toContain('passcode');
    }
  });

  describe('parameters', () => {
    const params = figmaIntegration.triggers[0]!.parameters;
    it('accepts team and project ids and file keys, refuses anything else with the parameter name', () => {
      expect(validateParameters(params, { teamId: '1234567890' })).toEqual({ teamId: '1234567890' });
      expect(validateParameters(params, { fileKey: 'CL06nJNn5eZLQKDoARMND5' })).toEqual({ fileKey: 'CL06nJNn5eZLQKDoARMND5' });
      expect(() => validateParameters(params, { teamId: 'abc' })).toThrow(/parameters\.teamId/);
      expect(() => validateParameters(params, { projectId: '12/../3' })).toThrow(/parameters\.projectId/);
      expect(() => validateParameters(params, { fileKey: 'a/b' })).toThrow(/parameters\.fileKey/);
    });
    it('needs exactly one context', () => {
      expect(contextOf({ teamId: ' 42 ' })).toEqual({ context: 'team', contextId: '42' });
      expect(contextOf({ projectId: '7' })).toEqual({ context: 'project', contextId: '7' });
      expect(contextOf({ fileKey: 'CL06nJNn5eZLQKDoARMND5' })).toEqual({ context: 'file', contextId: 'CL06nJNn5eZLQKDoARMND5' });
      for (const bad of [{}, { teamId: '1', fileKey: 'CL06nJNn5eZLQKDoARMND5' }, { teamId: '' }]) {
        expect(() => contextOf(bad)).toThrow(/exactly one of the parameters teamId, projectId and fileKey/);
      }
    });
  });

  describe('verification (passcode in the body)', () => {
    it('accepts exactly the subscription secret as passcode', () => {
      const req = (body: unknown) => ({ method: 'POST', url: '/hooks/s/x', headers: {}, rawBody: Buffer.from(JSON.stringify(body)) });
      const good = { ...fileComment, passcode: 'the-secret' };
      expect(verifyRequest(FIGMA_PASSCODE_SCHEME, req(good), { secret: 'the-secret' }, Date.now())).toEqual({ ok: true });
      expect(signRequest(FIGMA_PASSCODE_SCHEME, req(good), { secret: 'the-secret' }, Date.now())).toEqual({});
      expect(verifyRequest(FIGMA_PASSCODE_SCHEME, req({ ...good, passcode: 'the-secreT' }), { secret: 'the-secret' }, Date.now()).ok).toBe(false);
      expect(verifyRequest(FIGMA_PASSCODE_SCHEME, req({ ...good, passcode: 'the-secret ' }), { secret: 'the-secret' }, Date.now()).ok).toBe(false);
      const { passcode: _p, ...missing } = good;
      expect(verifyRequest(FIGMA_PASSCODE_SCHEME, req(missing), { secret: 'the-secret' }, Date.now()).ok).toBe(false);
      expect(verifyRequest(FIGMA_PASSCODE_SCHEME, req({ ...good, passcode: 42 }), { secret: 'the-secret' }, Date.now()).ok).toBe(false);
    });

    it('answers the PING (with or without the subscription known) and never maps it to an item', async () => {
      const s = source('FIGMA_TRIGGER_FILE_COMMENT');
      const req = { method: 'POST', url: '/hooks/s/x', headers: {}, rawBody: Buffer.from(JSON.stringify(ping)) };
      const d = classifyInbound(s, req, { secret: 'other' }, Date.now());
      expect(d).toMatchObject({ kind: 'handshake', response: { status: 200, body: '{"webhook_id":"22"}' } });
      expect(await keysOf('FIGMA_TRIGGER_FILE_COMMENT', ping)).toEqual([]);
      // An event with a wrong passcode is not a handshake: rejected.
      const forged = { method: 'POST', url: '/hooks/s/x', headers: {}, rawBody: Buffer.from(JSON.stringify(fileComment)) };
      expect(classifyInbound(s, forged, { secret: 'other' }, Date.now()).kind).toBe('rejected');
    });
  });

  describe('item keys', () => {
    it('keys each event by what identifies it, the same on every retry of the body', async () => {
      expect(await keysOf('FIGMA_TRIGGER_FILE_COMMENT', fileComment)).toEqual(['comment:32']);
      expect(await keysOf('FIGMA_TRIGGER_FILE_VERSION_UPDATE', fileVersion)).toEqual(['version:CL06nJNn5eZLQKDoARMND5:309185740']);
      const [lib] = await keysOf('FIGMA_TRIGGER_LIBRARY_PUBLISH', libraryPublish);
      expect(lib).toMatch(/^library:CL06nJNn5eZLQKDoARMND5:2020-02-23T20:27:16Z:[0-9a-f]{32}$/);
      expect(await keysOf('FIGMA_TRIGGER_FILE_DELETE', fileDelete)).toEqual(['delete:CL06nJNn5eZLQKDoARMND5:2020-02-23T20:27:16Z']);
      // A retry is the same body: the same key. The passcode is not part of the delivered payload.
      const again = await source('FIGMA_TRIGGER_FILE_COMMENT').toItems(inbound(fileComment), {} as never);
      expect(again).toEqual([{ key: 'comment:32', payload: expect.not.objectContaining({ passcode: expect.anything() }), occurredAt: Date.parse('2020-02-23T20:27:16Z') }]);
    });

    it('a library publish digest ignores order, but not content', () => {
      const reordered = { ...libraryPublish, modified_components: [...libraryPublish.modified_components].reverse() };
      expect(publishDigest(reordered)).toBe(publishDigest(libraryPublish));
      expect(publishDigest({ ...libraryPublish, deleted_styles: [{ key: 'x', name: 'Old' }] })).not.toBe(publishDigest(libraryPublish));
    });

    it('ignores other event types and bodies without the key fields', async () => {
      expect(await keysOf('FIGMA_TRIGGER_FILE_COMMENT', fileVersion)).toEqual([]);
      expect(await keysOf('FIGMA_TRIGGER_FILE_COMMENT', { ...fileComment, comment_id: null })).toEqual([]);
      expect(await keysOf('FIGMA_TRIGGER_FILE_VERSION_UPDATE', { ...fileVersion, version_id: '' })).toEqual([]);
      expect(await keysOf('FIGMA_TRIGGER_FILE_DELETE', { ...fileDelete, timestamp: undefined })).toEqual([]);
    });
  });

  describe('register / unregister / check', () => {
    it('creates the webhook on the context with our endpoint and the secret as passcode; checks and deletes it', async () => {
      const s = source('FIGMA_TRIGGER_FILE_COMMENT');
      const r = await s.register({ ...ctx(), hookUrl, secret: 'f'.repeat(64) });
      expect(r).toEqual({ state: { webhookId: '1000', context: 'team', contextId: '1234567890', event: 'FILE_COMMENT' } });
      expect(fg.requests[0]).toMatchObject({
        method: 'POST', path: '/v2/webhooks', auth: `Bearer ${TOKEN}`,
        body: { event_type: 'FILE_COMMENT', context: 'team', context_id: '1234567890', endpoint: hookUrl, passcode: 'f'.repeat(64), status: 'ACTIVE', description: 'OpenTriggers FILE_COMMENT' },
      });
      expect(fg.pings).toHaveLength(1);

      const wctx = { ...ctx(), state: r.state };
      expect(await s.check!(wctx)).toBe('active');
      expect(fg.requests.at(-1)).toMatchObject({ method: 'GET', path: '/v2/webhooks/1000' });
      fg.webhooks.get('1000')!.status = 'PAUSED';
      expect(await s.check!(wctx)).toBe('inactive');
      await s.unregister(wctx);
      expect(fg.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/v2/webhooks/1000' });
      expect(fg.webhooks.size).toBe(0);
      await s.unregister(wctx); // 404: already gone
      expect(await s.check!(wctx)).toBe('gone');
      expect(await s.check!({ ...ctx(), state: {} })).toBe('gone');
    });

    it('uses the project or file context when given', async () => {
      await source('FIGMA_TRIGGER_FILE_DELETE').register({ ...ctx({ projectId: '98765432' }), hookUrl, secret: 'a'.repeat(64) });
      await source('FIGMA_TRIGGER_FILE_VERSION_UPDATE').register({ ...ctx({ fileKey: 'CL06nJNn5eZLQKDoARMND5' }), hookUrl, secret: 'b'.repeat(64) });
      expect(fg.requests.filter((q) => q.path === '/v2/webhooks').map((q) => [q.body.event_type, q.body.context, q.body.context_id])).toEqual([
        ['FILE_DELETE', 'project', '98765432'],
        ['FILE_VERSION_UPDATE', 'file', 'CL06nJNn5eZLQKDoARMND5'],
      ]);
    });

    it('maps refusals: invalid token → auth; no permission, unknown context, bad parameter → permanent with Figma\'s message; 429 → rate_limited; 5xx → transient', async () => {
      const s = source('FIGMA_TRIGGER_FILE_COMMENT');
      const reg = (params: FigmaParams, secret = 'c'.repeat(64)) => s.register({ ...ctx(params), hookUrl, secret }).then(() => null, (e: unknown) => e as ProviderError);
      const editor = await reg({ teamId: '555' });
      expect([editor?.kind, editor?.status, editor?.message]).toEqual(['permanent', 403, 'Figma refused the FILE_COMMENT webhook on team 555 (HTTP 403: You do not have permission to create webhooks for this team)']);
      expect(await reg({ fileKey: 'ViewOnlyFileKey123' })).toMatchObject({ kind: 'permanent', status: 403 });
      expect(await reg({ teamId: '999' })).toMatchObject({ kind: 'permanent', status: 404, message: expect.stringContaining('Not found') });
      expect(await reg({ teamId: '1234567890' }, 'x'.repeat(101))).toMatchObject({ kind: 'permanent', status: 400, message: expect.stringContaining('passcode') });
      expect(await reg({})).toMatchObject({ kind: 'permanent', message: expect.stringContaining('exactly one') });
      fg.validTokens.clear();
      const invalid = await reg({ teamId: '1234567890' });
      expect([invalid?.kind, invalid?.status]).toEqual(['auth', 403]);
      expect(invalid?.message).not.toContain(TOKEN);
      fg.validTokens.add(TOKEN);
      fg.failNext(1, 401, { status: 401, err: 'Unauthorized' });
      expect(await reg({ teamId: '1234567890' })).toMatchObject({ kind: 'auth', status: 401 });
      fg.rateLimitNext(60);
      expect(await reg({ teamId: '1234567890' })).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 60_000 });
      fg.failNext(1, 503);
      expect(await reg({ teamId: '1234567890' })).toMatchObject({ kind: 'transient', status: 503 });
      expect(fg.webhooks.size).toBe(0);
    });

    it('check and unregister throw for "could not tell" (rate limit), and an invalid token is auth', async () => {
      const s = source('FIGMA_TRIGGER_FILE_COMMENT');
      const wctx = { ...ctx(), state: { webhookId: '1000' } };
      fg.rateLimitNext(5);
      await expect(s.check!(wctx)).rejects.toMatchObject({ kind: 'rate_limited' });
      fg.failNext(1, 403, { status: 403, err: 'Invalid token' });
      await expect(s.unregister(wctx)).rejects.toMatchObject({ kind: 'auth' });
    });
  });

  it('reads Figma error bodies', () => {
    expect(figmaMessage({ status: 403, err: 'Invalid token' })).toBe('Invalid token');
    expect(figmaMessage({ error: true, status: 400, message: 'Parameter client_id is required' })).toBe('Parameter client_id is required');
    expect(figmaMessage('')).toBeUndefined();
    expect(figmaError('x', { status: 403, headers: {}, body: { status: 403, err: 'Invalid scope(s)' } }).kind).toBe('permanent');
    expect(figmaError('x', { status: 403, headers: {}, body: { status: 403, err: 'Token expired' } }).kind).toBe('auth');
    expect(webhookFixture.passcode).toBe(''); // GET redacts the passcode
  });
});
