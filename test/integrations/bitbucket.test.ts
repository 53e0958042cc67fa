// Bitbucket Cloud, source level: the X-Hub-Signature check (HMAC-SHA256 of the raw body, checked against one
// computed independently), the workspace / repoSlug / branch parameters, hook registration, removal and the
// hourly check against the fake Bitbucket over real HTTP (body with our secret, 400/403/404, 401, 429, 5xx,
// inactive hooks), and which deliveries each trigger fires for with which key (stable across retries).
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { validateParameters } from '../../src/engine/parameters.js';
import { signRequest, verifyRequest, type HttpClient, type InboundRequest, type WebhookSource } from '../../src/sdk/index.js';
import { bitbucketAccount, bitbucketMessage, repoPath, repoSlugProblem, workspaceProblem, type RepoParams } from '../../src/integrations/bitbucket/api.js';
import { bitbucketIntegration } from '../../src/integrations/bitbucket/integration.js';
import { BITBUCKET_SIGNATURE_SCHEME, bitbucketDeliveryId, parseBitbucketTime } from '../../src/integrations/bitbucket/webhooks.js';
import { branchProblem } from '../../src/integrations/bitbucket/triggers/push.js';
import pushFixture from '../../src/integrations/bitbucket/fixtures/repo-push.json' with { type: 'json' };
import prCreated from '../../src/integrations/bitbucket/fixtures/pullrequest-created.json' with { type: 'json' };
import prFulfilled from '../../src/integrations/bitbucket/fixtures/pullrequest-fulfilled.json' with { type: 'json' };
import prComment from '../../src/integrations/bitbucket/fixtures/pullrequest-comment-created.json' with { type: 'json' };
import issueCreated from '../../src/integrations/bitbucket/fixtures/issue-created.json' with { type: 'json' };
import hookFixture from '../../src/integrations/bitbucket/fixtures/hook.json' with { type: 'json' };
import { startFakeBitbucket, type FakeBitbucket } from '../providers/bitbucket.js';

const silent = { debug() {}, info() {}, warn() {} };
const TOKEN = 'bb-valid-oauth-token';
const REPO = '{3d11e9d9-3a1d-47c4-b1e9-8cb1a4d2b0ab}';

function source(type: string): WebhookSource<RepoParams> {
  const t = bitbucketIntegration.triggers.find((x) => x.type === type);
  if (!t || t.source.kind !== 'webhook') throw new Error(`no webhook trigger ${type}`);
  return t.source as WebhookSource<RepoParams>;
}

