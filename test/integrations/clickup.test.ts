// ClickUp triggers at the source level: registration, removal and the hourly check against the fake ClickUp over
// real HTTP, the signature scheme against an independently computed vector, parameter validation, ClickUp's
// error answers, and the mapping of webhook bodies to items and keys.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { validateParameters } from '../../src/engine/parameters.js';
import { clickupError, isTeamNotAuthorized } from '../../src/integrations/clickup/api.js';
import taskCommentPosted from '../../src/integrations/clickup/fixtures/task-comment-posted.json' with { type: 'json' };
import taskCreated from '../../src/integrations/clickup/fixtures/task-created.json' with { type: 'json' };
import taskDeleted from '../../src/integrations/clickup/fixtures/task-deleted.json' with { type: 'json' };
import taskStatusUpdated from '../../src/integrations/clickup/fixtures/task-status-updated.json' with { type: 'json' };
import taskUpdated from '../../src/integrations/clickup/fixtures/task-updated.json' with { type: 'json' };
import { clickupIntegration } from '../../src/integrations/clickup/integration.js';
import { CLICKUP_SIGNATURE } from '../../src/integrations/clickup/webhooks.js';
import { signRequest, verifyRequest, type HttpClient, type InboundRequest, type WebhookSource } from '../../src/sdk/index.js';
import { clickupSignature, startFakeClickUp, type FakeClickUp } from '../providers/clickup.js';

const silent = { debug() {}, info() {}, warn() {} };
const TYPES = [
  'CLICKUP_TRIGGER_TASK_CREATED',
  'CLICKUP_TRIGGER_TASK_UPDATED',
  'CLICKUP_TRIGGER_TASK_STATUS_UPDATED',
  'CLICKUP_TRIGGER_TASK_COMMENT_POSTED',
  'CLICKUP_TRIGGER_TASK_DELETED',
];

function trigger(type: string) {
  const t = clickupIntegration.triggers.find((x) => x.type === type);
  if (!t || t.source.kind !== 'webhook') throw new Error(`no webhook trigger ${type}`);
  return t as typeof t & { source: WebhookSource };
}
const source = (type: string) => trigger(type).source;

function inbound(body: unknown, headers: Record<string, string> = {}): InboundRequest {
  const rawBody = Buffer.from(JSON.stringify(body));
  return { method: 'POST', url: '/hooks/s/x', headers, rawBody, body: JSON.parse(rawBody.toString('utf8')) };
}

