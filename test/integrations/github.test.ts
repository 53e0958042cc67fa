// GitHub, source level: X-Hub-Signature-256 (GitHub's published test vector), hook registration and
// removal against the fake GitHub over real HTTP (headers, body, 404/422, rate limits, 5xx), deliveries
// as the fake sends them (ping ignored, X-GitHub-Delivery as the key, redelivery keeps it), and which
// deliveries each trigger fires for.
import { sign } from '@octokit/webhooks-methods';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import {
  ProviderError,
  classifyInbound,
  signRequest,
  verifyRequest,
  type AnyTriggerDefinition,
  type InboundRequest,
  type WebhookContext,
  type WebhookSource,
} from '../../src/sdk/index.js';
import { githubAccount, githubLimitError } from '../../src/integrations/github/api.js';
import { githubIntegration } from '../../src/integrations/github/integration.js';
import { githubSignatureScheme, repoParameters, type RepoParams } from '../../src/integrations/github/webhook.js';
import issuesOpened from '../../src/integrations/github/fixtures/issues-opened.json' with { type: 'json' };
import issuesClosed from '../../src/integrations/github/fixtures/issues-closed.json' with { type: 'json' };
import prOpened from '../../src/integrations/github/fixtures/pull-request-opened.json' with { type: 'json' };
import prMerged from '../../src/integrations/github/fixtures/pull-request-closed-merged.json' with { type: 'json' };
import prUnmerged from '../../src/integrations/github/fixtures/pull-request-closed-unmerged.json' with { type: 'json' };
import pushFixture from '../../src/integrations/github/fixtures/push.json' with { type: 'json' };
import releasePublished from '../../src/integrations/github/fixtures/release-published.json' with { type: 'json' };
import commentCreated from '../../src/integrations/github/fixtures/issue-comment-created.json' with { type: 'json' };
import starCreated from '../../src/integrations/github/fixtures/star-created.json' with { type: 'json' };
import pingFixture from '../../src/integrations/github/fixtures/ping.json' with { type: 'json' };
import { startFakeReceiver, type FakeReceiver, type RecordedRequest } from '../helpers/fake-receiver.js';
import { startFakeGithub, type FakeGithub } from '../providers/github.js';
import { TRIGGER_DELIVERIES, pullRequestClosedUnmerged } from '../providers/github-examples.js';

const TOKEN = 'gho_valid_token';

function trigger(type: string): AnyTriggerDefinition {
  const t = githubIntegration.triggers.find((x) => x.type === type);
  if (!t) throw new Error(`no trigger ${type}`);
  return t;
}
const source = (type: string) => trigger(type).source as WebhookSource<RepoParams>;

function inbound(r: RecordedRequest): InboundRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  return { method: r.method, url: r.path, headers, rawBody: r.rawBody, body: r.json };
}

function fakeDelivery(event: string, body: unknown, guid = 'd-1'): InboundRequest {
  const rawBody = Buffer.from(JSON.stringify(body));
  return { method: 'POST', url: '/hooks/s/x', headers: { 'x-github-event': event, 'x-github-delivery': guid, 'content-type': 'application/json' }, rawBody, body };
}

const EXPECTED: Array<[string, string, unknown]> = [
  ['GITHUB_TRIGGER_ISSUE_CREATED', 'issues', issuesOpened],
  ['GITHUB_TRIGGER_ISSUE_CLOSED', 'issues', issuesClosed],
  ['GITHUB_TRIGGER_PULL_REQUEST_OPENED', 'pull_request', prOpened],
  ['GITHUB_TRIGGER_PULL_REQUEST_MERGED', 'pull_request', prMerged],
  ['GITHUB_TRIGGER_PUSH', 'push', pushFixture],
  ['GITHUB_TRIGGER_RELEASE_PUBLISHED', 'release', releasePublished],
  ['GITHUB_TRIGGER_ISSUE_COMMENT_CREATED', 'issue_comment', commentCreated],
  ['GITHUB_TRIGGER_STAR_CREATED', 'star', starCreated],
];

