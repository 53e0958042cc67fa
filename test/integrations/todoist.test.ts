// Todoist, source level: the X-Todoist-Hmac-SHA256 scheme against Todoist's documented algorithm (and over real
// HTTP from the fake), webhook bodies parsed into user-addressed events keyed by X-Todoist-Delivery-ID, each
// trigger's match (event name, projectId filter), parameter validation, and the account lookup (GET /api/v1/user)
// with Todoist's failures classified.
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { ProviderError, verifyRequest, type AppEvent, type AppWebhookSource, type InboundRequest } from '../../src/sdk/index.js';
import { todoistIntegration } from '../../src/integrations/todoist/integration.js';
import { triggeredAtMs, validateProjectId } from '../../src/integrations/todoist/triggers/event-trigger.js';
import { parseTodoistRequest, TODOIST_SIGNATURE } from '../../src/integrations/todoist/webhook.js';
import itemAdded from '../../src/integrations/todoist/fixtures/item-added.json' with { type: 'json' };
import noteAdded from '../../src/integrations/todoist/fixtures/note-added.json' with { type: 'json' };
import { startFakeReceiver, type FakeReceiver } from '../helpers/fake-receiver.js';
import { sendTodoistWebhook, startFakeTodoist, todoistSignature, webhookBody, type FakeTodoist } from '../providers/todoist.js';

const SECRET = 'todoist-client-secret';
const inbound = (body: unknown, headers: Record<string, string> = {}, raw = Buffer.from(JSON.stringify(body))): InboundRequest =>
  ({ method: 'POST', url: '/hooks/app/p/todoist', headers, rawBody: raw, body });
const trigger = (type: string) => {
  const t = todoistIntegration.triggers.find((x) => x.type === type);
  if (!t) throw new Error(`no trigger ${type}`);
  return t;
};
const match = (type: string, event: AppEvent, params: Record<string, unknown> = {}) => (trigger(type).source as AppWebhookSource).match(event, params);

describe('Todoist webhook verification', () => {
  const raw = Buffer.from(JSON.stringify(itemAdded));
  const documented = createHmac('sha256', SECRET).update(raw).digest('base64');
  const req = (signature: string | undefined, body = raw) => ({ method: 'POST', url: '/h', headers: signature === undefined ? {} : { 'x-todoist-hmac-sha256': signature }, rawBody: body, publicUrl: 'https://ot.example/h' });

  it('is base64 HMAC-SHA256 of the raw body keyed with the client secret, as Todoist documents', () => {
    expect(todoistSignature(SECRET, raw)).toBe(documented);
    expect(verifyRequest(TODOIST_SIGNATURE, req(documented), { secret: SECRET }, Date.now())).toEqual({ ok: true });
  });

  it('refuses a wrong key, a tampered body, a hex signature and a missing header', () => {
    const now = Date.now();
    expect(verifyRequest(TODOIST_SIGNATURE, req(documented), { secret: 'another' }, now).ok).toBe(false);
    expect(verifyRequest(TODOIST_SIGNATURE, req(documented, Buffer.from(raw.toString().replace('Buy Milk', 'Buy Beer'))), { secret: SECRET }, now).ok).toBe(false);
    expect(verifyRequest(TODOIST_SIGNATURE, req(createHmac('sha256', SECRET).update(raw).digest('hex')), { secret: SECRET }, now).ok).toBe(false);
    expect(verifyRequest(TODOIST_SIGNATURE, req(undefined), { secret: SECRET }, now).ok).toBe(false);
  });

  describe('over real HTTP', () => {
    let receiver: FakeReceiver;
    beforeEach(async () => {
      receiver = await startFakeReceiver();
    });
    afterEach(async () => {
      await receiver.close();
    });

    it('verifies what the fake Todoist sends with the client secret, and nothing signed with another key', async () => {
      await sendTodoistWebhook(receiver.url, itemAdded, SECRET, { deliveryId: 'd-1' });
      await sendTodoistWebhook(receiver.url, itemAdded, 'not-the-secret');
      const [good, bad] = await receiver.waitFor(2);
      const asInbound = (r: typeof good) => ({ method: 'POST', url: '/h', headers: Object.fromEntries(Object.entries(r!.headers).map(([k, v]) => [k, String(v)])), rawBody: r!.rawBody, publicUrl: 'https://ot.example/h' });
      expect(verifyRequest(TODOIST_SIGNATURE, asInbound(good), { secret: SECRET }, Date.now())).toEqual({ ok: true });
      expect(verifyRequest(TODOIST_SIGNATURE, asInbound(bad), { secret: SECRET }, Date.now()).ok).toBe(false);
      expect(String(good!.headers['x-todoist-delivery-id'])).toBe('d-1');
    });
  });
});

