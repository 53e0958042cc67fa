// GitLab, source level: the X-Gitlab-Token check (shared secret, constant time), the projectId parameter
// (numeric id or full path, URL-encoded into the API path), hook registration and removal and the hourly
// check against the fake GitLab over real HTTP (body, 403/404/422, rate limits, 5xx, disabled hooks), and
// which deliveries each trigger fires for with which key (stable across GitLab's retries).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { signRequest, verifyRequest, type HttpClient, type InboundRequest, type WebhookSource } from '../../src/sdk/index.js';
import { gitlabAccount, gitlabMessage, projectIdProblem, projectPath, type ProjectParams } from '../../src/integrations/gitlab/api.js';
import { gitlabIntegration } from '../../src/integrations/gitlab/integration.js';
import { GITLAB_TOKEN_SCHEME, gitlabDeliveryId, parseGitlabTime } from '../../src/integrations/gitlab/webhook.js';
import { branchFilterProblem } from '../../src/integrations/gitlab/triggers/push.js';
import { validateParameters } from '../../src/engine/parameters.js';
import issueOpened from '../../src/integrations/gitlab/fixtures/issue-opened.json' with { type: 'json' };
import issueClosed from '../../src/integrations/gitlab/fixtures/issue-closed.json' with { type: 'json' };
import mrOpened from '../../src/integrations/gitlab/fixtures/merge-request-opened.json' with { type: 'json' };
import mrMerged from '../../src/integrations/gitlab/fixtures/merge-request-merged.json' with { type: 'json' };
import pushFixture from '../../src/integrations/gitlab/fixtures/push.json' with { type: 'json' };
import pipelineFailed from '../../src/integrations/gitlab/fixtures/pipeline-failed.json' with { type: 'json' };
import { startFakeGitlab, type FakeGitlab } from '../providers/gitlab.js';

const silent = { debug() {}, info() {}, warn() {} };
const TOKEN = 'valid-oauth-token';

function source(type: string): WebhookSource<ProjectParams> {
  const t = gitlabIntegration.triggers.find((x) => x.type === type);
  if (!t || t.source.kind !== 'webhook') throw new Error(`no webhook trigger ${type}`);
  return t.source as WebhookSource<ProjectParams>;
}

