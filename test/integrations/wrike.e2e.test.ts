// Wrike end to end through the public API, on SQLite and PostgreSQL: subscribe → the fake Wrike (its host standing in
// as `${url}/{host}/api/v4`, filled from the credential's `extra.host`) gets a folder webhook for our per-subscription URL
// with `?token=<secret>` and the trigger's event → Wrike posts an array of events there → the task or comment is read
// back → exactly one signed delivery → a resend of the same event adds nothing → unsubscribe → the webhook is deleted.
// Plus wrong or missing tokens refused, errors mapped at subscribe time, the hourly check re-creating a deleted or
// suspended webhook, and connecting through OAuth with the host named by the user.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import comment from '../../src/integrations/wrike/fixtures/comment.json' with { type: 'json' };
import events from '../../src/integrations/wrike/fixtures/events.json' with { type: 'json' };
import task from '../../src/integrations/wrike/fixtures/task.json' with { type: 'json' };
import { wrikeIntegration } from '../../src/integrations/wrike/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeWrike, type FakeWrike, type WrikeHook } from '../providers/wrike.js';

const TOKEN = 'wrike-access-token-1';
const FOLDER = 'IEAAAAAQI4AAAAAA';
const API = '/app-eu/api/v4';

describe.each(DIALECTS)('Wrike end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let wr: FakeWrike;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribe = (type: string, parameters: Record<string, unknown> = { folderId: FOLDER }) => user.post(`${base}/trigger-subscriptions`, { integration: 'wrike', type, parameters });
  const subscribed = async (type: string, parameters?: Record<string, unknown>) => {
    const r = await subscribe(type, parameters);
    expect(r.status, r.text).toBe(200);
    return r.body as { id: string; status: string; credentialId: string };
  };
  const hookFor = (id: string): WrikeHook | undefined => [...wr.hooks.values()].find((h) => h.hookUrl.startsWith(`${t.url}/hooks/s/${id}?`));
  const tokenOf = (hook: WrikeHook) => new URL(hook.hookUrl).searchParams.get('token')!;
  const payloads = () => receiver.requests.map((r) => (r.json as { payload: unknown }).payload);

  beforeEach(async () => {
    wr = await startFakeWrike('app-eu');
    wr.tokens.add(TOKEN);
    wr.tasks.set(task.id, task);
    wr.comments.set(comment.id, comment);
    w = await startIntegrationWorld({
      dialect,
      integration: wrikeIntegration,
      config: { apiBaseUrl: `${wr.url}/{host}/api/v4`, authorizationUrl: `${wr.url}/oauth2/authorize/v4`, tokenUrl: `${wr.url}/oauth2/token`, clientId: wr.clientId, clientSecret: wr.clientSecret },
      credential: { accessToken: TOKEN, providerAccountId: 'IEAAAAAQ', extra: { host: 'app-eu' } },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await wr.close();
  });

  it('task created: folder webhook for TaskCreated, task read back, one signed delivery, resend deduplicated, webhook deleted', async () => {
    const sub = await subscribed('WRIKE_TRIGGER_TASK_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ folderId: FOLDER, events: ['TaskCreated'], recursive: false, status: 'Active' });
    expect(tokenOf(hook)).toMatch(/^[0-9a-f]{64}$/);
    expect(wr.requests[0]).toMatchObject({ method: 'POST', path: `${API}/folders/${FOLDER}/webhooks`, token: TOKEN });

    expect((await wr.deliver(hook.id, [events.TaskCreated])).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({ integration: 'wrike', triggerType: 'WRIKE_TRIGGER_TASK_CREATED', triggerSubscriptionId: sub.id, credentialId, projectId: project.id, payload: { event: { ...events.TaskCreated, webhookId: hook.id }, task } });
    expectSignedDelivery(sent!, project.signingSecret);
    expect(wr.requests.some((r) => r.path === `${API}/tasks/${task.id}` && r.token === TOKEN)).toBe(true);

    // Wrike resends the same event; other event types in the same array add nothing.
    expect((await wr.deliver(hook.id, [events.TaskCreated, events.TaskStatusChanged])).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(wr.hooks.size).toBe(0);
    expect(wr.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
    expect(wr.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `${API}/webhooks/${hook.id}` });
  });

  it('status changes (each change) and comments, recursive folder webhooks; deleted objects are skipped', async () => {
    const status = hookFor((await subscribed('WRIKE_TRIGGER_TASK_STATUS_CHANGED', { folderId: FOLDER, recursive: true })).id)!;
    const comments = hookFor((await subscribed('WRIKE_TRIGGER_COMMENT_ADDED')).id)!;
    expect([status.events, status.recursive, comments.events]).toEqual([['TaskStatusChanged'], true, ['CommentAdded']]);

    const reopened = { ...events.TaskStatusChanged, oldStatus: 'Completed', status: 'Active', oldCustomStatusId: 'IEAAAAAQJMAAAAAB', customStatusId: 'IEAAAAAQJMAAAAAA', lastUpdatedDate: '2026-03-02T11:00:00Z' };
    await wr.deliver(status.id, [events.TaskStatusChanged, reopened]);
    await wr.deliver(status.id, [events.TaskStatusChanged]);
    await wr.deliver(comments.id, [events.CommentAdded, { ...events.CommentAdded, commentId: 'IEAAAAAQIMGONE00' }]);
    await worker.drain();
    await receiver.waitFor(3);
    expect(payloads()).toEqual([
      { event: { ...events.TaskStatusChanged, webhookId: status.id }, task },
      { event: { ...reopened, webhookId: status.id }, task },
      { event: { ...events.CommentAdded, webhookId: comments.id }, comment },
    ]);
  });

  it('refuses deliveries with a wrong, foreign or missing token with 401 and stores nothing', async () => {
    const hook = hookFor((await subscribed('WRIKE_TRIGGER_TASK_CREATED')).id)!;
    const other = hookFor((await subscribed('WRIKE_TRIGGER_TASK_CREATED')).id)!;
    const forged = (token: string | null) => {
      const u = new URL(hook.hookUrl);
      if (token === null) u.searchParams.delete('token');
      else u.searchParams.set('token', token);
      return u.toString();
    };
    expect((await wr.deliver(hook.id, [events.TaskCreated], { url: forged('0'.repeat(64)) })).status).toBe(401);
    expect((await wr.deliver(hook.id, [events.TaskCreated], { url: forged(tokenOf(other)) })).status).toBe(401);
    expect((await wr.deliver(hook.id, [events.TaskCreated], { url: forged(null) })).status).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('maps errors at subscribe time and stores nothing: bad parameters, unknown folder, forbidden, rate limit, 5xx, host', async () => {
    for (const [parameters, field] of [[{}, 'folderId'], [{ folderId: '../x' }, 'folderId'], [{ folderId: FOLDER, recursive: 'yes' }, 'recursive']] as const) {
      const r = await subscribe('WRIKE_TRIGGER_TASK_CREATED', parameters);
      expect(r.status, r.text).toBe(400);
      expect(r.text).toContain(field);
    }
    const unknown = await subscribe('WRIKE_TRIGGER_TASK_CREATED', { folderId: 'IEAAAAAQNOPE0000' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toContain('Folder not found');
    wr.failNext(1, 403, { errorDescription: 'Access to folder denied', error: 'access_forbidden' });
    const forbidden = await subscribe('WRIKE_TRIGGER_TASK_CREATED');
    expect(forbidden.status).toBe(422);
    expect(forbidden.body.message).toContain('Wrike 403');
    expect(forbidden.body.message).toContain('Access to folder denied');
    wr.failNext(1, 429, { errorDescription: 'Rate limit exceeded', error: 'rate_limit_exceeded' }, { 'retry-after': '2' });
    expect((await subscribe('WRIKE_TRIGGER_TASK_CREATED')).status).toBe(429);
    wr.failNext(1, 503);
    expect((await subscribe('WRIKE_TRIGGER_TASK_CREATED')).status).toBe(502);
    // A credential must name its host (one label under .wrike.com, never another host).
    const noHost = await user.post(`${base}/credentials`, { integration: 'wrike', accessToken: TOKEN });
    expect(noHost.status).toBe(400);
    expect(noHost.text).toContain('host');
    const evil = await user.post(`${base}/credentials`, { integration: 'wrike', accessToken: TOKEN, extra: { host: 'evil.example.com/x' } });
    expect(evil.status).toBe(400);
    expect(evil.text).toContain('extra.host');
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(wr.hooks.size).toBe(0);

    // A revoked token without a refresh token: refused, and the credential needs reconnecting; the token is never echoed.
    wr.tokens.clear();
    const unauthorized = await subscribe('WRIKE_TRIGGER_TASK_CREATED');
    expect(unauthorized.status).toBe(422);
    expect(unauthorized.text).not.toContain(TOKEN);
    expect(await t.svc.storage.credentials.get(credentialId)).toMatchObject({ status: 'INVALID' });
  });

  it('checks the webhook every hour: one deleted, or suspended after failed deliveries, is created again with a new token', async () => {
    const sub = await subscribed('WRIKE_TRIGGER_COMMENT_ADDED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });
    const first = hookFor(sub.id)!;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(wr.requests.at(-1)).toMatchObject({ method: 'GET', path: `${API}/webhooks/${first.id}` });

    wr.hooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect(second.id).not.toBe(first.id);
    expect(tokenOf(second)).not.toBe(tokenOf(first));
    expect((await wr.deliver(second.id, [events.CommentAdded], { url: first.hookUrl })).status).toBe(401);

    second.status = 'Suspended';
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    expect(wr.deletedHooks.map((h) => h.id)).toEqual([second.id]);
    const third = hookFor(sub.id)!;
    expect(third.status).toBe('Active');
    expect((await wr.deliver(third.id, [events.CommentAdded])).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
  });

  it('unsubscribes when the webhook was already deleted in Wrike (404)', async () => {
    const sub = await subscribed('WRIKE_TRIGGER_TASK_CREATED');
    wr.hooks.delete(hookFor(sub.id)!.id);
    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(wr.requests.at(-1)).toMatchObject({ method: 'DELETE' });
  });

  it('connects through OAuth with the host named in parameters.host, and subscribes with the new token', async () => {
    const connect = (parameters?: Record<string, string>) => user.post(`${base}/connect/wrike`, { redirectUrl: 'https://app.example.com/connected', ...(parameters ? { parameters } : {}) });
    for (const [parameters, why] of [[undefined, 'required'], [{ host: 'evil.example.com' }, 'single host name label']] as const) {
      const r = await connect(parameters);
      expect(r.status, r.text).toBe(400);
      expect(r.body.message).toContain('parameters.host');
      expect(r.body.message).toContain(why);
    }
    // `app-eu.wrike.com` (the token answer's `host`) is accepted: the suffix is removed.
    const start = await connect({ host: 'app-eu.wrike.com' });
    expect(start.status, start.text).toBe(200);
    const authorizationUrl = new URL(start.body.authorizationUrl);
    expect(`${authorizationUrl.origin}${authorizationUrl.pathname}`).toBe(`${wr.url}/oauth2/authorize/v4`);
    expect(Object.fromEntries(authorizationUrl.searchParams)).toMatchObject({ client_id: wr.clientId, response_type: 'code', scope: 'wsReadWrite' });

    wr.codes.set('code-1', 'wrike-connected-token');
    wr.tokens.add('wrike-connected-token');
    const state = encodeURIComponent(authorizationUrl.searchParams.get('state')!);
    const cb = await t.admin.get(`/oauth/callback?code=code-1&state=${state}`);
    expect(cb.status, cb.text).toBe(302);
    const connectedId = new URL(String(cb.headers.location)).searchParams.get('credentialId')!;
    expect(wr.tokenRequests).toEqual([expect.objectContaining({ grant_type: 'authorization_code', code: 'code-1', client_id: wr.clientId, client_secret: wr.clientSecret })]);
    expect(wr.requests.find((r) => r.path === `${API}/account`)).toMatchObject({ token: 'wrike-connected-token' });
    const stored = await t.svc.storage.credentials.get(connectedId);
    expect(stored).toMatchObject({ providerAccountId: 'IEAAAAAQ', secrets: { accessToken: 'wrike-connected-token', refreshToken: 'refresh-wrike-connected-token', extra: { host: 'app-eu', accountName: 'Acme Corp' } } });

    const r = await w.subscribe('WRIKE_TRIGGER_TASK_CREATED', { folderId: FOLDER }, { 'x-paragon-credential': connectedId });
    expect(r.status, r.text).toBe(200);
    expect(wr.requests.at(-1)).toMatchObject({ method: 'POST', path: `${API}/folders/${FOLDER}/webhooks`, token: 'wrike-connected-token' });
  });

  it('a connect naming the wrong data centre fails at the callback: the token is refused on that host', async () => {
    const start = await user.post(`${base}/connect/wrike`, { redirectUrl: 'https://app.example.com/connected', parameters: { host: 'www' } });
    expect(start.status, start.text).toBe(200);
    wr.codes.set('code-2', 'wrike-eu-token');
    wr.tokens.add('wrike-eu-token');
    const state = encodeURIComponent(new URL(start.body.authorizationUrl).searchParams.get('state')!);
    const cb = await t.admin.get(`/oauth/callback?code=code-2&state=${state}`);
    expect(cb.text).not.toContain('wrike-eu-token');
    const location = cb.headers.location ? new URL(String(cb.headers.location)) : null;
    expect(location?.searchParams.get('credentialId') ?? null).toBeNull();
  });
});