function delivery(event: string, body: unknown, headers: Record<string, string> = {}): InboundRequest {
  const rawBody = Buffer.from(JSON.stringify(body));
  return { method: 'POST', url: '/hooks/s/x', headers: { 'content-type': 'application/json', 'x-event-key': event, ...headers }, rawBody, body: JSON.parse(rawBody.toString('utf8')) };
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe('bitbucket', () => {
  let bb: FakeBitbucket;
  let http: HttpClient;
  const ctx = (params: Record<string, unknown> = { workspace: 'atlassian', repoSlug: 'atlassian-docs' }) => ({
    http, params: params as unknown as RepoParams, credential: { id: 'cred-1', providerAccountId: '{a54f}', extra: {} }, log: silent, signal: AbortSignal.timeout(10_000), now: Date.now,
  });
  const reg = (type: string, params: Record<string, unknown> = { workspace: 'atlassian', repoSlug: 'atlassian-docs' }, hookUrl = 'https://ot.example/hooks/s/sub-1') =>
    source(type).register({ ...ctx(params), hookUrl, secret: 'f'.repeat(64) });

  beforeEach(async () => {
    bb = await startFakeBitbucket();
    bb.validTokens.add(TOKEN);
    bb.repos.push({ workspace: 'atlassian', slug: 'atlassian-docs', uuid: REPO, admin: true }, { workspace: 'atlassian', slug: 'read-only', uuid: '{00000000-0000-4000-8000-000000000009}', admin: false });
    http = createProviderHttp({ integration: bitbucketIntegration, apiBaseUrl: bb.url, auth: { canRefresh: false, headers: async () => ({ authorization: `Bearer ${TOKEN}` }) } });
  });
  afterEach(async () => {
    await bb.close();
  });

  it('declares the triggers, OAuth 2 with Basic client auth, and the api.bitbucket.org base', () => {
    expect(bitbucketIntegration.key).toBe('bitbucket');
    expect(bitbucketIntegration.triggers.map((t) => t.type)).toEqual([
      'BITBUCKET_TRIGGER_PUSH', 'BITBUCKET_TRIGGER_PULL_REQUEST_CREATED', 'BITBUCKET_TRIGGER_PULL_REQUEST_MERGED',
      'BITBUCKET_TRIGGER_PULL_REQUEST_COMMENT_CREATED', 'BITBUCKET_TRIGGER_ISSUE_CREATED',
    ]);
    expect(bitbucketIntegration.auth).toMatchObject({
      kind: 'oauth2', authorizationUrl: 'https://bitbucket.org/site/oauth2/authorize', tokenUrl: 'https://bitbucket.org/site/oauth2/access_token', clientAuth: 'basic',
    });
    expect(bitbucketIntegration.auth.kind === 'oauth2' && bitbucketIntegration.auth.scopes).toContain('webhook');
    expect(bitbucketIntegration.apiBaseUrl).toBe('https://api.bitbucket.org/2.0');
    for (const t of bitbucketIntegration.triggers) {
      expect(t.parameters.map((p) => [p.id, p.required])).toEqual(
        t.type === 'BITBUCKET_TRIGGER_PUSH' ? [['workspace', true], ['repoSlug', true], ['branch', false]] : [['workspace', true], ['repoSlug', true]],
      );
      expect(t.source.kind === 'webhook' && t.source.redeliveryDays).toBeFalsy(); // resend window not documented: markers stay
    }
  });

  it('identifies the connected user by UUID and keeps nickname, display name and account id', async () => {
    expect(await bitbucketAccount(http)).toEqual({
      providerAccountId: '{a54f16da-24e9-4d7f-a3a7-b1ba2cd98aa3}', extra: { nickname: 'emma', displayName: 'Emma', accountId: '557058:c0b72ad0-1cb5-4018-9cdc-0cde8492c443' },
    });
    expect(bb.requests.at(-1)).toMatchObject({ method: 'GET', path: '/2.0/user', auth: `Bearer ${TOKEN}` });
  });

  it('checks the parameters so no value can leave the repository path', () => {
    for (const ok of ['atlassian', 'my-team', 'team_2']) expect(workspaceProblem(ok), ok).toBeNull();
    for (const bad of ['', 'a/b', '..', 'x?y', 'x#y', 'x%2F', 'a b', 42, null]) expect(workspaceProblem(bad), JSON.stringify(bad)).toMatch(/workspace ID/);
    for (const ok of ['atlassian-docs', 'repo.js', 'a_b-c']) expect(repoSlugProblem(ok), ok).toBeNull();
    for (const bad of ['', '.', '..', 'a/b', 'x?y', 'x%2e', 'x'.repeat(101), {}]) expect(repoSlugProblem(bad), JSON.stringify(bad)).toMatch(/repository slug/);
    expect(repoPath(' atlassian ', 'atlassian-docs')).toBe('/repositories/atlassian/atlassian-docs');
    const defs = bitbucketIntegration.triggers.find((t) => t.type === 'BITBUCKET_TRIGGER_PUSH')!.parameters;
    expect(validateParameters(defs, { workspace: 'atlassian', repoSlug: 'docs', branch: 'main' })).toEqual({ workspace: 'atlassian', repoSlug: 'docs', branch: 'main' });
    expect(() => validateParameters(defs, { workspace: 'atlassian', repoSlug: 'docs', branch: 'a\nb' })).toThrow(/parameters\.branch/);
    expect(() => validateParameters(defs, { workspace: '../x', repoSlug: 'docs' })).toThrow(/parameters\.workspace/);
    expect(branchProblem(undefined)).toBeNull();
    expect(branchProblem('   ')).toMatch(/branch name/);
  });

  describe('verification (X-Hub-Signature)', () => {
    it('accepts sha256=<hex HMAC-SHA256 of the raw body> with the hook secret, and nothing else', () => {
      const rawBody = Buffer.from(JSON.stringify(prCreated));
      const secret = 'It\'s a Secret to Everybody';
      const expected = `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
      const req: { method: string; url: string; headers: Record<string, string>; rawBody: Buffer } = { method: 'POST', url: '/hooks/s/x', headers: { 'x-hub-signature': expected }, rawBody };
      // Our signer produces exactly what an independent HMAC gives.
      expect(signRequest(BITBUCKET_SIGNATURE_SCHEME, req, { secret }, Date.now())).toEqual({ 'x-hub-signature': expected });
      expect(verifyRequest(BITBUCKET_SIGNATURE_SCHEME, req, { secret }, Date.now())).toEqual({ ok: true });
      const no = (r: typeof req) => verifyRequest(BITBUCKET_SIGNATURE_SCHEME, r, { secret }, Date.now()).ok;
      expect(no({ ...req, rawBody: Buffer.concat([rawBody, Buffer.from(' ')]) })).toBe(false);
      expect(verifyRequest(BITBUCKET_SIGNATURE_SCHEME, req, { secret: 'another secret' }, Date.now()).ok).toBe(false);
      expect(no({ ...req, headers: {} })).toBe(false);
      expect(no({ ...req, headers: { 'x-hub-signature': expected.slice('sha256='.length) } })).toBe(false);
      // GitHub's SHA-1 header name with a SHA-256 value is not Bitbucket's.
      expect(no({ ...req, headers: { 'x-hub-signature-256': expected } })).toBe(false);
    });
  });

  describe('register / unregister / check', () => {
    it('adds a hook with our URL, the secret, active and only the trigger\'s event; reads and deletes it by its uuid', async () => {
      const r = await reg('BITBUCKET_TRIGGER_PULL_REQUEST_CREATED');
      const hook = [...bb.hooks.values()][0]!;
      expect(r).toEqual({ state: { hookUuid: hook.uuid, workspace: 'atlassian', repoSlug: 'atlassian-docs', event: 'pullrequest:created' } });
      const post = bb.requests.find((q) => q.method === 'POST')!;
      expect(post.rawPath).toBe('/2.0/repositories/atlassian/atlassian-docs/hooks');
      expect(post.body).toEqual({ description: 'OpenTriggers', url: 'https://ot.example/hooks/s/sub-1', active: true, events: ['pullrequest:created'], secret: 'f'.repeat(64) });
      expect(hook.secret).toBe('f'.repeat(64));

      const s = source('BITBUCKET_TRIGGER_PULL_REQUEST_CREATED');
      const wctx = { ...ctx(), state: r.state };
      expect(await s.check!(wctx)).toBe('active');
      const encoded = encodeURIComponent(hook.uuid);
      expect(bb.requests.at(-1)).toMatchObject({ method: 'GET', rawPath: `/2.0/repositories/atlassian/atlassian-docs/hooks/${encoded}` });
      await s.unregister(wctx);
      expect(bb.requests.at(-1)).toMatchObject({ method: 'DELETE', rawPath: `/2.0/repositories/atlassian/atlassian-docs/hooks/${encoded}` });
      expect(bb.hooks.size).toBe(0);
      await s.unregister(wctx); // already gone: done
      expect(await s.check!(wctx)).toBe('gone');
      expect(await s.check!({ ...ctx(), state: {} })).toBe('gone');
    });

    it('reports a hook deactivated, stripped of its secret or of our event as inactive; throws when it cannot tell', async () => {
      const r = await reg('BITBUCKET_TRIGGER_PUSH');
      const s = source('BITBUCKET_TRIGGER_PUSH');
      const hook = bb.hooks.get(r.state.hookUuid as string)!;
      const check = () => s.check!({ ...ctx(), state: r.state });
      hook.active = false;
      expect(await check()).toBe('inactive');
      hook.active = true;
      hook.secret = null;
      expect(await check()).toBe('inactive');
      hook.secret = 'x';
      hook.events = ['issue:created'];
      expect(await check()).toBe('inactive');
      hook.events = ['repo:push'];
      expect(await check()).toBe('active');
      bb.failNext(1, 502);
      await expect(check()).rejects.toMatchObject({ kind: 'transient' });
    });

    it('maps Bitbucket\'s refusals: unknown repository, no admin rights, bad URL, 401, 429 with its wait, 5xx', async () => {
      await expect(reg('BITBUCKET_TRIGGER_PUSH', { workspace: 'atlassian', repoSlug: 'nope' })).rejects.toMatchObject({ kind: 'permanent', status: 404, message: expect.stringContaining('atlassian/nope was not found') });
      await expect(reg('BITBUCKET_TRIGGER_PUSH', { workspace: 'atlassian', repoSlug: 'read-only' })).rejects.toMatchObject({ kind: 'permanent', status: 403, message: expect.stringContaining('admin rights') });
      await expect(reg('BITBUCKET_TRIGGER_PUSH', undefined, 'ftp://ot.example/x')).rejects.toMatchObject({ kind: 'permanent', status: 400, message: expect.stringContaining('Invalid URL') });
      bb.rateLimitNext(30);
      await expect(reg('BITBUCKET_TRIGGER_PUSH')).rejects.toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 30_000 });
      bb.failNext(1, 503);
      await expect(reg('BITBUCKET_TRIGGER_PUSH')).rejects.toMatchObject({ kind: 'transient' });
      bb.validTokens.clear();
      const e = (await reg('BITBUCKET_TRIGGER_PUSH').catch((x: unknown) => x)) as Error;
      expect(e).toMatchObject({ kind: 'auth', status: 401 });
      expect(e.message).not.toContain(TOKEN);
      expect(bb.hooks.size).toBe(0);
    });

    it('reads Bitbucket\'s error bodies', () => {
      expect(bitbucketMessage({ type: 'error', error: { message: 'Repository not found' } })).toBe('Repository not found');
      expect(bitbucketMessage({ type: 'error', error: { message: 'Bad request', detail: 'url: invalid' } })).toBe('Bad request: url: invalid');
      expect(bitbucketMessage('Rate limit exceeded\n')).toBe('Rate limit exceeded');
      expect(bitbucketMessage({ error: 'x' })).toBeUndefined();
      expect(bitbucketMessage(null)).toBeUndefined();
      expect(hookFixture).toMatchObject({ secret_set: true, active: true });
      expect(hookFixture).not.toHaveProperty('secret');
    });
  });

  describe('toItems', () => {
    const c = (params: Record<string, unknown> = { workspace: 'atlassian', repoSlug: 'atlassian-docs' }) => ({ ...ctx(params), state: {} });
    const items = async (type: string, event: string, body: unknown, headers: Record<string, string> = {}, params?: Record<string, unknown>) =>
      source(type).toItems(delivery(event, body, headers), c(params));

    it('each trigger fires on its own event with the whole body and a key from the payload', async () => {
      expect(await items('BITBUCKET_TRIGGER_PUSH', 'repo:push', pushFixture)).toEqual([
        { key: `push:${REPO}:branch:main:1e65c05c1d5171631d92438a13901ca7dae9618c:709d658dc5b6d6afcd46049c2f332ee3f515a67d`, payload: pushFixture },
      ]);
      expect(await items('BITBUCKET_TRIGGER_PULL_REQUEST_CREATED', 'pullrequest:created', prCreated)).toEqual([
        { key: `pullrequest:${REPO}:1:created`, payload: prCreated, occurredAt: Date.parse('2015-04-06T15:23:38.179678+00:00') },
      ]);
      expect(await items('BITBUCKET_TRIGGER_PULL_REQUEST_MERGED', 'pullrequest:fulfilled', prFulfilled)).toEqual([
        { key: `pullrequest:${REPO}:1:fulfilled`, payload: prFulfilled, occurredAt: Date.parse('2015-04-06T16:37:23.548290+00:00') },
      ]);
      expect(await items('BITBUCKET_TRIGGER_PULL_REQUEST_COMMENT_CREATED', 'pullrequest:comment_created', prComment)).toEqual([
        { key: `pullrequest:${REPO}:1:comment:17`, payload: prComment, occurredAt: Date.parse('2015-04-06T16:52:29.982346+00:00') },
      ]);
      expect(await items('BITBUCKET_TRIGGER_ISSUE_CREATED', 'issue:created', issueCreated)).toEqual([
        { key: `issue:${REPO}:1:created`, payload: issueCreated, occurredAt: Date.parse('2015-04-06T15:23:38.179678+00:00') },
      ]);
      // Another event reaching the hook URL: nothing.
      expect(await items('BITBUCKET_TRIGGER_PULL_REQUEST_MERGED', 'pullrequest:rejected', prFulfilled)).toEqual([]);
      expect(await items('BITBUCKET_TRIGGER_ISSUE_CREATED', 'repo:push', pushFixture)).toEqual([]);
      expect(await source('BITBUCKET_TRIGGER_PUSH').toItems({ ...delivery('repo:push', {}), rawBody: Buffer.from('nope'), body: 'nope' }, c())).toEqual([]);
    });

    it('push with a branch fires only when the push changes that branch (tags never match)', async () => {
      const main = { workspace: 'atlassian', repoSlug: 'atlassian-docs', branch: 'main' };
      const dev = { ...main, branch: 'develop' };
      expect(await items('BITBUCKET_TRIGGER_PUSH', 'repo:push', pushFixture, {}, main)).toHaveLength(1);
      expect(await items('BITBUCKET_TRIGGER_PUSH', 'repo:push', pushFixture, {}, dev)).toEqual([]);
      const tag = clone(pushFixture);
      tag.push.changes[0]!.new.type = 'tag';
      (tag.push.changes[0] as { old: unknown }).old = null;
      expect(await items('BITBUCKET_TRIGGER_PUSH', 'repo:push', tag, {}, main)).toEqual([]);
      expect(await items('BITBUCKET_TRIGGER_PUSH', 'repo:push', tag)).toMatchObject([{ key: `push:${REPO}:tag:main::709d658dc5b6d6afcd46049c2f332ee3f515a67d` }]);
      // A deleted branch (new: null) still names it on the old side.
      const deleted = clone(pushFixture);
      (deleted.push.changes[0] as { new: unknown }).new = null;
      expect(await items('BITBUCKET_TRIGGER_PUSH', 'repo:push', deleted, {}, main)).toMatchObject([{ key: `push:${REPO}:branch:main:1e65c05c1d5171631d92438a13901ca7dae9618c:` }]);
    });

    it('keys do not depend on the delivery: a retry with another X-Request-UUID and attempt number has the same key', async () => {
      const a = await items('BITBUCKET_TRIGGER_PULL_REQUEST_CREATED', 'pullrequest:created', prCreated, { 'x-request-uuid': 'u-1', 'x-attempt-number': '1' });
      const b = await items('BITBUCKET_TRIGGER_PULL_REQUEST_CREATED', 'pullrequest:created', prCreated, { 'x-request-uuid': 'u-2', 'x-attempt-number': '3' });
      expect(a).toEqual(b);
      // Another comment on the same pull request is another event.
      const other = clone(prComment);
      other.comment.id = 18;
      expect(await items('BITBUCKET_TRIGGER_PULL_REQUEST_COMMENT_CREATED', 'pullrequest:comment_created', other)).toMatchObject([{ key: `pullrequest:${REPO}:1:comment:18` }]);
      // A payload without the fields a key is built from still fires, keyed by its bytes (the same on a retry).
      const bare = { pullrequest: { title: 'x' } };
      const k1 = await items('BITBUCKET_TRIGGER_PULL_REQUEST_CREATED', 'pullrequest:created', bare);
      expect(k1).toMatchObject([{ key: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) }]);
      expect(await items('BITBUCKET_TRIGGER_PULL_REQUEST_CREATED', 'pullrequest:created', bare)).toEqual(k1);
    });

    it('logs X-Request-UUID as delivery id; parses Bitbucket timestamps', () => {
      expect(bitbucketDeliveryId(delivery('repo:push', {}, { 'x-request-uuid': 'u-1' }))).toBe('u-1');
      expect(bitbucketDeliveryId(delivery('repo:push', {}))).toBeUndefined();
      expect(parseBitbucketTime('2015-06-09T03:34:49+00:00')).toBe(Date.UTC(2015, 5, 9, 3, 34, 49));
      expect(parseBitbucketTime('nope')).toBeUndefined();
      expect(parseBitbucketTime(undefined)).toBeUndefined();
    });
  });
});