describe('github catalog definition', () => {
  it('declares the issue\'s triggers with exact names, each a per-subscription webhook with owner and repo', () => {
    expect(githubIntegration.triggers.map((t) => t.type)).toEqual(EXPECTED.map(([t]) => t));
    for (const t of githubIntegration.triggers) {
      expect(t.source.kind, t.type).toBe('webhook');
      expect(t.parameters.map((p) => [p.id, p.type, p.required])).toEqual([['owner', 'TEXT', true], ['repo', 'TEXT', true]]);
      expect(t.docsUrl).toMatch(/^https:\/\/docs\.github\.com\/en\/webhooks\/webhook-events-and-payloads#/);
    }
    expect(githubIntegration.defaultHeaders).toEqual({ accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' });
  });

  it('validates owner and repo so they can never change the API path', () => {
    const [owner, repo] = repoParameters;
    expect(owner!.validate!('Codertocat')).toBeNull();
    expect(owner!.validate!('my-org')).toBeNull();
    for (const bad of ['', '../x', 'a/b', '-x', 'a'.repeat(40), 'a b']) expect(owner!.validate!(bad), bad).not.toBeNull();
    expect(repo!.validate!('Hello-World')).toBeNull();
    expect(repo!.validate!('my.repo_name')).toBeNull();
    for (const bad of ['', '..', '.', 'a/b', 'x?y', 'a'.repeat(101)]) expect(repo!.validate!(bad), bad).not.toBeNull();
  });

  it('each trigger fires for its own event and action only, with the whole webhook body as payload', () => {
    const bodies: Array<[string, unknown]> = [
      ['issues', issuesOpened], ['issues', issuesClosed], ['pull_request', prOpened], ['pull_request', prMerged],
      ['pull_request', prUnmerged], ['push', pushFixture], ['release', releasePublished], ['issue_comment', commentCreated],
      ['star', starCreated], ['star', { ...starCreated, action: 'deleted', starred_at: null }], ['release', { ...releasePublished, action: 'created' }],
    ];
    for (const [type, , expectedBody] of EXPECTED) {
      for (const [event, body] of bodies) {
        const items = source(type).toItems(fakeDelivery(event, body, 'guid-1'), {} as WebhookContext<RepoParams>) as Array<{ key: string; payload: unknown }>;
        const fires = body === expectedBody;
        expect(items.length, `${type} ← ${event}/${String((body as { action?: string }).action)}`).toBe(fires ? 1 : 0);
        if (fires) expect(items[0]).toEqual({ key: 'guid-1', payload: body });
      }
      expect(source(type).toItems(fakeDelivery('ping', pingFixture), {} as WebhookContext<RepoParams>)).toEqual([]);
    }
  });

  it('each trigger fires for its own published example (@octokit/webhooks-examples) only', () => {
    const deliveries: Array<[string | null, string, unknown]> = [
      ...Object.entries(TRIGGER_DELIVERIES).map(([type, d]): [string, string, unknown] => [type, d.event, d.payload]),
      [null, 'pull_request', pullRequestClosedUnmerged],
    ];
    expect(deliveries.map(([type]) => type).filter((x) => x !== null).sort()).toEqual(EXPECTED.map(([t]) => t).sort());
    for (const [type] of EXPECTED) {
      for (const [firesFor, event, body] of deliveries) {
        const items = source(type).toItems(fakeDelivery(event, body, 'guid-1'), {} as WebhookContext<RepoParams>) as Array<{ key: string; payload: unknown }>;
        expect(items, `${type} ← published ${event}/${String((body as { action?: string }).action)}`).toEqual(firesFor === type ? [{ key: 'guid-1', payload: body }] : []);
      }
    }
  });
});

describe('github signature (X-Hub-Signature-256)', () => {
  it('accepts GitHub\'s published test vector, which GitHub\'s own signer (used by the fake GitHub) produces', async () => {
    const secret = "It's a Secret to Everybody";
    const header = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    expect(await sign(secret, 'Hello, World!')).toBe(header);
    const req = { method: 'POST', url: '/hooks/s/x', headers: { 'x-hub-signature-256': header }, rawBody: Buffer.from('Hello, World!') };
    expect(verifyRequest(githubSignatureScheme, req, { secret }, Date.now())).toEqual({ ok: true });
    expect(signRequest(githubSignatureScheme, { ...req, headers: {} }, { secret }, Date.now())).toEqual({ 'x-hub-signature-256': header });
    expect(verifyRequest(githubSignatureScheme, { ...req, rawBody: Buffer.from('Hello, World?') }, { secret }, Date.now())).toMatchObject({ reason: 'bad_signature' });
    expect(verifyRequest(githubSignatureScheme, { ...req, headers: { 'x-hub-signature': 'sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59' } }, { secret }, Date.now())).toMatchObject({ reason: 'missing_signature' });
  });
});

describe('github hooks against the fake GitHub over HTTP', () => {
  let gh: FakeGithub;
  let receiver: FakeReceiver;
  let now = Date.now();
  const http = (token = TOKEN) => createProviderHttp({
    integration: githubIntegration, apiBaseUrl: gh.url,
    auth: { canRefresh: false, headers: async () => ({ authorization: `Bearer ${token}` }) },
  });
  const ctx = (params: RepoParams, extra: Partial<WebhookContext<RepoParams>> & { hookUrl?: string; secret?: string } = {}) => ({
    http: http(),
    params,
    credential: { id: 'cred-1', providerAccountId: '1', extra: {} },
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined },
    signal: AbortSignal.timeout(10_000),
    now: () => now,
    state: {},
    hookUrl: `${receiver.url}hooks/s/sub-1`,
    secret: 'sub-secret-1',
    ...extra,
  });
  const failure = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (err) {
      return err as ProviderError;
    }
    throw new Error('expected a ProviderError');
  };
  const repo = { owner: 'Codertocat', repo: 'Hello-World' };

  beforeAll(async () => {
    receiver = await startFakeReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });
  beforeEach(async () => {
    gh = await startFakeGithub();
    gh.validTokens.add(TOKEN);
    gh.repos.add('Codertocat/Hello-World');
    now = Date.now();
  });
  afterEach(async () => {
    await gh.close();
  });

  it('creates a JSON hook for exactly the trigger\'s event with the subscription secret, and deletes it', async () => {
    const s = source('GITHUB_TRIGGER_PULL_REQUEST_MERGED');
    const reg = await s.register(ctx(repo));
    expect(reg.secret).toBeUndefined();
    expect(reg.state).toEqual({ hookId: 30, owner: 'Codertocat', repo: 'Hello-World', event: 'pull_request' });
    const call = gh.requests.find((r) => r.method === 'POST')!;
    expect(call.path).toBe('/repos/Codertocat/Hello-World/hooks');
    expect(call.headers).toMatchObject({ accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' });
    expect(call.body).toEqual({
      name: 'web', active: true, events: ['pull_request'],
      config: { url: `${receiver.url}hooks/s/sub-1`, content_type: 'json', secret: 'sub-secret-1', insecure_ssl: '0' },
    });
    expect(gh.hooks.get(30)).toMatchObject({ events: ['pull_request'], config: { content_type: 'json', secret: 'sub-secret-1' } });

    await s.unregister(ctx(repo, { state: reg.state }));
    expect(gh.hooks.size).toBe(0);
    expect(gh.deletedHooks.map((h) => h.id)).toEqual([30]);
    expect(gh.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/repos/Codertocat/Hello-World/hooks/30' });
    // Deleted already (by hand, or a second teardown): 404 is fine.
    await expect(s.unregister(ctx(repo, { state: reg.state }))).resolves.toBeUndefined();
  });

  it('verifies, ignores the ping, keys by X-GitHub-Delivery and keeps that key on redelivery', async () => {
    const s = source('GITHUB_TRIGGER_ISSUE_CREATED');
    const reg = await s.register(ctx(repo));
    await Promise.all(gh.pings);
    const ping = inbound(receiver.requests.at(-1)!);
    expect(ping.headers['x-github-event']).toBe('ping');
    const config = { verification: s.verification };
    expect(classifyInbound(config, ping, { secret: 'sub-secret-1' }, now).kind).toBe('event');
    expect(await s.toItems(ping, ctx(repo, { state: reg.state }))).toEqual([]);

    const delivery = await gh.deliver(reg.state.hookId as number, 'issues', issuesOpened);
    const first = inbound(receiver.requests.at(-1)!);
    expect(classifyInbound(config, first, { secret: 'sub-secret-1' }, now).kind).toBe('event');
    expect(classifyInbound(config, first, { secret: 'another-subscription-secret' }, now).kind).toBe('rejected');
    expect(s.deliveryId!(first)).toBe(delivery.guid);
    const items = await s.toItems(first, ctx(repo, { state: reg.state }));
    expect(items).toEqual([{ key: delivery.guid, payload: issuesOpened }]);

    await gh.redeliver(delivery.guid);
    const again = inbound(receiver.requests.at(-1)!);
    expect(s.deliveryId!(again)).toBe(delivery.guid);
    expect(await s.toItems(again, ctx(repo, { state: reg.state }))).toEqual(items);

    await gh.deliver(reg.state.hookId as number, 'issues', issuesOpened, { secretOverride: 'forged' });
    expect(classifyInbound(config, inbound(receiver.requests.at(-1)!), { secret: 'sub-secret-1' }, now)).toMatchObject({ kind: 'rejected', failure: { reason: 'bad_signature' } });
  });

  it('refuses an unknown repository (404) and a duplicate hook (422) with readable messages', async () => {
    const s = source('GITHUB_TRIGGER_PUSH');
    const missing = await failure(s.register(ctx({ owner: 'Codertocat', repo: 'nope' })));
    expect(missing).toMatchObject({ kind: 'permanent', status: 404 });
    expect(missing.message).toContain('admin:repo_hook');
    await s.register(ctx(repo));
    const dup = await failure(s.register(ctx(repo)));
    expect(dup).toMatchObject({ kind: 'permanent', status: 422 });
    expect(dup.message).toContain('Hook already exists on this repository');
  });

  it('surfaces GitHub\'s limit of 20 hooks per event on one repository', async () => {
    const s = source('GITHUB_TRIGGER_PUSH');
    gh.autoPing = false;
    for (let i = 0; i < 19; i++) await s.register(ctx(repo, { hookUrl: `${receiver.url}hooks/s/sub-${i}` }));
    await s.register(ctx(repo, { hookUrl: `${receiver.url}hooks/s/sub-19` }));
    const full = await failure(s.register(ctx(repo, { hookUrl: `${receiver.url}hooks/s/sub-20` })));
    expect(full).toMatchObject({ kind: 'permanent', status: 422 });
    expect(full.message).toContain('The "push" event cannot have more than 20 hooks');
    // Another event on the same repository still has room.
    await expect(source('GITHUB_TRIGGER_STAR_CREATED').register(ctx(repo, { hookUrl: `${receiver.url}hooks/s/sub-21` }))).resolves.toBeDefined();
  });

  it('classifies GitHub rate limits (403/429) as rate_limited with the wait, other 403s as permanent', async () => {
    const s = source('GITHUB_TRIGGER_PUSH');
    gh.rateLimitNext('primary', { resetInSeconds: 120 });
    const primary = await failure(s.register(ctx(repo)));
    expect(primary).toMatchObject({ kind: 'rate_limited', status: 403 });
    expect(primary.retryAfterMs).toBeGreaterThan(110_000);
    expect(primary.retryAfterMs).toBeLessThanOrEqual(121_000);

    gh.rateLimitNext('secondary', { retryAfter: 30 });
    expect(await failure(s.register(ctx(repo)))).toMatchObject({ kind: 'rate_limited', status: 403, retryAfterMs: 30_000 });
    gh.rateLimitNext('secondary');
    expect(await failure(s.register(ctx(repo)))).toMatchObject({ kind: 'rate_limited', status: 403, retryAfterMs: 60_000 });
    gh.rateLimitNext('secondary-429');
    expect(await failure(s.register(ctx(repo)))).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 60_000 });

    gh.failNext(1, 403, {}, { message: 'Resource not accessible by integration' });
    expect(await failure(s.register(ctx(repo)))).toMatchObject({ kind: 'permanent', status: 403, message: expect.stringContaining('Resource not accessible') });
    gh.failNext(1, 502);
    expect(await failure(s.register(ctx(repo)))).toMatchObject({ kind: 'transient', status: 502 });
    // Rate limits on teardown are reported the same way.
    const reg = await s.register(ctx(repo));
    gh.rateLimitNext('primary');
    expect(await failure(s.unregister(ctx(repo, { state: reg.state })))).toMatchObject({ kind: 'rate_limited' });
    expect(gh.hooks.size).toBe(1);
  });

  it('reports a refused token as auth, and finds the account id with GET /user', async () => {
    const s = source('GITHUB_TRIGGER_STAR_CREATED');
    expect(await failure(s.register({ ...ctx(repo), http: http('gho_revoked') }))).toMatchObject({ kind: 'auth', status: 401 });
    expect(await githubAccount(http())).toEqual({ providerAccountId: '1', extra: { login: 'octocat' } });
    expect(await githubIntegration.accountId!({ http: http(), token: { accessToken: TOKEN } })).toEqual({ providerAccountId: '1', extra: { login: 'octocat' } });
  });

  it('githubLimitError reads x-ratelimit-reset relative to the clock', () => {
    const reset = Math.floor(now / 1000) + 60;
    const err = githubLimitError({ status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }, body: { message: 'API rate limit exceeded' } }, now);
    expect(err.kind).toBe('rate_limited');
    expect(err.retryAfterMs).toBe(reset * 1000 - now);
    expect(githubLimitError({ status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1' }, body: null }, now).retryAfterMs).toBe(0);
  });
});
