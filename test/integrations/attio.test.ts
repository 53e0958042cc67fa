// Attio, unit level: the signature scheme against an independent HMAC (hex of the body, keyed with the secret),
// the triggers' mapping of Attio's example events (keys, event type and object filtering, read-back), the
// object parameter's validation, and the error mapping (401 auth, 429 with Retry-After as a date, 5xx transient,
// else permanent with Attio's text).
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { attioError } from '../../src/integrations/attio/api.js';
import { entry, listEntryCreatedEvent, note, noteCreatedEvent, peopleObjectId, record, recordCreatedEvent, recordUpdatedEvent, task, taskCreatedEvent, webhookId } from '../../src/integrations/attio/fixtures/events.js';
import { attioIntegration, attioSignatureScheme } from '../../src/integrations/attio/integration.js';
import { objectParameter } from '../../src/integrations/attio/triggers/params.js';
import { schemeProblems, verifyRequest, type HttpRequest, type InboundRequest, type Item, type WebhookSource } from '../../src/sdk/index.js';

const source = (type: string) => attioIntegration.triggers.find((t) => t.type === type)!.source as WebhookSource;
const inbound = (events: unknown[], headers: Record<string, string> = {}): InboundRequest => {
  const raw = JSON.stringify({ webhook_id: webhookId, events });
  return { method: 'POST', url: '/hooks/s/x', headers, rawBody: Buffer.from(raw), body: JSON.parse(raw) };
};
const reads: string[] = [];
const api: Record<string, unknown> = {
  [`/objects/${peopleObjectId}/records/${record.id.record_id}`]: record,
  [`/notes/${note.id.note_id}`]: note,
  [`/tasks/${task.id.task_id}`]: task,
  [`/lists/${entry.id.list_id}/entries/${entry.id.entry_id}`]: entry,
};
const ctx = (state: Record<string, unknown> = {}) => ({
  state, params: {}, now: () => 0, log: { debug() {}, info() {}, warn() {} },
  http: {
    async request(r: HttpRequest) {
      reads.push(r.path);
      return r.path in api ? { status: 200, headers: {}, body: { data: api[r.path] } } : { status: 404, headers: {}, body: { status_code: 404, type: 'invalid_request_error', code: 'not_found', message: 'Not found.' } };
    },
  },
}) as never;
const items = async (type: string, events: unknown[], headers: Record<string, string> = {}, state: Record<string, unknown> = {}) => (await source(type).toItems(inbound(events, headers), ctx(state))) as Item[];

describe('Attio signature scheme', () => {
  it('verifies hex(HMAC-SHA256(secret, body)) in Attio-Signature or X-Attio-Signature and refuses tampering and other secrets', () => {
    expect(schemeProblems(attioSignatureScheme)).toEqual([]);
    const secret = 'ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb';
    const raw = JSON.stringify({ webhook_id: webhookId, events: [taskCreatedEvent] });
    const sig = createHmac('sha256', secret).update(raw).digest('hex');
    const req = (headers: Record<string, string>, body = raw): InboundRequest => ({ method: 'POST', url: '/', headers, rawBody: Buffer.from(body), body: JSON.parse(body) });
    expect(verifyRequest(attioSignatureScheme, req({ 'attio-signature': sig }), { secret }, 0)).toEqual({ ok: true });
    expect(verifyRequest(attioSignatureScheme, req({ 'x-attio-signature': sig }), { secret }, 0)).toEqual({ ok: true });
    expect(verifyRequest(attioSignatureScheme, req({ 'attio-signature': sig }, `${raw} `), { secret }, 0).ok).toBe(false);
    expect(verifyRequest(attioSignatureScheme, req({ 'attio-signature': sig }), { secret: 'ab'.repeat(32) }, 0).ok).toBe(false);
    expect(verifyRequest(attioSignatureScheme, req({}), { secret }, 0).ok).toBe(false);
  });
});

