// Asana, source level: the webhook registration with its X-Hook-Secret handshake (answered by a small
// receiver that applies the trigger's declared handshakes and verification through the SDK's
// classifyInbound, as the engine does), toItems completing compact events by fetching tasks, heartbeats,
// and unregister — against the fake Asana over real HTTP.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { asanaEvents, completedTask, exampleHookSecret, projectGid, task, taskGid } from '../../src/integrations/asana/fixtures/events.js';
import { asanaIntegration, asanaSignatureScheme } from '../../src/integrations/asana/integration.js';
import {
  classifyInbound,
  schemeProblems,
  verifyRequest,
  type InboundRequest,
  type Logger,
  type RegisterContext,
  type WebhookContext,
  type WebhookSource,
} from '../../src/sdk/index.js';
import { asanaSignature, startFakeAsana, type AsanaDelivery, type FakeAsana } from '../providers/asana.js';

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined };
type Params = { projectId: string };

function source(type: string): WebhookSource<Params> {
  const t = asanaIntegration.triggers.find((x) => x.type === type);
  if (!t || t.source.kind !== 'webhook') throw new Error(`no webhook trigger ${type}`);
  return t.source;
}

function inbound(d: AsanaDelivery): InboundRequest {
  return { method: 'POST', url: new URL(d.url).pathname, headers: { ...d.headers }, rawBody: Buffer.from(d.body), body: JSON.parse(d.body) };
}

