// A fake Attio (REST API v2) over real HTTP: what the integration uses — `GET /v2/self`, `GET /v2/objects/{object}`
// (slug or id), `POST /v2/webhooks` ({data: {target_url, subscriptions: [{event_type, filter}]}} → the webhook
// with `id.webhook_id` and a 64-hex `secret`), `GET /v2/webhooks/{id}` (status active/degraded/inactive),
// `DELETE /v2/webhooks/{id}`, and the reads `GET /v2/objects/{o}/records/{id}`, `/v2/notes/{id}`, `/v2/tasks/{id}`,
// `/v2/lists/{l}/entries/{id}` — behind `Authorization: Bearer`; errors answer `{status_code, type, code, message}`.
// And Attio's side of webhooks: a change in the fake emits the documented thin event to every webhook subscribed
// to its type whose filter passes ($and/$or of {field (dotted path), operator equals/not_equals, value}), POSTed as
// `{webhook_id, events: [event]}` with `Attio-Signature` and `X-Attio-Signature` = hex HMAC-SHA256 of the body
// keyed with the webhook's secret (computed here with node:crypto, independently of the SDK's signer), and an
// `Idempotency-Key` per message that a retry repeats.
//
// Relaxed on purpose: Attio requires an https target_url; the test receiver is plain http on 127.0.0.1, so any
// http(s) URL is accepted.
//
// Docs followed: https://docs.attio.com/rest-api/guides/webhooks, https://docs.attio.com/rest-api/endpoint-reference/webhooks/create-a-webhook,
// https://docs.attio.com/rest-api/webhook-reference, https://docs.attio.com/rest-api/guides/rate-limiting
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

const EVENT_TYPES = new Set(['record.created', 'record.updated', 'record.deleted', 'record.merged', 'note.created', 'note.updated', 'note.deleted', 'task.created', 'task.updated', 'task.deleted', 'list-entry.created', 'list-entry.updated', 'list-entry.deleted', 'comment.created', 'workspace-member.created']);

export interface AttioHook {
  id: string;
  target_url: string;
  subscriptions: Array<{ event_type: string; filter: any }>;
  status: 'active' | 'degraded' | 'inactive';
  secret: string;
  created_at: string;
}

export interface FakeAttio {
  apiBaseUrl: string;
  token: string;
  workspaceId: string;
  objects: Map<string, { object_id: string; api_slug: string }>;
  records: Map<string, any>;
  notes: Map<string, any>;
  tasks: Map<string, any>;
  entries: Map<string, any>;
  hooks: Map<string, AttioHook>;
  deletedHooks: AttioHook[];
  requests: Array<{ method: string; path: string; auth: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  /** Attio's signature headers for a body. */
  sign(secret: string, body: string): Record<string, string>;
  /** POST `{webhook_id, events}` to the hook, signed with its secret (or `secret`), with an Idempotency-Key (given or fresh). */
  deliver(hookId: string, events: unknown[], opts?: { secret?: string; idempotencyKey?: string; headers?: Record<string, string> }): Promise<{ status: number; idempotencyKey: string }>;
  /** Emit one event to every subscribed webhook whose filter passes; the deliveries made. */
  emit(event: any): Promise<Array<{ hookId: string; status: number; idempotencyKey: string }>>;
  createRecord(objectSlug: string, values: Record<string, unknown>): Promise<{ recordId: string; deliveries: Array<{ hookId: string; status: number; idempotencyKey: string }> }>;
  updateRecord(objectSlug: string, recordId: string, attributeId: string, values: Record<string, unknown>): Promise<Array<{ hookId: string; status: number; idempotencyKey: string }>>;
  createNote(parentObject: string, parentRecordId: string, title: string): Promise<{ noteId: string }>;
  createTask(content: string): Promise<{ taskId: string }>;
  addEntry(listId: string, parentObject: string, parentRecordId: string): Promise<{ entryId: string }>;
  close(): Promise<void>;
}

function pathGet(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), obj);
}

function filterPasses(filter: any, event: unknown): boolean {
  if (filter === null || filter === undefined) return true;
  const test = (c: any) => (c.operator === 'equals' ? pathGet(event, c.field) === c.value : pathGet(event, c.field) !== c.value);
  if (Array.isArray(filter.$and)) return filter.$and.every(test);
  if (Array.isArray(filter.$or)) return filter.$or.some(test);
  return false;
}

function validFilter(filter: any): boolean {
  if (filter === null) return true;
  if (!filter || typeof filter !== 'object') return false;
  const ops = filter.$and ?? filter.$or;
  return Array.isArray(ops) && ops.every((c: any) => typeof c?.field === 'string' && (c.operator === 'equals' || c.operator === 'not_equals') && typeof c.value === 'string');
}

