// Basecamp end to end through the public API, on SQLite and PostgreSQL: subscribe → the fake Basecamp (its host
// standing in as `${url}/{accountId}`, filled from the credential's `extra.accountId`) gets a project webhook for our
// per-subscription URL with `?token=<secret>` and the trigger's type → Basecamp posts an unsigned JSON event there →
// exactly one signed delivery → a retry of the same event adds nothing → unsubscribe → the webhook is deleted. Plus
// wrong or missing tokens refused, the to-do list filter, errors mapped at subscribe time, the hourly check re-creating
// a deleted or deactivated webhook, and connecting through Launchpad OAuth with the account named by the user.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import commentCreated from '../../src/integrations/basecamp/fixtures/comment-created.json' with { type: 'json' };
import messageCreated from '../../src/integrations/basecamp/fixtures/message-created.json' with { type: 'json' };
import todoCompleted from '../../src/integrations/basecamp/fixtures/todo-completed.json' with { type: 'json' };
import todoCreated from '../../src/integrations/basecamp/fixtures/todo-created.json' with { type: 'json' };
import { BASECAMP_USER_AGENT, basecampIntegration } from '../../src/integrations/basecamp/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeBasecamp, type BcHook, type FakeBasecamp } from '../providers/basecamp.js';

const TOKEN = 'bc-access-token-1';
const PROJECT = '2085958498';