/** Our side of the handshake: answers what classifyInbound says, and remembers the captured secret. */
async function startHookReceiver(src: WebhookSource<Params>) {
  const captured: string[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const decision = classifyInbound(src, { method: req.method ?? 'POST', url: req.url ?? '/', headers, rawBody: Buffer.concat(chunks) }, captured[0] ? { secret: captured[0] } : undefined, Date.now());
      if (decision.kind === 'handshake') {
        if (decision.response.captured?.hookSecret) captured.push(decision.response.captured.hookSecret);
        res.writeHead(decision.response.status, decision.response.headers);
        res.end(decision.response.body);
        return;
      }
      res.writeHead(decision.kind === 'rejected' ? 401 : 200);
      res.end();
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/s/00000000-0000-4000-8000-000000000003`,
    captured,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

describe('Asana signature scheme and handshake', () => {
  it('verifies the fact-sheet vector (hex HMAC-SHA256 of the raw body) and declares the hookSecret handshake', () => {
    expect(schemeProblems(asanaSignatureScheme)).toEqual([]);
    const body = '{"events":[]}';
    const sig = '5bb417f3e224faba3512b87fe359e9cea4065f0eeb2aa9515575f794c0992915';
    expect(asanaSignature(body, 'asana_test_secret')).toBe(sig);
    const req = { method: 'POST', url: '/', headers: { 'x-hook-signature': sig }, rawBody: Buffer.from(body) };
    expect(verifyRequest(asanaSignatureScheme, req, { secret: 'asana_test_secret' }, 0)).toEqual({ ok: true });
    expect(verifyRequest(asanaSignatureScheme, { ...req, rawBody: Buffer.from('{"events":[{}]}') }, { secret: 'asana_test_secret' }, 0).ok).toBe(false);
    for (const t of asanaIntegration.triggers) {
      const s = t.source as WebhookSource;
      expect(s.handshakes).toEqual([{ kind: 'hookSecret', header: 'x-hook-secret' }]);
      // The documented handshake is answered (echoed) before any secret is known; an unsigned event is not.
      const probe = classifyInbound(s, { method: 'POST', url: '/', headers: { 'x-hook-secret': exampleHookSecret }, rawBody: Buffer.alloc(0) }, undefined, 0);
      expect(probe).toMatchObject({ kind: 'handshake', response: { status: 200, headers: { 'x-hook-secret': exampleHookSecret }, captured: { hookSecret: exampleHookSecret } } });
      expect(classifyInbound(s, { method: 'POST', url: '/', headers: {}, rawBody: Buffer.from('{"events":[]}') }, undefined, 0).kind).toBe('rejected');
    }
  });
});

describe('Asana triggers against the fake Asana', () => {
  let fake: FakeAsana;
  let base: Omit<RegisterContext<Params>, 'hookUrl' | 'secret'>;
  const ctxWith = (token: string, projectId = projectGid): Omit<RegisterContext<Params>, 'hookUrl' | 'secret'> => ({
    http: createProviderHttp({
      integration: asanaIntegration,
      apiBaseUrl: fake.apiBaseUrl,
      auth: { canRefresh: false, headers: async () => ({ authorization: `Bearer ${token}` }) },
    }),
    params: { projectId },
    credential: { id: 'cred-1', providerAccountId: fake.userGid, extra: {} },
    log: silent,
    signal: new AbortController().signal,
    now: Date.now,
  });

  beforeEach(async () => {
    fake = await startFakeAsana();
    fake.tasks.set(taskGid, task);
    base = ctxWith('asana_valid_token');
  });
  afterEach(async () => {
    await fake.close();
  });

  it('declares the binding trigger types with the required projectId parameter', () => {
    expect(asanaIntegration.triggers.map((t) => t.type)).toEqual(['ASANA_TRIGGER_TASK_CREATED', 'ASANA_TRIGGER_TASK_UPDATED', 'ASANA_TRIGGER_TASK_COMPLETED']);
    for (const t of asanaIntegration.triggers) {
      expect(t.parameters.map((p) => [p.id, p.type, p.required])).toEqual([['projectId', 'TEXT', true]]);
      expect(t.parameters[0]!.validate?.('8675309')).toBeNull();
      expect(t.parameters[0]!.validate?.('../users')).toMatch(/gid/);
    }
  });

  it('finds the connected user with GET /users/me', async () => {
    const r = await asanaIntegration.accountId!({ http: base.http, token: { accessToken: 'asana_valid_token' } });
    expect(r).toEqual({ providerAccountId: fake.userGid, extra: { name: 'Greg Sanchez', email: 'gsanchez@example.com' } });
  });

  it('registers a project webhook (the handshake runs during the create call), ignores heartbeats, maps task creations, deletes it', async () => {
    const s = source('ASANA_TRIGGER_TASK_CREATED');
    const receiver = await startHookReceiver(s);
    try {
      const reg = await s.register({ ...base, hookUrl: receiver.url, secret: 'unused' });
      const [hook] = [...fake.webhooks.values()];
      expect(hook).toMatchObject({ resource: projectGid, target: receiver.url, filters: [{ resource_type: 'task', action: 'added' }] });
      expect(reg).toEqual({ state: { webhookGid: hook!.gid, projectGid } });
      // The secret reached us in the handshake; it is what Asana signs with.
      expect(receiver.captured).toEqual([hook!.secret]);
      expect(fake.handshakes).toEqual([{ target: receiver.url, status: 200, echoed: hook!.secret, secret: hook!.secret }]);
      const secret = receiver.captured[0]!;

      const ctx: WebhookContext<Params> = { ...base, state: reg.state };
      const heartbeat = inbound(fake.buildDelivery(hook!.gid, []));
      expect(verifyRequest(asanaSignatureScheme, heartbeat, { secret }, Date.now()).ok).toBe(true);
      expect(await s.toItems(heartbeat, ctx)).toEqual([]);
      expect((await fake.heartbeat(hook!.gid)).status).toBe(200);

      const before = fake.requests.filter((r) => r.path.startsWith('/api/1.0/tasks/')).length;
      const d = inbound(fake.buildDelivery(hook!.gid, [asanaEvents.taskAdded, asanaEvents.taskAdded, asanaEvents.taskNameChanged]));
      expect(verifyRequest(asanaSignatureScheme, d, { secret }, Date.now()).ok).toBe(true);
      const items = await s.toItems(d, ctx);
      expect(items).toEqual([{ key: `task:${taskGid}:added`, payload: task, occurredAt: Date.parse(task.created_at) }]);
      // One fetch for the task, however often the batch mentions it.
      expect(fake.requests.filter((r) => r.path.startsWith('/api/1.0/tasks/')).length - before).toBe(1);
      // A subtask added under a task, or a task added to another project, is not a creation in this project.
      const sub = { ...asanaEvents.taskAdded, parent: { gid: '999', resource_type: 'task' } };
      const elsewhere = { ...asanaEvents.taskAdded, parent: { gid: '4242', resource_type: 'project' } };
      expect(await s.toItems(inbound(fake.buildDelivery(hook!.gid, [sub, elsewhere])), ctx)).toEqual([]);

      await s.unregister(ctx);
      expect(fake.webhooks.size).toBe(0);
      await expect(s.unregister(ctx)).resolves.toBeUndefined();
    } finally {
      await receiver.close();
    }
  });

  it('fails registration when the handshake is not answered (no secret, no webhook)', async () => {
    const s = source('ASANA_TRIGGER_TASK_CREATED');
    const silentTarget = createServer((_req, res) => res.writeHead(200).end());
    await new Promise<void>((r) => silentTarget.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(silentTarget.address() as AddressInfo).port}/hooks/s/x`;
      await expect(s.register({ ...base, hookUrl: url, secret: 'x' })).rejects.toMatchObject({ kind: 'permanent', status: 400, message: expect.stringContaining('handshake') });
      expect(fake.webhooks.size).toBe(0);
    } finally {
      silentTarget.close();
    }
  });

  it('updated: one event per task version however many fields changed together; completed: only a task that is complete', async () => {
    const updated = source('ASANA_TRIGGER_TASK_UPDATED');
    const completed = source('ASANA_TRIGGER_TASK_COMPLETED');
    const receiver = await startHookReceiver(updated);
    try {
      const regU = await updated.register({ ...base, hookUrl: receiver.url, secret: 'x' });
      expect(fake.webhooks.get(regU.state.webhookGid as string)?.filters).toEqual([{ resource_type: 'task', action: 'changed' }]);
      const ctx = { ...base, state: regU.state };
      const batch = (events: unknown[]) => inbound(fake.buildDelivery(regU.state.webhookGid as string, events));
      const assigneeChanged = { ...asanaEvents.taskNameChanged, change: { field: 'assignee', action: 'changed' } };
      const first = await updated.toItems(batch([asanaEvents.taskNameChanged, assigneeChanged]), ctx);
      expect(first).toEqual([{ key: `task:${taskGid}:modified:${task.modified_at}`, payload: task, occurredAt: Date.parse(task.modified_at) }]);
      fake.tasks.set(taskGid, completedTask);
      const second = await updated.toItems(batch([asanaEvents.taskCompleted]), ctx);
      expect((second as Array<{ key: string }>).map((i) => i.key)).toEqual([`task:${taskGid}:modified:${completedTask.modified_at}`]);
      // "added" is not an update.
      expect(await updated.toItems(batch([asanaEvents.taskAdded]), ctx)).toEqual([]);

      const regC = await completed.register({ ...base, hookUrl: receiver.url, secret: 'x' });
      expect(fake.webhooks.get(regC.state.webhookGid as string)?.filters).toEqual([{ resource_type: 'task', action: 'changed', fields: ['completed'] }]);
      const cctx = { ...base, state: regC.state };
      const done = await completed.toItems(batch([asanaEvents.taskNameChanged, asanaEvents.taskCompleted]), cctx);
      expect(done).toEqual([{ key: `task:${taskGid}:completed:${completedTask.completed_at}`, payload: completedTask, occurredAt: Date.parse(completedTask.completed_at) }]);
      // Marked incomplete again: the `completed` change fires nothing.
      fake.tasks.set(taskGid, { ...task, modified_at: '2012-02-24T08:00:00.000Z' });
      expect(await completed.toItems(batch([asanaEvents.taskCompleted]), cctx)).toEqual([]);
    } finally {
      await receiver.close();
    }
  });

  it('skips events of tasks that are gone, and surfaces Asana throttling and outages so the delivery is retried', async () => {
    const s = source('ASANA_TRIGGER_TASK_UPDATED');
    const receiver = await startHookReceiver(s);
    try {
      const reg = await s.register({ ...base, hookUrl: receiver.url, secret: 'x' });
      const ctx = { ...base, state: reg.state };
      const gone = { ...asanaEvents.taskNameChanged, resource: { gid: '404404', resource_type: 'task' } };
      const d = inbound(fake.buildDelivery(reg.state.webhookGid as string, [gone, asanaEvents.taskNameChanged]));
      expect((await s.toItems(d, ctx) as Array<{ key: string }>).map((i) => i.key)).toEqual([`task:${taskGid}:modified:${task.modified_at}`]);
      fake.failNext(1, 429, { 'retry-after': '30' });
      await expect(s.toItems(d, ctx)).rejects.toMatchObject({ kind: 'rate_limited', retryAfterMs: 30_000 });
      fake.failNext(1, 500);
      await expect(s.toItems(d, ctx)).rejects.toMatchObject({ kind: 'transient' });
      await expect(s.toItems({ ...d, body: { not: 'asana' } }, ctx)).rejects.toMatchObject({ kind: 'permanent' });
    } finally {
      await receiver.close();
    }
  });

  it('classifies registration failures: bad token → auth, unknown project → permanent, 429 → rate_limited', async () => {
    const s = source('ASANA_TRIGGER_TASK_COMPLETED');
    await expect(s.register({ ...ctxWith('expired'), hookUrl: 'http://127.0.0.1:9/x', secret: 'x' })).rejects.toMatchObject({ kind: 'auth', status: 401 });
    await expect(s.register({ ...ctxWith('asana_valid_token', '4242'), hookUrl: 'http://127.0.0.1:9/x', secret: 'x' })).rejects.toMatchObject({ kind: 'permanent', status: 404 });
    fake.failNext(1, 429, { 'retry-after': '12' });
    await expect(s.register({ ...base, hookUrl: 'http://127.0.0.1:9/x', secret: 'x' })).rejects.toMatchObject({ kind: 'rate_limited', retryAfterMs: 12_000 });
  });
});