export async function startFakeAttio(): Promise<FakeAttio> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  const workspaceId = '14beef7a-99f7-4534-a87e-70b564330a4c';
  const state = {
    token: `attio_${randomBytes(16).toString('hex')}`,
    workspaceId,
    objects: new Map([
      ['people', { object_id: '97052eb9-e65e-443f-a297-f2d9a4a7f795', api_slug: 'people' }],
      ['companies', { object_id: 'c1a8d2e4-6b0f-4f5e-9f0a-1b2c3d4e5f60', api_slug: 'companies' }],
      ['deals', { object_id: 'd3b7c1a2-8e9f-4a0b-b1c2-d3e4f5a6b7c8', api_slug: 'deals' }],
    ]),
    records: new Map<string, any>(),
    notes: new Map<string, any>(),
    tasks: new Map<string, any>(),
    entries: new Map<string, any>(),
    hooks: new Map<string, AttioHook>(),
    deletedHooks: [] as AttioHook[],
    requests: [] as FakeAttio['requests'],
  };
  const actor = { type: 'workspace-member', id: '50cf242c-7fa3-4cad-87d0-75b1af71c57b' };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, type: string, code: string, message: string) => json(res, status, { status_code: status, type, code, message });
  const view = (h: AttioHook) => ({ target_url: h.target_url, subscriptions: h.subscriptions, id: { workspace_id: workspaceId, webhook_id: h.id }, status: h.status, created_at: h.created_at });
  const objectBy = (ref: string) => state.objects.get(ref) ?? [...state.objects.values()].find((o) => o.object_id === ref);

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' || req.method === 'PATCH' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      if (req.headers.authorization !== `Bearer ${state.token}`) return error(res, 401, 'auth_error', 'unauthorized', 'Invalid or missing access token');
      const p = url.pathname;
      let m: RegExpExecArray | null;
      if (req.method === 'GET' && p === '/v2/self') {
        return json(res, 200, { active: true, scope: 'record_permission:read object_configuration:read webhook:read-write note:read task:read list_entry:read', client_id: 'app_fake', token_type: 'Bearer', exp: null, iat: 1700000000, sub: workspaceId, aud: 'app_fake', iss: 'attio.com', workspace_id: workspaceId, workspace_name: 'Salarya', workspace_slug: 'salarya' });
      }
      if (req.method === 'GET' && (m = /^\/v2\/objects\/([^/]+)$/.exec(p))) {
        const o = objectBy(decodeURIComponent(m[1]!));
        if (!o) return error(res, 404, 'invalid_request_error', 'not_found', `Object with slug/ID "${decodeURIComponent(m[1]!)}" not found.`);
        return json(res, 200, { data: { id: { workspace_id: workspaceId, object_id: o.object_id }, api_slug: o.api_slug, singular_noun: o.api_slug, plural_noun: o.api_slug, created_at: '2022-11-21T13:22:49.061281000Z' } });
      }
      if (req.method === 'POST' && p === '/v2/webhooks') {
        const d = body?.data;
        if (!d || typeof d.target_url !== 'string' || !/^https?:\/\//.test(d.target_url)) return error(res, 400, 'invalid_request_error', 'validation_type', 'Body payload validation error: data.target_url must be a URL');
        if (!Array.isArray(d.subscriptions) || d.subscriptions.length === 0) return error(res, 400, 'invalid_request_error', 'validation_type', 'Body payload validation error: data.subscriptions is required');
        for (const s of d.subscriptions) {
          if (!EVENT_TYPES.has(s?.event_type)) return error(res, 400, 'invalid_request_error', 'validation_type', `Body payload validation error: unknown event_type ${String(s?.event_type)}`);
          if (!('filter' in s) || !validFilter(s.filter)) return error(res, 400, 'invalid_request_error', 'validation_type', 'Body payload validation error: invalid filter');
        }
        const hook: AttioHook = { id: randomUUID(), target_url: d.target_url, subscriptions: d.subscriptions, status: 'active', secret: randomBytes(32).toString('hex'), created_at: new Date().toISOString() };
        state.hooks.set(hook.id, hook);
        return json(res, 200, { data: { ...view(hook), secret: hook.secret } });
      }
      if ((m = /^\/v2\/webhooks\/([^/]+)$/.exec(p))) {
        const hook = state.hooks.get(decodeURIComponent(m[1]!));
        if (!hook) return error(res, 404, 'invalid_request_error', 'not_found', 'Webhook not found.');
        if (req.method === 'GET') return json(res, 200, { data: view(hook) });
        if (req.method === 'DELETE') {
          state.hooks.delete(hook.id);
          state.deletedHooks.push(hook);
          return json(res, 200, {});
        }
      }
      const read = (map: Map<string, any>, id: string, what: string) => {
        const found = map.get(id);
        return found ? json(res, 200, { data: found }) : error(res, 404, 'invalid_request_error', 'not_found', `${what} with ID "${id}" not found.`);
      };
      if (req.method === 'GET' && (m = /^\/v2\/objects\/([^/]+)\/records\/([^/]+)$/.exec(p))) {
        const o = objectBy(decodeURIComponent(m[1]!));
        const r = state.records.get(decodeURIComponent(m[2]!));
        if (!o || !r || r.id.object_id !== o.object_id) return error(res, 404, 'invalid_request_error', 'not_found', 'Record not found.');
        return json(res, 200, { data: r });
      }
      if (req.method === 'GET' && (m = /^\/v2\/notes\/([^/]+)$/.exec(p))) return read(state.notes, decodeURIComponent(m[1]!), 'Note');
      if (req.method === 'GET' && (m = /^\/v2\/tasks\/([^/]+)$/.exec(p))) return read(state.tasks, decodeURIComponent(m[1]!), 'Task');
      if (req.method === 'GET' && (m = /^\/v2\/lists\/([^/]+)\/entries\/([^/]+)$/.exec(p))) {
        const e = state.entries.get(decodeURIComponent(m[2]!));
        if (!e || e.id.list_id !== decodeURIComponent(m[1]!)) return error(res, 404, 'invalid_request_error', 'not_found', 'Entry not found.');
        return json(res, 200, { data: e });
      }
      return error(res, 404, 'invalid_request_error', 'not_found', 'Not found.');
    })().catch((err: unknown) => error(res, 500, 'api_error', 'internal', String(err)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const sign = (secret: string, body: string) => {
    const sig = createHmac('sha256', secret).update(body, 'utf8').digest('hex');
    return { 'attio-signature': sig, 'x-attio-signature': sig };
  };
  const deliver: FakeAttio['deliver'] = async (hookId, events, o = {}) => {
    const hook = state.hooks.get(hookId);
    if (!hook) throw new Error(`fake attio: no webhook ${hookId}`);
    const body = JSON.stringify({ webhook_id: hook.id, events });
    const idempotencyKey = o.idempotencyKey ?? randomUUID();
    const res = await request(hook.target_url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Attio 2.0', 'idempotency-key': idempotencyKey, ...sign(o.secret ?? hook.secret, body), ...o.headers },
      body,
    });
    await res.body.text();
    return { status: res.statusCode, idempotencyKey };
  };
  const emit: FakeAttio['emit'] = async (event) => {
    const out: Array<{ hookId: string; status: number; idempotencyKey: string }> = [];
    for (const hook of [...state.hooks.values()]) {
      if (hook.status === 'inactive') continue;
      if (!hook.subscriptions.some((s) => s.event_type === event.event_type && filterPasses(s.filter, event))) continue;
      const r = await deliver(hook.id, [event]);
      out.push({ hookId: hook.id, ...r });
    }
    return out;
  };
  const obj = (slug: string) => {
    const o = state.objects.get(slug);
    if (!o) throw new Error(`fake attio: no object ${slug}`);
    return o;
  };

  return Object.assign(state, {
    apiBaseUrl: `${base}/v2`,
    failNext(count: number, status: number, body: unknown = { status_code: status, type: 'api_error', code: 'internal', message: 'Internal server error' }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    sign,
    deliver,
    emit,
    async createRecord(objectSlug: string, values: Record<string, unknown>) {
      const o = obj(objectSlug);
      const recordId = randomUUID();
      state.records.set(recordId, { id: { workspace_id: workspaceId, object_id: o.object_id, record_id: recordId }, created_at: new Date().toISOString(), web_url: `https://app.attio.com/salarya/${objectSlug}/${recordId}`, values });
      const deliveries = await emit({ event_type: 'record.created', id: { workspace_id: workspaceId, object_id: o.object_id, record_id: recordId }, actor });
      return { recordId, deliveries };
    },
    async updateRecord(objectSlug: string, recordId: string, attributeId: string, values: Record<string, unknown>) {
      const o = obj(objectSlug);
      const r = state.records.get(recordId);
      r.values = { ...r.values, ...values };
      return emit({ event_type: 'record.updated', id: { workspace_id: workspaceId, object_id: o.object_id, record_id: recordId, attribute_id: attributeId }, actor });
    },
    async createNote(parentObject: string, parentRecordId: string, title: string) {
      const noteId = randomUUID();
      state.notes.set(noteId, { id: { workspace_id: workspaceId, note_id: noteId }, parent_object: parentObject, parent_record_id: parentRecordId, title, content_plaintext: '', content_markdown: '', tags: [], created_by_actor: actor, created_at: new Date().toISOString() });
      await emit({ event_type: 'note.created', id: { workspace_id: workspaceId, note_id: noteId }, parent_object_id: obj(parentObject).object_id, parent_record_id: parentRecordId, actor });
      return { noteId };
    },
    async createTask(content: string) {
      const taskId = randomUUID();
      state.tasks.set(taskId, { id: { workspace_id: workspaceId, task_id: taskId }, content_plaintext: content, deadline_at: null, is_completed: false, linked_records: [], assignees: [], created_by_actor: actor, created_at: new Date().toISOString() });
      await emit({ event_type: 'task.created', id: { workspace_id: workspaceId, task_id: taskId }, actor });
      return { taskId };
    },
    async addEntry(listId: string, parentObject: string, parentRecordId: string) {
      const entryId = randomUUID();
      state.entries.set(entryId, { id: { workspace_id: workspaceId, list_id: listId, entry_id: entryId }, parent_record_id: parentRecordId, parent_object: parentObject, created_at: new Date().toISOString(), entry_values: {} });
      await emit({ event_type: 'list-entry.created', id: { workspace_id: workspaceId, list_id: listId, entry_id: entryId }, parent_object_id: obj(parentObject).object_id, parent_record_id: parentRecordId, actor });
      return { entryId };
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
}