function delivery(event: string, body: unknown, headers: Record<string, string> = {}): InboundRequest {
  const rawBody = Buffer.from(JSON.stringify(body));
  return { method: 'POST', url: '/hooks/s/x', headers: { 'content-type': 'application/json', 'x-gitlab-event': event, ...headers }, rawBody, body: JSON.parse(rawBody.toString('utf8')) };
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe('gitlab', () => {
  let gl: FakeGitlab;
  let http: HttpClient;
  const ctx = (params: ProjectParams = { projectId: 'gitlabhq/gitlab-test' }) => ({
    http, params, credential: { id: 'cred-1', providerAccountId: '4242', extra: {} }, log: silent, signal: AbortSignal.timeout(10_000), now: Date.now,
  });
  const reg = (type: string, projectId = 'gitlabhq/gitlab-test', hookUrl = 'https://ot.example/hooks/s/sub-1') =>
    source(type).register({ ...ctx({ projectId }), hookUrl, secret: 'f'.repeat(64) });

  beforeEach(async () => {
    gl = await startFakeGitlab();
    gl.validTokens.add(TOKEN);
    gl.projects.push({ id: 1, path: 'gitlabhq/gitlab-test', role: 'maintainer' }, { id: 7, path: 'acme/platform/api', role: 'owner' }, { id: 9, path: 'acme/read-only', role: 'developer' });
    http = createProviderHttp({ integration: gitlabIntegration, apiBaseUrl: gl.url, auth: { canRefresh: false, headers: async () => ({ authorization: `Bearer ${TOKEN}` }) } });
  });
  afterEach(async () => {
    await gl.close();
  });

  it('declares the triggers, OAuth 2 with PKCE and the api scope, and the gitlab.com API base', () => {
    expect(gitlabIntegration.key).toBe('gitlab');
    expect(gitlabIntegration.triggers.map((t) => t.type)).toEqual([
      'GITLAB_TRIGGER_ISSUE_CREATED', 'GITLAB_TRIGGER_ISSUE_CLOSED', 'GITLAB_TRIGGER_MERGE_REQUEST_OPENED',
      'GITLAB_TRIGGER_MERGE_REQUEST_MERGED', 'GITLAB_TRIGGER_PUSH', 'GITLAB_TRIGGER_PIPELINE_FAILED',
    ]);
    expect(gitlabIntegration.auth).toMatchObject({
      kind: 'oauth2', authorizationUrl: 'https://gitlab.com/oauth/authorize', tokenUrl: 'https://gitlab.com/oauth/token', scopes: ['api'], pkce: true,
    });
    expect(gitlabIntegration.apiBaseUrl).toBe('https://gitlab.com/api/v4');
    for (const t of gitlabIntegration.triggers) {
      expect(t.docsUrl).toMatch(/^https:\/\/docs\.gitlab\.com\//);
      expect(t.parameters.map((p) => [p.id, p.type, p.required])).toEqual(
        t.type === 'GITLAB_TRIGGER_PUSH' ? [['projectId', 'TEXT', true], ['branch', 'TEXT', false]] : [['projectId', 'TEXT', true]],
      );
      expect(t.source.kind === 'webhook' && t.source.redeliveryDays).toBeFalsy(); // resend window not documented: markers stay
    }
  });

  it('identifies the connected user by numeric id and keeps the username', async () => {
    expect(await gitlabAccount(http)).toEqual({ providerAccountId: '4242', extra: { username: 'jsmith' } });
    expect(gl.requests.at(-1)).toMatchObject({ method: 'GET', path: '/api/v4/user', auth: `Bearer ${TOKEN}` });
  });

  describe('projectId parameter', () => {
    it('accepts numeric ids and full paths, and refuses what could leave the project path', () => {
      for (const ok of ['42', 'gitlab-org/gitlab', 'acme/platform/api', 'my.group/my_project-2', ' 42 ']) expect(projectIdProblem(ok), ok).toBeNull();
      for (const bad of ['', 'gitlab', '0', '../../user', 'acme/../x', 'acme/x?y=1', 'acme/x#y', 'acme/x%2Fy', 'acme//x', '/acme/x', 'acme/x/', 'acme/.x', 'acme/x.', 42.5, null, {}, 'a/'.repeat(25) + 'b']) {
        expect(projectIdProblem(bad), JSON.stringify(bad)).toMatch(/GitLab project id/);
      }
    });

    it('puts a path into the API URL-encoded, as GitLab takes namespaced paths', () => {
      expect(projectPath('acme/platform/api')).toBe('/projects/acme%2Fplatform%2Fapi');
      expect(projectPath(' 42 ')).toBe('/projects/42');
    });
  });

  describe('verification (X-Gitlab-Token)', () => {
    it('accepts exactly the subscription secret, in the header GitLab sends it in', () => {
      const req = { method: 'POST', url: '/hooks/s/x', headers: { 'x-gitlab-token': 'the-secret' }, rawBody: Buffer.from('{"object_kind":"push"}') };
      expect(verifyRequest(GITLAB_TOKEN_SCHEME, req, { secret: 'the-secret' }, Date.now())).toEqual({ ok: true });
      expect(signRequest(GITLAB_TOKEN_SCHEME, req, { secret: 'the-secret' }, Date.now())).toEqual({ 'x-gitlab-token': 'the-secret' });
      expect(verifyRequest(GITLAB_TOKEN_SCHEME, { ...req, headers: { 'x-gitlab-token': 'the-secreT' } }, { secret: 'the-secret' }, Date.now()).ok).toBe(false);
      expect(verifyRequest(GITLAB_TOKEN_SCHEME, { ...req, headers: { 'x-gitlab-token': 'the-secret ' } }, { secret: 'the-secret' }, Date.now()).ok).toBe(false);
      expect(verifyRequest(GITLAB_TOKEN_SCHEME, { ...req, headers: {} }, { secret: 'the-secret' }, Date.now()).ok).toBe(false);
      // Another header carrying the secret is not GitLab's.
      expect(verifyRequest(GITLAB_TOKEN_SCHEME, { ...req, headers: { authorization: 'the-secret' } }, { secret: 'the-secret' }, Date.now()).ok).toBe(false);
    });
  });

  describe('register / unregister / check', () => {
    it('adds a hook with our URL, the secret as token, TLS verified and only the trigger\'s switch on; deletes it by the numeric project id', async () => {
      const r = await reg('GITLAB_TRIGGER_ISSUE_CREATED');
      expect(r).toEqual({ state: { hookId: 100, projectId: '1', event: 'Issue Hook' } });
      const post = gl.requests.find((q) => q.method === 'POST')!;
      expect(post.rawPath).toBe('/api/v4/projects/gitlabhq%2Fgitlab-test/hooks');
      expect(post.body).toEqual({
        url: 'https://ot.example/hooks/s/sub-1', token: 'f'.repeat(64), enable_ssl_verification: true,
        issues_events: true, merge_requests_events: false, push_events: false, pipeline_events: false,
      });
      const hook = gl.hooks.get(100)!;
      expect(hook.flags).toMatchObject({ issues_events: true, push_events: false, merge_requests_events: false, pipeline_events: false, note_events: false });

      const s = source('GITLAB_TRIGGER_ISSUE_CREATED');
      const wctx = { ...ctx(), state: r.state };
      expect(await s.check!(wctx)).toBe('active');
      expect(gl.requests.at(-1)).toMatchObject({ method: 'GET', rawPath: '/api/v4/projects/1/hooks/100' });
      await s.unregister(wctx);
      expect(gl.requests.at(-1)).toMatchObject({ method: 'DELETE', rawPath: '/api/v4/projects/1/hooks/100' });
      expect(gl.hooks.size).toBe(0);
      // Already gone: done, and the check says so.
      await s.unregister(wctx);
      expect(await s.check!(wctx)).toBe('gone');
      expect(await s.check!({ ...ctx(), state: {} })).toBe('gone');
    });

    it('sends the push trigger\'s optional branch as GitLab\'s branch filter, and nothing without it', async () => {
      const s = source('GITLAB_TRIGGER_PUSH');
      await s.register({ ...ctx({ projectId: '7', branch: ' release/* ' } as ProjectParams), hookUrl: 'https://ot.example/hooks/s/a', secret: 'a'.repeat(64) });
      await s.register({ ...ctx({ projectId: '7' }), hookUrl: 'https://ot.example/hooks/s/b', secret: 'b'.repeat(64) });
      const [withBranch, without] = gl.requests.filter((q) => q.method === 'POST').map((q) => q.body);
      expect(withBranch).toMatchObject({ push_events: true, push_events_branch_filter: 'release/*' });
      expect(without).not.toHaveProperty('push_events_branch_filter');
      expect(gl.hooks.get(100)!.branchFilter).toBe('release/*');
      // Validated like every parameter, before anything is sent.
      const defs = gitlabIntegration.triggers.find((t) => t.type === 'GITLAB_TRIGGER_PUSH')!.parameters;
      expect(validateParameters(defs, { projectId: 'acme/api', branch: 'main' })).toEqual({ projectId: 'acme/api', branch: 'main' });
      expect(validateParameters(defs, { projectId: 'acme/api', branch: '' })).toEqual({ projectId: 'acme/api' });
      expect(() => validateParameters(defs, { projectId: 'acme/api', branch: 'x'.repeat(256) })).toThrow(/parameters\.branch: must be a branch name/);
      expect(() => validateParameters(defs, { projectId: 'acme/api', branch: 'a\nb' })).toThrow(/parameters\.branch/);
      expect(() => validateParameters(defs, { projectId: 42 })).toThrow(/parameters\.projectId: must be a string/);
      expect(branchFilterProblem('   ')).toMatch(/branch name/);
      expect(branchFilterProblem(undefined)).toBeNull();
    });

    it('turns on push_events for the push trigger and pipeline_events for pipeline failures', async () => {
      await reg('GITLAB_TRIGGER_PUSH', '7');
      await reg('GITLAB_TRIGGER_PIPELINE_FAILED', 'acme/platform/api');
      await reg('GITLAB_TRIGGER_MERGE_REQUEST_MERGED', '7');
      const flags = [...gl.hooks.values()].map((h) => Object.entries(h.flags).filter(([, on]) => on).map(([f]) => f));
      expect(flags).toEqual([['push_events'], ['pipeline_events'], ['merge_requests_events']]);
    });

    it('reports a hook GitLab disabled (permanently or for a while) as inactive', async () => {
      const r = await reg('GITLAB_TRIGGER_PUSH');
      const s = source('GITLAB_TRIGGER_PUSH');
      const hook = gl.hooks.get(r.state.hookId as number)!;
      hook.alert_status = 'temporarily_disabled';
      hook.disabled_until = new Date(Date.now() + 3_600_000).toISOString();
      expect(await s.check!({ ...ctx(), state: r.state })).toBe('inactive');
      hook.alert_status = 'disabled';
      expect(await s.check!({ ...ctx(), state: r.state })).toBe('inactive');
      // The check could not tell: it throws rather than guessing.
      gl.failNext(1, 502);
      await expect(s.check!({ ...ctx(), state: r.state })).rejects.toMatchObject({ kind: 'transient' });
    });

    it('reports GitLab\'s refusals: unknown project, Developer role, blocked URL, rate limit, 5xx, revoked token', async () => {
      await expect(reg('GITLAB_TRIGGER_ISSUE_CREATED', 'acme/nope')).rejects.toMatchObject({ kind: 'permanent', status: 404, message: expect.stringContaining('acme/nope was not found') });
      await expect(reg('GITLAB_TRIGGER_ISSUE_CREATED', 'acme/read-only')).rejects.toMatchObject({ kind: 'permanent', status: 403, message: expect.stringContaining('Maintainer role') });
      await expect(reg('GITLAB_TRIGGER_ISSUE_CREATED', '1', 'ftp://ot.example/x')).rejects.toMatchObject({ kind: 'permanent', status: 422, message: expect.stringContaining('url is blocked') });
      gl.rateLimitNext(30);
      await expect(reg('GITLAB_TRIGGER_ISSUE_CREATED')).rejects.toMatchObject({ kind: 'rate_limited', retryAfterMs: 30_000 });
      gl.failNext(1, 503);
      await expect(reg('GITLAB_TRIGGER_ISSUE_CREATED')).rejects.toMatchObject({ kind: 'transient' });
      gl.validTokens.clear();
      await expect(reg('GITLAB_TRIGGER_ISSUE_CREATED')).rejects.toMatchObject({ kind: 'auth', status: 401 });
      expect(gl.hooks.size).toBe(0);
    });

    it('reads GitLab\'s error bodies', () => {
      expect(gitlabMessage({ message: '404 Project Not Found' })).toBe('404 Project Not Found');
      expect(gitlabMessage({ message: { url: ['is blocked: Requests to localhost are not allowed'] } })).toBe('url is blocked: Requests to localhost are not allowed');
      expect(gitlabMessage({ error: 'url is missing' })).toBe('url is missing');
      expect(gitlabMessage(null)).toBeUndefined();
    });
  });

  describe('toItems', () => {
    const c = () => ({ ...ctx(), state: {} });
    const items = async (type: string, event: string, body: unknown, headers: Record<string, string> = {}) => source(type).toItems(delivery(event, body, headers), c());

    it('each trigger fires on its own event and action only, with the whole body and a key from the payload', async () => {
      expect(await items('GITLAB_TRIGGER_ISSUE_CREATED', 'Issue Hook', issueOpened)).toEqual([
        { key: 'issue:301:open', payload: issueOpened, occurredAt: Date.parse('2013-12-03T17:15:43Z') },
      ]);
      expect(await items('GITLAB_TRIGGER_ISSUE_CLOSED', 'Issue Hook', issueClosed)).toEqual([
        { key: 'issue:301:close:2013-12-05T09:12:02Z', payload: issueClosed, occurredAt: Date.parse('2013-12-05T09:12:02Z') },
      ]);
      expect(await items('GITLAB_TRIGGER_MERGE_REQUEST_OPENED', 'Merge Request Hook', mrOpened)).toMatchObject([{ key: 'merge_request:99:open', payload: mrOpened }]);
      expect(await items('GITLAB_TRIGGER_MERGE_REQUEST_MERGED', 'Merge Request Hook', mrMerged)).toMatchObject([{ key: 'merge_request:99:merge', payload: mrMerged }]);
      expect(await items('GITLAB_TRIGGER_PUSH', 'Push Hook', pushFixture)).toEqual([
        { key: 'push:refs/heads/master:95790bf891e76fee5e1747ab589903a6a1f80f22:da1560886d4f094c3e6c9ef40349f7d38b5d27d7', payload: pushFixture },
      ]);
      expect(await items('GITLAB_TRIGGER_PIPELINE_FAILED', 'Pipeline Hook', pipelineFailed)).toEqual([
        { key: 'pipeline:31:failed:2016-08-12 15:26:29 UTC', payload: pipelineFailed, occurredAt: Date.parse('2016-08-12T15:26:29Z') },
      ]);

      // Other actions and statuses of the same event: nothing.
      expect(await items('GITLAB_TRIGGER_ISSUE_CREATED', 'Issue Hook', issueClosed)).toEqual([]);
      expect(await items('GITLAB_TRIGGER_ISSUE_CLOSED', 'Issue Hook', issueOpened)).toEqual([]);
      expect(await items('GITLAB_TRIGGER_MERGE_REQUEST_MERGED', 'Merge Request Hook', mrOpened)).toEqual([]);
      const closedUnmerged = clone(mrMerged);
      closedUnmerged.object_attributes.action = 'close';
      closedUnmerged.object_attributes.state = 'closed';
      expect(await items('GITLAB_TRIGGER_MERGE_REQUEST_MERGED', 'Merge Request Hook', closedUnmerged)).toEqual([]);
      const running = clone(pipelineFailed);
      running.object_attributes.status = 'running';
      expect(await items('GITLAB_TRIGGER_PIPELINE_FAILED', 'Pipeline Hook', running)).toEqual([]);
      // Another event reaching the hook URL (a "Test" from the hook settings, say): nothing.
      expect(await items('GITLAB_TRIGGER_ISSUE_CREATED', 'Push Hook', pushFixture)).toEqual([]);
      expect(await items('GITLAB_TRIGGER_PUSH', 'Tag Push Hook', { ...pushFixture, object_kind: 'tag_push', ref: 'refs/tags/v1.0.0' })).toEqual([]);
      // A task (a work item that is not an issue) sent on the issue hook: not an issue.
      expect(await items('GITLAB_TRIGGER_ISSUE_CREATED', 'Issue Hook', { ...issueOpened, object_kind: 'work_item', object_attributes: { ...issueOpened.object_attributes, type: 'Task' } })).toEqual([]);
    });

    it('keys do not depend on the delivery: a retry with another X-Gitlab-Event-UUID, or a resend, has the same key', async () => {
      const a = await items('GITLAB_TRIGGER_PUSH', 'Push Hook', pushFixture, { 'idempotency-key': 'k-1', 'x-gitlab-event-uuid': 'u-1' });
      const b = await items('GITLAB_TRIGGER_PUSH', 'Push Hook', pushFixture, { 'idempotency-key': 'k-2', 'x-gitlab-event-uuid': 'u-2' });
      expect((a as Array<{ key: string }>)[0]!.key).toBe((b as Array<{ key: string }>)[0]!.key);
      // A second close after a reopen is a new event; a pipeline that fails again after a retry too.
      const closedAgain = clone(issueClosed);
      closedAgain.object_attributes.updated_at = '2013-12-09T10:00:00Z';
      expect(await items('GITLAB_TRIGGER_ISSUE_CLOSED', 'Issue Hook', closedAgain)).toMatchObject([{ key: 'issue:301:close:2013-12-09T10:00:00Z' }]);
      const failedAgain = clone(pipelineFailed);
      failedAgain.object_attributes.finished_at = '2016-08-12 16:01:00 UTC';
      expect(await items('GITLAB_TRIGGER_PIPELINE_FAILED', 'Pipeline Hook', failedAgain)).toMatchObject([{ key: 'pipeline:31:failed:2016-08-12 16:01:00 UTC' }]);
      // A payload without the fields a key is built from still fires, keyed by its bytes (the same on a retry).
      const bare = { object_kind: 'issue', object_attributes: { action: 'open' } };
      const k1 = await items('GITLAB_TRIGGER_ISSUE_CREATED', 'Issue Hook', bare);
      expect(k1).toMatchObject([{ key: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) }]);
      expect(await items('GITLAB_TRIGGER_ISSUE_CREATED', 'Issue Hook', bare)).toEqual(k1);
    });

    it('logs the Idempotency-Key as delivery id, else X-Gitlab-Event-UUID; parses both GitLab time formats', () => {
      expect(gitlabDeliveryId(delivery('Push Hook', {}, { 'idempotency-key': 'k-1', 'x-gitlab-event-uuid': 'u-1' }))).toBe('k-1');
      expect(gitlabDeliveryId(delivery('Push Hook', {}, { 'x-gitlab-event-uuid': 'u-1' }))).toBe('u-1');
      expect(gitlabDeliveryId(delivery('Push Hook', {}))).toBeUndefined();
      expect(parseGitlabTime('2016-08-12 15:26:29 UTC')).toBe(Date.UTC(2016, 7, 12, 15, 26, 29));
      expect(parseGitlabTime('2013-12-03T17:15:43Z')).toBe(Date.UTC(2013, 11, 3, 17, 15, 43));
      expect(parseGitlabTime('not a date')).toBeUndefined();
      expect(parseGitlabTime(null)).toBeUndefined();
    });

    it('ignores a body that is not a JSON object', async () => {
      const req: InboundRequest = { method: 'POST', url: '/hooks/s/x', headers: { 'x-gitlab-event': 'Push Hook' }, rawBody: Buffer.from('not json'), body: 'not json' };
      expect(await source('GITLAB_TRIGGER_PUSH').toItems(req, c())).toEqual([]);
    });
  });
});