describe('clickup', () => {
  let cu: FakeClickUp;
  let http: HttpClient;
  const ctx = (params: Record<string, unknown> = {}) => ({
    http, params, credential: { id: 'cred-1', providerAccountId: '183', extra: {} }, log: silent, signal: AbortSignal.timeout(10_000), now: Date.now,
  });
  const reg = (type: string, params: Record<string, unknown> = { teamId: '108' }, hookUrl = 'https://ot.example/hooks/s/sub-1') =>
    source(type).register({ ...ctx(params), hookUrl, secret: 'f'.repeat(64) });

  beforeEach(async () => {
    cu = await startFakeClickUp();
    cu.validTokens.add('valid-token');
    http = createProviderHttp({ integration: clickupIntegration, apiBaseUrl: cu.url, auth: { canRefresh: false, headers: async () => ({ authorization: 'Bearer valid-token' }) } });
  });
  afterEach(async () => {
    await cu.close();
  });

  it('declares the trigger types, OAuth without scopes or PKCE (JSON token request) and the API base', () => {
    expect(clickupIntegration.key).toBe('clickup');
    expect(clickupIntegration.triggers.map((t) => t.type)).toEqual(TYPES);
    expect(clickupIntegration.auth).toMatchObject({
      kind: 'oauth2', authorizationUrl: 'https://app.clickup.com/api', tokenUrl: 'https://api.clickup.com/api/v2/oauth/token',
      scopes: [], pkce: false, clientAuth: 'body', tokenRequestEncoding: 'json',
    });
    expect(clickupIntegration.apiBaseUrl).toBe('https://api.clickup.com/api/v2');
    for (const t of clickupIntegration.triggers) {
      expect(t.docsUrl).toMatch(/^https:\/\/developer\.clickup\.com\//);
      expect(t.parameters.map((p) => [p.id, p.required])).toEqual([['teamId', false], ['spaceId', false], ['folderId', false], ['listId', false]]);
      // ClickUp does not say how long it retries: every key keeps its dedupe marker.
      expect((t.source as WebhookSource).redeliveryDays).toBeUndefined();
    }
  });

  it('identifies the user and keeps the authorized Workspace ids at connect', async () => {
    cu.authorizedTeams.add('2001');
    expect(await clickupIntegration.accountId!({ http, token: { accessToken: 'valid-token' } })).toEqual({
      providerAccountId: '183', extra: { userId: '183', teamIds: ['108', '2001'] },
    });
    expect(cu.requests.map((r) => [`${r.method} ${r.path}`, r.auth])).toEqual([['GET /user', 'Bearer valid-token'], ['GET /team', 'Bearer valid-token']]);
  });

  describe('signature', () => {
    it('is hex HMAC-SHA256 of the raw body with the webhook secret (independent vector), no timestamp', () => {
      // The body of ClickUp's "Webhook signature" example; the digest was computed with openssl dgst -sha256 -hmac.
      const body = '{"webhook_id":"7689a169-a000-4985-8676-6902b96d6627","event":"taskCreated","task_id":"c0j"}';
      const signature = '6396923c4616e88f59f2018394b424f0ac259a9d2d3cc6eab36a283f6eb63238';
      expect(clickupSignature('test_webhook_secret', body)).toBe(signature);
      const req = { method: 'POST', url: '/hooks/s/x', headers: { 'x-signature': signature }, rawBody: Buffer.from(body) };
      expect(verifyRequest(CLICKUP_SIGNATURE, req, { secret: 'test_webhook_secret' }, Date.now())).toEqual({ ok: true });
      // No timestamp in the scheme: an old delivery still verifies (nothing to check freshness against).
      expect(verifyRequest(CLICKUP_SIGNATURE, req, { secret: 'test_webhook_secret' }, Date.now() + 86_400_000)).toEqual({ ok: true });
      expect(signRequest(CLICKUP_SIGNATURE, req, { secret: 'test_webhook_secret' }, Date.now())).toEqual({ 'x-signature': signature });
      expect(verifyRequest(CLICKUP_SIGNATURE, { ...req, headers: { 'x-signature': signature.toUpperCase() } }, { secret: 'test_webhook_secret' }, Date.now())).toEqual({ ok: true });
      expect(verifyRequest(CLICKUP_SIGNATURE, req, { secret: 'another_secret' }, Date.now())).toMatchObject({ ok: false, reason: 'bad_signature' });
      expect(verifyRequest(CLICKUP_SIGNATURE, { ...req, rawBody: Buffer.from(body.replace('c0j', 'c0k')) }, { secret: 'test_webhook_secret' }, Date.now())).toMatchObject({ ok: false, reason: 'bad_signature' });
      // Re-serialised JSON (spaces added) is not the signed bytes.
      expect(verifyRequest(CLICKUP_SIGNATURE, { ...req, rawBody: Buffer.from(JSON.stringify(JSON.parse(body), null, 1)) }, { secret: 'test_webhook_secret' }, Date.now()).ok).toBe(false);
      expect(verifyRequest(CLICKUP_SIGNATURE, { ...req, headers: {} }, { secret: 'test_webhook_secret' }, Date.now())).toMatchObject({ ok: false, reason: 'missing_signature' });
    });
  });

  describe('parameters', () => {
    it('accept ClickUp ids (digits) and refuse anything else, naming the parameter', () => {
      const params = trigger('CLICKUP_TRIGGER_TASK_CREATED').parameters;
      expect(validateParameters(params, { teamId: '9012345', listId: '901110236848' })).toEqual({ teamId: '9012345', listId: '901110236848' });
      expect(validateParameters(params, {})).toEqual({});
      expect(() => validateParameters(params, { teamId: 'acme' })).toThrow(/parameters\.teamId: must be a ClickUp Workspace id/);
      expect(() => validateParameters(params, { spaceId: '12/../34' })).toThrow(/parameters\.spaceId: must be a ClickUp Space id/);
      expect(() => validateParameters(params, { folderId: '1'.repeat(16) })).toThrow(/parameters\.folderId/);
      expect(() => validateParameters(params, { listId: 123 })).toThrow(/parameters\.listId: must be a string/);
      expect(() => validateParameters(params, { taskId: 'abc' })).toThrow(/parameters\.taskId: unknown parameter/);
    });
  });

  describe('register / unregister / check', () => {
    it('creates a webhook for the trigger\'s event, our URL and the narrowest location, keeps ClickUp\'s secret, and deletes it', async () => {
      const r = await reg('CLICKUP_TRIGGER_TASK_STATUS_UPDATED', { teamId: '108', spaceId: '790', listId: '901110236848' });
      const hook = [...cu.hooks.values()][0]!;
      expect(hook).toMatchObject({ endpoint: 'https://ot.example/hooks/s/sub-1', events: ['taskStatusUpdated'], team_id: 108, space_id: 790, list_id: 901110236848, folder_id: null });
      expect(cu.requests.at(-1)!.body).toEqual({ endpoint: 'https://ot.example/hooks/s/sub-1', events: ['taskStatusUpdated'], space_id: 790, list_id: 901110236848 });
      // ClickUp chooses the secret; ours (ctx.secret) is not sent anywhere.
      expect(r).toEqual({ state: { webhookId: hook.id, teamId: '108' }, secret: hook.secret });
      expect(JSON.stringify(cu.requests)).not.toContain('f'.repeat(64));

      await source('CLICKUP_TRIGGER_TASK_STATUS_UPDATED').unregister({ ...ctx(), state: r.state });
      expect(cu.hooks.size).toBe(0);
      expect(cu.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/webhook/${hook.id}` });
      // Already gone (the user deleted it in ClickUp): fine.
      await source('CLICKUP_TRIGGER_TASK_STATUS_UPDATED').unregister({ ...ctx(), state: r.state });
      await source('CLICKUP_TRIGGER_TASK_STATUS_UPDATED').unregister({ ...ctx(), state: {} });
    });

    it('uses the only authorized Workspace when teamId is omitted, and asks for teamId when there are several', async () => {
      const r = await reg('CLICKUP_TRIGGER_TASK_CREATED', {});
      expect(r.state).toMatchObject({ teamId: '108' });
      expect(cu.requests.map((q) => `${q.method} ${q.path}`)).toEqual(['GET /team', 'POST /team/108/webhook']);
      cu.authorizedTeams.add('2001');
      await expect(reg('CLICKUP_TRIGGER_TASK_CREATED', {})).rejects.toMatchObject({ kind: 'permanent', message: expect.stringMatching(/^teamId: .*2 Workspaces \(108, 2001\)/) });
      cu.authorizedTeams.clear();
      await expect(reg('CLICKUP_TRIGGER_TASK_CREATED', {})).rejects.toMatchObject({ kind: 'permanent', message: expect.stringMatching(/^teamId: .*no Workspace/) });
    });

    it('maps ClickUp\'s refusals: a Workspace not authorized is permanent (not a dead token), a revoked token is auth, 429 waits for X-RateLimit-Reset, 5xx is transient', async () => {
      await expect(reg('CLICKUP_TRIGGER_TASK_CREATED', { teamId: '2001' })).rejects.toMatchObject({
        kind: 'permanent', status: 401, message: expect.stringContaining('has not authorized ClickUp Workspace 2001'),
      });
      cu.validTokens.delete('valid-token');
      await expect(reg('CLICKUP_TRIGGER_TASK_CREATED')).rejects.toMatchObject({ kind: 'auth', status: 401, message: expect.stringContaining('OAUTH_025') });
      cu.validTokens.add('valid-token');
      const reset = Math.floor(Date.now() / 1000) + 42;
      cu.rateLimitNext(reset);
      const limited = (await reg('CLICKUP_TRIGGER_TASK_CREATED').then(() => null, (e: unknown) => e)) as { kind: string; retryAfterMs: number };
      expect(limited.kind).toBe('rate_limited');
      expect(limited.retryAfterMs).toBeGreaterThan(40_000);
      expect(limited.retryAfterMs).toBeLessThanOrEqual(42_000);
      cu.failNext(1, 503);
      await expect(reg('CLICKUP_TRIGGER_TASK_CREATED')).rejects.toMatchObject({ kind: 'transient', status: 503 });
      cu.failNext(1, 400, { err: 'List not found', ECODE: 'ITEM_015' });
      await expect(reg('CLICKUP_TRIGGER_TASK_CREATED')).rejects.toMatchObject({ kind: 'permanent', status: 400, message: 'ClickUp 400: List not found (ITEM_015)' });
      cu.failNext(1, 200, { id: 'x', webhook: { id: 'x' } });
      await expect(reg('CLICKUP_TRIGGER_TASK_CREATED')).rejects.toMatchObject({ kind: 'permanent', message: expect.stringContaining('without its id and secret') });
      expect(cu.hooks.size).toBe(0);
    });

    it('reads the webhook\'s health every hour: active and failing are active, suspended is inactive, missing is gone', async () => {
      const s = source('CLICKUP_TRIGGER_TASK_UPDATED');
      const r = await reg('CLICKUP_TRIGGER_TASK_UPDATED');
      const other = await reg('CLICKUP_TRIGGER_TASK_UPDATED', { teamId: '108' }, 'https://ot.example/hooks/s/sub-2');
      const hook = cu.hooks.get(r.state.webhookId as string)!;
      const check = () => s.check!({ ...ctx(), state: r.state });
      expect(await check()).toBe('active');
      expect(cu.requests.at(-1)).toMatchObject({ method: 'GET', path: '/team/108/webhook' });
      hook.health = { status: 'failing', fail_count: 12 };
      expect(await check()).toBe('active');
      hook.health = { status: 'suspended', fail_count: 100 };
      expect(await check()).toBe('inactive');
      cu.hooks.delete(hook.id);
      expect(await check()).toBe('gone');
      expect(await s.check!({ ...ctx(), state: other.state })).toBe('active');
      expect(await s.check!({ ...ctx(), state: {} })).toBe('gone');
      cu.rateLimitNext(Math.floor(Date.now() / 1000) + 5);
      await expect(check()).rejects.toMatchObject({ kind: 'rate_limited' });
      // The Workspace was de-authorized: cannot tell, and it is not the token's fault.
      cu.authorizedTeams.delete('108');
      await expect(check()).rejects.toMatchObject({ kind: 'permanent', message: expect.stringContaining('Workspace 108') });
    });
  });

  describe('toItems', () => {
    const c = (webhookId = '7fa3ec74-69a8-4530-a251-8a13730bd204') => ({ ...ctx(), state: { webhookId, teamId: '108' } });

    it('delivers the webhook body once per change, keyed so that ClickUp\'s retries repeat the key', async () => {
      expect(await source('CLICKUP_TRIGGER_TASK_CREATED').toItems(inbound(taskCreated), c())).toEqual([
        { key: '1vj37mc', payload: taskCreated, occurredAt: 1642734631523 },
      ]);
      expect(await source('CLICKUP_TRIGGER_TASK_UPDATED').toItems(inbound(taskUpdated), c())).toEqual([
        { key: '1vj37mc:2800768061568222238', payload: taskUpdated, occurredAt: 1642734925064 },
      ]);
      expect(await source('CLICKUP_TRIGGER_TASK_STATUS_UPDATED').toItems(inbound(taskStatusUpdated), c())).toEqual([
        { key: '1vj38vv:2800787326392370170', payload: taskStatusUpdated, occurredAt: 1642736073330 },
      ]);
      expect(await source('CLICKUP_TRIGGER_TASK_COMMENT_POSTED').toItems(inbound(taskCommentPosted), c())).toEqual([
        { key: 'comment:648893191', payload: taskCommentPosted, occurredAt: 1642737045116 },
      ]);
      expect(await source('CLICKUP_TRIGGER_TASK_DELETED').toItems(inbound(taskDeleted), c())).toEqual([{ key: '1vj37mc', payload: taskDeleted }]);
    });

    it('gives two changes of one task two keys, and sorts history ids so their order does not matter', async () => {
      const s = source('CLICKUP_TRIGGER_TASK_UPDATED');
      const item = taskUpdated.history_items[0]!;
      const second = { ...taskUpdated, history_items: [{ ...item, id: '2800768061568222999', date: '1642734999999' }] };
      const both = { ...taskUpdated, history_items: [{ ...item, id: '2800768061568222999' }, item] };
      const bothReordered = { ...taskUpdated, history_items: [item, { ...item, id: '2800768061568222999' }] };
      const keys = await Promise.all([taskUpdated, second, both, bothReordered].map(async (b) => ((await s.toItems(inbound(b), c())) as Array<{ key: string }>)[0]!.key));
      expect(new Set(keys.slice(0, 3)).size).toBe(3);
      expect(keys[3]).toBe(keys[2]);
    });

    it('ignores other events and deliveries naming another webhook, and keys a body without ids by its bytes', async () => {
      expect(await source('CLICKUP_TRIGGER_TASK_CREATED').toItems(inbound(taskUpdated), c())).toEqual([]);
      expect(await source('CLICKUP_TRIGGER_TASK_STATUS_UPDATED').toItems(inbound(taskCreated), c())).toEqual([]);
      expect(await source('CLICKUP_TRIGGER_TASK_UPDATED').toItems(inbound(taskUpdated), c('0b4c6b1e-0000-0000-0000-000000000000'))).toEqual([]);
      expect(await source('CLICKUP_TRIGGER_TASK_UPDATED').toItems(inbound(null), c())).toEqual([]);
      const bare = { event: 'taskUpdated', webhook_id: '7fa3ec74-69a8-4530-a251-8a13730bd204' };
      const [item] = (await source('CLICKUP_TRIGGER_TASK_UPDATED').toItems(inbound(bare), c())) as Array<{ key: string }>;
      expect(item!.key).toMatch(/^body:[0-9a-f]{64}$/);
      expect('deliveryId' in source('CLICKUP_TRIGGER_TASK_CREATED')).toBe(false); // ClickUp sends no delivery id
    });
  });

  it('recognizes exactly ClickUp\'s "Team not authorized" codes', () => {
    expect(['OAUTH_023', 'OAUTH_026', 'OAUTH_027', 'OAUTH_029', 'OAUTH_045'].every(isTeamNotAuthorized)).toBe(true);
    expect(['OAUTH_019', 'OAUTH_025', 'OAUTH_028', 'OAUTH_046', 'OAUTH_077', 'ITEM_015', undefined].some(isTeamNotAuthorized)).toBe(false);
    const e = clickupError({ status: 401, headers: {}, body: { err: 'Token not found', ECODE: 'OAUTH_019' } }, Date.now());
    expect([e.kind, e.message]).toEqual(['auth', 'ClickUp 401: Token not found (OAUTH_019)']);
    expect(clickupError({ status: 429, headers: {}, body: null }, Date.now()).retryAfterMs).toBe(60_000);
  });
});