describe.each(DIALECTS)('Basecamp end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let bc: FakeBasecamp;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribe = (type: string, parameters: Record<string, unknown> = { projectId: PROJECT }) => user.post(`${base}/trigger-subscriptions`, { integration: 'basecamp', type, parameters });
  const subscribed = async (type: string, parameters?: Record<string, unknown>) => {
    const r = await subscribe(type, parameters);
    expect(r.status, r.text).toBe(200);
    return r.body as { id: string; status: string; credentialId: string };
  };
  const hookFor = (id: string): BcHook | undefined => [...bc.hooks.values()].find((h) => h.payload_url.startsWith(`${t.url}/hooks/s/${id}?`));
  const tokenOf = (hook: BcHook) => new URL(hook.payload_url).searchParams.get('token')!;
  const payloads = () => receiver.requests.map((r) => (r.json as { payload: unknown }).payload);

  beforeEach(async () => {
    bc = await startFakeBasecamp('999999999');
    bc.tokens.set(TOKEN, { id: 1049715913, name: 'Victor Cooper' });
    w = await startIntegrationWorld({
      dialect,
      integration: basecampIntegration,
      config: { apiBaseUrl: `${bc.url}/{accountId}`, authorizationUrl: `${bc.url}/authorization/new`, tokenUrl: `${bc.url}/authorization/token`, clientId: bc.clientId, clientSecret: bc.clientSecret },
      credential: { accessToken: TOKEN, providerAccountId: '1049715913', extra: { accountId: '999999999' } },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await bc.close();
  });

  it('to-do created: webhook created in the project, one signed delivery, retry deduplicated, webhook deleted', async () => {
    const sub = await subscribed('BASECAMP_TRIGGER_TODO_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ projectId: Number(PROJECT), types: ['Todo'], active: true });
    expect(tokenOf(hook)).toMatch(/^[0-9a-f]{64}$/);
    expect(bc.requests[0]).toMatchObject({ method: 'POST', path: `/999999999/buckets/${PROJECT}/webhooks.json`, token: TOKEN, userAgent: BASECAMP_USER_AGENT });

    expect((await bc.deliver(hook.id, todoCreated)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({ integration: 'basecamp', triggerType: 'BASECAMP_TRIGGER_TODO_CREATED', triggerSubscriptionId: sub.id, credentialId, projectId: project.id, payload: todoCreated });
    expectSignedDelivery(sent!, project.signingSecret);

    // Basecamp retries the same event; other kinds on the same Todo webhook (completed, title updated) add nothing.
    expect((await bc.deliver(hook.id, todoCreated)).status).toBe(200);
    expect((await bc.deliver(hook.id, todoCompleted)).status).toBe(200);
    expect((await bc.deliver(hook.id, { ...todoCreated, id: 1071916999, kind: 'todo_title_updated' })).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(bc.hooks.size).toBe(0);
    expect(bc.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
    expect(bc.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/999999999/webhooks/${hook.id}.json` });
  });

  it('to-do completed (each completion), filtered by to-do list; message posted and comment added', async () => {
    const done = hookFor((await subscribed('BASECAMP_TRIGGER_TODO_COMPLETED', { projectId: PROJECT, todolistId: '968814030' })).id)!;
    const message = hookFor((await subscribed('BASECAMP_TRIGGER_MESSAGE_CREATED')).id)!;
    const comment = hookFor((await subscribed('BASECAMP_TRIGGER_COMMENT_CREATED')).id)!;
    expect([done.types, message.types, comment.types]).toEqual([['Todo'], ['Message'], ['Comment']]);

    const otherList = { ...todoCompleted, id: 1071916190, recording: { ...todoCompleted.recording, parent: { ...todoCompleted.recording.parent, id: 111 } } };
    const again = { ...todoCompleted, id: 1071916555, created_at: '2026-03-05T09:00:00.000-06:00' };
    await bc.deliver(done.id, otherList);
    await bc.deliver(done.id, todoCompleted);
    await bc.deliver(done.id, again); // reopened and completed again: a new event
    await bc.deliver(message.id, messageCreated);
    await bc.deliver(message.id, { ...messageCreated, id: 1071916241, kind: 'message_content_updated' });
    await bc.deliver(comment.id, commentCreated);
    await worker.drain();
    await receiver.waitFor(4);
    expect(payloads()).toEqual([todoCompleted, again, messageCreated, commentCreated]);
  });

  it('refuses deliveries with a wrong, foreign or missing token with 401 and stores nothing', async () => {
    const hook = hookFor((await subscribed('BASECAMP_TRIGGER_MESSAGE_CREATED')).id)!;
    const other = hookFor((await subscribed('BASECAMP_TRIGGER_MESSAGE_CREATED')).id)!;
    const forged = (token: string | null) => {
      const u = new URL(hook.payload_url);
      if (token === null) u.searchParams.delete('token');
      else u.searchParams.set('token', token);
      return u.toString();
    };
    expect((await bc.deliver(hook.id, messageCreated, { url: forged('0'.repeat(64)) })).status).toBe(401);
    expect((await bc.deliver(hook.id, messageCreated, { url: forged(tokenOf(other)) })).status).toBe(401);
    expect((await bc.deliver(hook.id, messageCreated, { url: forged(null) })).status).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('maps errors at subscribe time and stores nothing: bad parameters, unknown project, client user, limit, rate limit, 5xx, account', async () => {
    for (const [parameters, field] of [[{}, 'projectId'], [{ projectId: '../x' }, 'projectId'], [{ projectId: PROJECT, todolistId: 'abc' }, 'todolistId']] as const) {
      const r = await subscribe('BASECAMP_TRIGGER_TODO_CREATED', parameters);
      expect(r.status, r.text).toBe(400);
      expect(r.text).toContain(field);
    }
    const unknown = await subscribe('BASECAMP_TRIGGER_TODO_CREATED', { projectId: '42' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toContain('project was not found');
    bc.failNext(1, 403, { status: 403, error: 'Forbidden' });
    const client = await subscribe('BASECAMP_TRIGGER_MESSAGE_CREATED');
    expect(client.status).toBe(422);
    expect(client.body.message).toContain('Basecamp 403');
    bc.failNext(1, 507, { status: 507, error: 'Webhook limit reached' });
    expect((await subscribe('BASECAMP_TRIGGER_MESSAGE_CREATED')).body.message).toContain('Webhook limit reached');
    bc.failNext(1, 429, { status: 429, error: 'Too Many Requests' }, { 'retry-after': '2' });
    expect((await subscribe('BASECAMP_TRIGGER_MESSAGE_CREATED')).status).toBe(429);
    bc.failNext(1, 503);
    expect((await subscribe('BASECAMP_TRIGGER_MESSAGE_CREATED')).status).toBe(502);
    // An inactive account answers 404 with `Reason: Account Inactive`.
    bc.failNext(1, 404, { status: 404, error: 'Not Found' }, { reason: 'Account Inactive' });
    expect((await subscribe('BASECAMP_TRIGGER_MESSAGE_CREATED')).body.message).toContain('account is inactive');
    // A credential must name its account (one label: a path segment under the fixed API host, never another host).
    const noAccount = await user.post(`${base}/credentials`, { integration: 'basecamp', accessToken: TOKEN });
    expect(noAccount.status).toBe(400);
    expect(noAccount.text).toContain('accountId');
    const evil = await user.post(`${base}/credentials`, { integration: 'basecamp', accessToken: TOKEN, extra: { accountId: '1/../../evil' } });
    expect(evil.status).toBe(400);
    expect(evil.text).toContain('extra.accountId');
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(bc.hooks.size).toBe(0);

    // A revoked token without a refresh token: the subscription is refused and the credential needs reconnecting.
    bc.tokens.clear();
    const unauthorized = await subscribe('BASECAMP_TRIGGER_MESSAGE_CREATED');
    expect(unauthorized.status).toBe(422);
    expect(unauthorized.text).not.toContain(TOKEN);
    expect(await t.svc.storage.credentials.get(credentialId)).toMatchObject({ status: 'INVALID' });
  });

  it('checks the webhook every hour: one deleted, or deactivated after failed deliveries, is created again with a new token', async () => {
    const sub = await subscribed('BASECAMP_TRIGGER_COMMENT_CREATED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });
    const first = hookFor(sub.id)!;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(bc.requests.at(-1)).toMatchObject({ method: 'GET', path: `/999999999/webhooks/${first.id}.json` });

    bc.hooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect(second.id).not.toBe(first.id);
    expect(tokenOf(second)).not.toBe(tokenOf(first));
    expect((await bc.deliver(second.id, commentCreated, { url: first.payload_url })).status).toBe(401);

    // Basecamp deactivates a webhook after 10 failed attempts: the disabled one is deleted and a new one made.
    second.active = false;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    expect(bc.deletedHooks.map((h) => h.id)).toEqual([second.id]);
    const third = hookFor(sub.id)!;
    expect(third.active).toBe(true);
    expect((await bc.deliver(third.id, commentCreated)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
  });

  it('unsubscribes when the webhook was already deleted in Basecamp (404)', async () => {
    const sub = await subscribed('BASECAMP_TRIGGER_TODO_CREATED');
    bc.hooks.delete(hookFor(sub.id)!.id);
    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(bc.requests.at(-1)).toMatchObject({ method: 'DELETE' });
  });

  it('connects through Launchpad OAuth with the account named in parameters.accountId, and subscribes with the new token', async () => {
    const connect = (parameters?: Record<string, string>) => user.post(`${base}/connect/basecamp`, { redirectUrl: 'https://app.example.com/connected', ...(parameters ? { parameters } : {}) });
    for (const [parameters, why] of [[undefined, 'required'], [{ accountId: 'evil.example.com' }, 'single host name label']] as const) {
      const r = await connect(parameters);
      expect(r.status, r.text).toBe(400);
      expect(r.body.message).toContain('parameters.accountId');
      expect(r.body.message).toContain(why);
    }
    const start = await connect({ accountId: '999999999' });
    expect(start.status, start.text).toBe(200);
    const authorizationUrl = new URL(start.body.authorizationUrl);
    expect(`${authorizationUrl.origin}${authorizationUrl.pathname}`).toBe(`${bc.url}/authorization/new`);
    expect(Object.fromEntries(authorizationUrl.searchParams)).toMatchObject({ client_id: bc.clientId, response_type: 'code' });

    bc.codes.set('code-1', 'bc-connected-token');
    bc.tokens.set('bc-connected-token', { id: 1049715920, name: 'Annie Bryan' });
    const state = encodeURIComponent(authorizationUrl.searchParams.get('state')!);
    const cb = await t.admin.get(`/oauth/callback?code=code-1&state=${state}`);
    expect(cb.status, cb.text).toBe(302);
    const connectedId = new URL(String(cb.headers.location)).searchParams.get('credentialId')!;
    expect(bc.tokenRequests).toEqual([expect.objectContaining({ grant_type: 'authorization_code', code: 'code-1', client_id: bc.clientId, client_secret: bc.clientSecret })]);
    expect(bc.requests.find((r) => r.path === '/999999999/my/profile.json')).toMatchObject({ token: 'bc-connected-token', userAgent: BASECAMP_USER_AGENT });
    const stored = await t.svc.storage.credentials.get(connectedId);
    expect(stored).toMatchObject({ providerAccountId: '1049715920', secrets: { accessToken: 'bc-connected-token', refreshToken: 'refresh-bc-connected-token', extra: { accountId: '999999999', personName: 'Annie Bryan' } } });

    const r = await w.subscribe('BASECAMP_TRIGGER_TODO_CREATED', { projectId: PROJECT }, { 'x-paragon-credential': connectedId });
    expect(r.status, r.text).toBe(200);
    expect(bc.requests.at(-1)).toMatchObject({ method: 'POST', path: `/999999999/buckets/${PROJECT}/webhooks.json`, token: 'bc-connected-token' });
  });
});