describe('parseTodoistRequest', () => {
  it('addresses the event to user_id, keyed by X-Todoist-Delivery-ID', () => {
    expect(parseTodoistRequest(inbound(itemAdded, { 'x-todoist-delivery-id': 'd-42' }))).toEqual([
      { providerAccountId: '2671355', deliveryId: 'd-42', eventType: 'item:added', event: itemAdded },
    ]);
  });

  it('without a delivery id, keys by a digest of the exact bytes (the same body twice is one event)', () => {
    const [a] = parseTodoistRequest(inbound(itemAdded));
    const [b] = parseTodoistRequest(inbound(itemAdded));
    const [c] = parseTodoistRequest(inbound({ ...itemAdded, triggered_at: '2025-02-10T10:33:39.000000Z' }));
    expect(a!.deliveryId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(a!.deliveryId).toBe(b!.deliveryId);
    expect(c!.deliveryId).not.toBe(a!.deliveryId);
  });

  it('takes an older numeric user_id as a string, and yields nothing for bodies that are not a Todoist event', () => {
    const [e] = parseTodoistRequest(inbound({ ...itemAdded, user_id: 2671355 }, { 'x-todoist-delivery-id': 'd' }));
    expect(e).toMatchObject({ providerAccountId: '2671355' });
    expect((e!.event as { user_id: unknown }).user_id).toBe('2671355');
    expect(parseTodoistRequest(inbound({ ...itemAdded, user_id: '' }))).toEqual([]);
    expect(parseTodoistRequest(inbound({ ...itemAdded, event_name: 42 }))).toEqual([]);
    expect(parseTodoistRequest(inbound({ ...itemAdded, event_data: null }))).toEqual([]);
    expect(parseTodoistRequest(inbound([itemAdded]))).toEqual([]);
    expect(parseTodoistRequest(inbound(undefined, {}, Buffer.from('not json')))).toEqual([]);
  });

  it('reads the raw body when the engine did not parse it', () => {
    expect(parseTodoistRequest(inbound(undefined, { 'x-todoist-delivery-id': 'd-raw' }, Buffer.from(JSON.stringify(noteAdded))))).toMatchObject([
      { providerAccountId: '2671355', deliveryId: 'd-raw', eventType: 'note:added' },
    ]);
  });
});

describe('Todoist triggers', () => {
  const event = (name: string, data: Record<string, unknown>, id = 'd-1'): AppEvent => {
    const body = webhookBody(name, '2671355', data, { triggered_at: '2025-02-10T10:33:38.000000Z' });
    return { providerAccountId: '2671355', deliveryId: id, eventType: name, event: body };
  };

  it('each trigger takes only its own event, keyed by the delivery id, with triggered_at as occurredAt', () => {
    const pairs: Array<[string, string]> = [
      ['TODOIST_TRIGGER_TASK_CREATED', 'item:added'],
      ['TODOIST_TRIGGER_TASK_COMPLETED', 'item:completed'],
      ['TODOIST_TRIGGER_TASK_UPDATED', 'item:updated'],
      ['TODOIST_TRIGGER_COMMENT_ADDED', 'note:added'],
      ['TODOIST_TRIGGER_PROJECT_CREATED', 'project:added'],
    ];
    expect(todoistIntegration.triggers.map((t) => t.type).sort()).toEqual(pairs.map((p) => p[0]).sort());
    for (const [type, name] of pairs) {
      for (const [, other] of pairs) {
        const e = event(other, { id: 'x', project_id: 'P1' }, `d-${other}`);
        const items = match(type, e);
        if (other === name) expect(items, `${type} ← ${other}`).toEqual([{ key: `d-${other}`, payload: e.event, occurredAt: Date.parse('2025-02-10T10:33:38.000Z') }]);
        else expect(items, `${type} ← ${other}`).toEqual([]);
      }
    }
    expect(match('TODOIST_TRIGGER_TASK_CREATED', event('item:deleted', { id: 'x' }))).toEqual([]);
  });

  it('projectId narrows task triggers to event_data.project_id; comments and projects offer no such filter', () => {
    for (const type of ['TODOIST_TRIGGER_TASK_CREATED', 'TODOIST_TRIGGER_TASK_COMPLETED', 'TODOIST_TRIGGER_TASK_UPDATED']) {
      expect(trigger(type).parameters.map((p) => p.id)).toEqual(['projectId']);
      const name = type.endsWith('CREATED') ? 'item:added' : type.endsWith('COMPLETED') ? 'item:completed' : 'item:updated';
      expect(match(type, event(name, { id: 't', project_id: 'P1' }), { projectId: 'P1' })).toHaveLength(1);
      expect(match(type, event(name, { id: 't', project_id: 'P2' }), { projectId: 'P1' })).toEqual([]);
      expect(match(type, event(name, { id: 't', project_id: null }), { projectId: 'P1' })).toEqual([]);
      expect(match(type, event(name, { id: 't', project_id: 'P2' }), {})).toHaveLength(1);
    }
    expect(trigger('TODOIST_TRIGGER_COMMENT_ADDED').parameters).toEqual([]);
    expect(trigger('TODOIST_TRIGGER_PROJECT_CREATED').parameters).toEqual([]);
  });

  it('validates projectId and names the field', () => {
    expect(validateProjectId(undefined)).toBeNull();
    expect(validateProjectId('')).toBeNull();
    expect(validateProjectId('6Jf8VQXxpwv56VQ7')).toBeNull();
    expect(validateProjectId('2203306141')).toBeNull();
    expect(validateProjectId(2203306141)).toContain('projectId');
    expect(validateProjectId('has space')).toContain('projectId');
    expect(validateProjectId('x'.repeat(65))).toContain('projectId');
  });

  it('reads triggered_at as epoch ms and ignores what is not a date', () => {
    expect(triggeredAtMs('2025-02-10T10:39:38.000000Z')).toBe(Date.UTC(2025, 1, 10, 10, 39, 38));
    expect(triggeredAtMs('yesterday')).toBeUndefined();
    expect(triggeredAtMs(undefined)).toBeUndefined();
  });
});

describe('Todoist account lookup (GET /api/v1/user)', () => {
  let todoist: FakeTodoist;
  beforeEach(async () => {
    todoist = await startFakeTodoist();
  });
  afterEach(async () => {
    await todoist.close();
  });
  const lookup = (accessToken: string) =>
    todoistIntegration.accountId!({
      http: createProviderHttp({ integration: todoistIntegration, apiBaseUrl: todoist.apiBaseUrl, auth: { canRefresh: false, headers: async () => ({ authorization: `Bearer ${accessToken}` }) } }),
      token: { accessToken },
    });

  it('takes the user id as the provider account id, with email and name as extras', async () => {
    const token = todoist.install({ id: '6VfWjjjFg2xqX6Pa', email: 'bob@example.com', full_name: 'Bob' });
    expect(await lookup(token)).toEqual({ providerAccountId: '6VfWjjjFg2xqX6Pa', extra: { userId: '6VfWjjjFg2xqX6Pa', email: 'bob@example.com', fullName: 'Bob' } });
    expect(todoist.requests.at(-1)).toMatchObject({ method: 'GET', path: '/api/v1/user', auth: `Bearer ${token}` });
  });

  it('classifies failures: 401 auth, 429 rate_limited with Retry-After, 5xx transient', async () => {
    const token = todoist.install({ id: '1', email: 'a@example.com', full_name: 'A' });
    const failure = async () => lookup(token).then(() => { throw new Error('expected a failure'); }, (e: unknown) => e as ProviderError);
    await expect(lookup('unknown-token')).rejects.toMatchObject({ kind: 'auth', status: 401 });
    todoist.failNext(1, 429, { 'retry-after': '30' });
    const limited = await failure();
    expect(limited).toBeInstanceOf(ProviderError);
    expect(limited).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 30_000 });
    todoist.failNext(1, 503);
    expect(await failure()).toMatchObject({ kind: 'transient', status: 503 });
    expect(limited.message).not.toContain(token);
  });
});