describe('Attio triggers', () => {
  it('read each thin event back and key it by the created id', async () => {
    expect(await items('ATTIO_TRIGGER_RECORD_CREATED', [recordCreatedEvent], {}, { objectId: peopleObjectId })).toEqual([
      { key: record.id.record_id, payload: { webhook_id: webhookId, event: recordCreatedEvent, record } },
    ]);
    expect(await items('ATTIO_TRIGGER_NOTE_CREATED', [noteCreatedEvent])).toEqual([{ key: note.id.note_id, payload: { webhook_id: webhookId, event: noteCreatedEvent, note } }]);
    expect((await items('ATTIO_TRIGGER_TASK_CREATED', [taskCreatedEvent]))[0]).toMatchObject({ key: task.id.task_id, payload: { task } });
    expect((await items('ATTIO_TRIGGER_LIST_ENTRY_CREATED', [listEntryCreatedEvent]))[0]).toMatchObject({ key: entry.id.entry_id, payload: { entry } });
    expect(reads).toContain(`/lists/${entry.id.list_id}/entries/${entry.id.entry_id}`);
  });
  it('key record updates by record, attribute and Idempotency-Key, and skip them without that header', async () => {
    const [item] = await items('ATTIO_TRIGGER_RECORD_UPDATED', [recordUpdatedEvent], { 'idempotency-key': 'msg-1' }, { objectId: peopleObjectId });
    expect(item!.key).toBe(`${record.id.record_id}:${recordUpdatedEvent.id.attribute_id}:msg-1`);
    expect(await items('ATTIO_TRIGGER_RECORD_UPDATED', [recordUpdatedEvent], {}, { objectId: peopleObjectId })).toEqual([]);
  });
  it('ignore other event types, other objects and events without ids; a deleted object is delivered as null', async () => {
    expect(await items('ATTIO_TRIGGER_RECORD_CREATED', [noteCreatedEvent], {}, { objectId: peopleObjectId })).toEqual([]);
    expect(await items('ATTIO_TRIGGER_RECORD_CREATED', [recordCreatedEvent], {}, { objectId: 'another-object' })).toEqual([]);
    expect(await items('ATTIO_TRIGGER_TASK_CREATED', [{ ...taskCreatedEvent, id: {} }])).toEqual([]);
    expect(await items('ATTIO_TRIGGER_TASK_CREATED', [{ ...taskCreatedEvent, id: { task_id: 'gone' } }])).toEqual([{ key: 'gone', payload: { webhook_id: webhookId, event: { ...taskCreatedEvent, id: { task_id: 'gone' } }, task: null } }]);
  });
  it('validate the object parameter, naming it', () => {
    expect(objectParameter.validate!('people')).toBeNull();
    expect(objectParameter.validate!(peopleObjectId)).toBeNull();
    for (const bad of ['', 'a/b', 42, 'x'.repeat(101)]) expect(objectParameter.validate!(bad)).toContain('object');
  });
});

describe('attioError', () => {
  const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body, headers });
  it('classifies statuses and keeps Attio\'s code and message', () => {
    expect(attioError(res(401, { status_code: 401, type: 'auth_error', code: 'unauthorized', message: 'Invalid token' }))).toMatchObject({ kind: 'auth', message: 'Attio 401: unauthorized: Invalid token' });
    const now = Date.parse('2023-05-23T14:42:00Z');
    expect(attioError(res(429, { code: 'rate_limit_exceeded' }, { 'retry-after': 'Tue, 23 May 2023 14:42:01 GMT' }), now)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 1000 });
    expect(attioError(res(429, {}), now)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 1000 });
    expect(attioError(res(503, null))).toMatchObject({ kind: 'transient', status: 503 });
    expect(attioError(res(400, { code: 'validation_type', message: 'Body payload validation error' }))).toMatchObject({ kind: 'permanent', message: 'Attio 400: validation_type: Body payload validation error' });
  });
});
