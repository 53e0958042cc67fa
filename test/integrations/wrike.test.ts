import { describe, expect, it } from 'vitest';
import { WRIKE_ID, firstOf, wrikeError } from '../../src/integrations/wrike/api.js';
import comment from '../../src/integrations/wrike/fixtures/comment.json' with { type: 'json' };
import events from '../../src/integrations/wrike/fixtures/events.json' with { type: 'json' };
import task from '../../src/integrations/wrike/fixtures/task.json' with { type: 'json' };
import { wrikeIntegration } from '../../src/integrations/wrike/integration.js';
import { eventsOf, folderIdParameter, keyOf, recursiveParameter, wrikeWebhook, type WrikeParams } from '../../src/integrations/wrike/webhooks.js';
import { hookUrlWithToken, ProviderError, URL_TOKEN, type HttpRequest, type InboundRequest, type WebhookContext } from '../../src/sdk/index.js';

const inbound = (body: unknown, method = 'POST'): InboundRequest => ({ method, url: '/hooks/s/x?token=t', headers: { 'content-type': 'application/json' }, rawBody: Buffer.from(JSON.stringify(body)), body });

function ctx(objects: Record<string, unknown>, state: Record<string, unknown> = {}) {
  const calls: HttpRequest[] = [];
  const http = {
    async request(req: HttpRequest) {
      calls.push(req);
      const found = objects[req.path];
      return found ? { status: 200, headers: {}, body: { kind: 'x', data: [found] } } : { status: 404, headers: {}, body: { errorDescription: 'Not found', error: 'not_found' } };
    },
  };
  const log = { debug() {}, info() {}, warn() {} };
  return { calls, ctx: { http, params: { folderId: 'IEAAAAAQI4AAAAAA' }, state, log, now: () => 0 } as unknown as WebhookContext<WrikeParams> };
}

describe('Wrike webhook deliveries', () => {
  it('keys creations by task, status changes by task, time and status reached, comments by comment id', () => {
    expect(keyOf('TaskCreated', events.TaskCreated)).toBe('task:IEAAAAAQKQAAAAAA');
    expect(keyOf('TaskStatusChanged', events.TaskStatusChanged)).toBe('status:IEAAAAAQKQAAAAAA:2026-03-02T10:15:41Z:IEAAAAAQJMAAAAAB');
    expect(keyOf('CommentAdded', events.CommentAdded)).toBe('comment:IEAAAAAQIMAAAAAA');
    expect(keyOf('TaskCreated', { ...events.TaskCreated, taskId: '../x' })).toBeNull();
    expect(keyOf('TaskStatusChanged', { ...events.TaskStatusChanged, lastUpdatedDate: undefined })).toBeNull();
    expect(keyOf('CommentAdded', { ...events.CommentAdded, commentId: 7 })).toBeNull();
  });

  it('reads the array Wrike posts (or one object), and nothing else', () => {
    expect(eventsOf(inbound([events.TaskCreated, 3, null, events.CommentAdded]))).toEqual([events.TaskCreated, events.CommentAdded]);
    expect(eventsOf(inbound(events.TaskCreated))).toEqual([events.TaskCreated]);
    expect(eventsOf({ ...inbound(null), rawBody: Buffer.from('not json'), body: undefined })).toEqual([]);
    expect(eventsOf({ ...inbound(null), rawBody: Buffer.from(JSON.stringify([events.TaskCreated])), body: undefined })).toEqual([events.TaskCreated]);
  });

  it('maps only its own event type of its own webhook, reads the object back, skips deleted ones and duplicates', async () => {
    const { ctx: c, calls } = ctx({ [`/tasks/${task.id}`]: task }, { webhookId: 'IEAAAAAQJAAAAAAA' });
    const created = wrikeWebhook('TaskCreated');
    const mine = { ...events.TaskCreated, webhookId: 'IEAAAAAQJAAAAAAA' };
    expect(await created.toItems(inbound([mine, mine, events.CommentAdded]), c)).toEqual([{ key: 'task:IEAAAAAQKQAAAAAA', payload: { event: mine, task }, occurredAt: Date.parse(mine.lastUpdatedDate) }]);
    expect(calls.map((r) => r.path)).toEqual([`/tasks/${task.id}`]);
    expect(await created.toItems(inbound([{ ...mine, webhookId: 'IEAAAAAQJAOTHER0' }]), c)).toEqual([]);
    expect(await created.toItems(inbound([{ ...mine, taskId: 'IEAAAAAQKQGONE00' }]), c)).toEqual([]);
    expect(await created.toItems(inbound([mine], 'GET'), c)).toEqual([]);
    const { ctx: c2 } = ctx({ [`/comments/${comment.id}`]: comment });
    expect(await wrikeWebhook('CommentAdded').toItems(inbound([events.CommentAdded]), c2)).toMatchObject([{ key: 'comment:IEAAAAAQIMAAAAAA', payload: { event: events.CommentAdded, comment } }]);
    expect(created.deliveryId!(inbound([events.TaskCreated]))).toBe('IEAAAAAQJAAAAAAA:IEAAAAAQKQAAAAAA:2026-03-02T09:58:03Z');
  });

  it('puts the secret in the registered hook URL query and verifies it as a shared secret', () => {
    expect(hookUrlWithToken('https://ot.example/hooks/s/abc', 's3cr3t')).toBe('https://ot.example/hooks/s/abc?token=s3cr3t');
    expect(URL_TOKEN).toEqual({ kind: 'sharedSecret', queryParam: 'token' });
  });

  it('validates parameters with messages naming the field', () => {
    expect(folderIdParameter.validate!('IEAAAAAQI4AAAAAA')).toBeNull();
    expect(folderIdParameter.validate!('../folders')).toContain('folderId');
    expect(folderIdParameter.validate!(12)).toContain('folderId');
    expect(recursiveParameter.validate!(true)).toBeNull();
    expect(recursiveParameter.validate!(undefined)).toBeNull();
    expect(recursiveParameter.validate!('yes')).toContain('recursive');
    expect(WRIKE_ID.test('IEAAAAAQ/../x')).toBe(false);
  });

  it('checks the webhook: Active → active, Suspended → inactive, 404 → gone', async () => {
    const source = wrikeWebhook('TaskCreated');
    const check = (status: number, body: unknown) =>
      source.check!({ http: { request: async () => ({ status, headers: {}, body }) }, state: { webhookId: 'IEAAAAAQJAAAAAAA' }, now: () => 0 } as never);
    expect(await check(200, { data: [{ id: 'IEAAAAAQJAAAAAAA', status: 'Active' }] })).toBe('active');
    expect(await check(200, { data: [{ id: 'IEAAAAAQJAAAAAAA', status: 'Suspended' }] })).toBe('inactive');
    expect(await check(404, { error: 'not_found' })).toBe('gone');
    await expect(check(403, { errorDescription: 'Access denied', error: 'access_forbidden' })).rejects.toThrow(/Wrike 403.*Access denied/);
  });
});

describe('Wrike integration', () => {
  it('names the account host as one label under .wrike.com, with fixed OAuth endpoints', () => {
    expect(wrikeIntegration.apiBaseUrl).toBe('https://{host}.wrike.com/api/v4');
    expect(wrikeIntegration.accountParameters).toEqual([expect.objectContaining({ name: 'host', acceptSuffix: '.wrike.com' })]);
    expect(wrikeIntegration.auth).toMatchObject({ kind: 'oauth2', authorizationUrl: 'https://login.wrike.com/oauth2/authorize/v4', tokenUrl: 'https://login.wrike.com/oauth2/token', scopes: ['wsReadWrite'] });
    expect(wrikeIntegration.triggers.map((tr) => tr.type)).toEqual(['WRIKE_TRIGGER_TASK_CREATED', 'WRIKE_TRIGGER_TASK_STATUS_CHANGED', 'WRIKE_TRIGGER_COMMENT_ADDED']);
  });

  it('keeps Wrike\'s error description and classifies statuses', () => {
    const e = wrikeError({ status: 404, headers: {}, body: { errorDescription: 'Folder not found', error: 'not_found' } }, 'creating the webhook', 0);
    expect(e).toBeInstanceOf(ProviderError);
    expect(e.kind).toBe('permanent');
    expect(e.message).toBe('Wrike 404 creating the webhook: the folder or object was not found, or this user cannot see it (Wrike: Folder not found)');
    expect(wrikeError({ status: 429, headers: { 'retry-after': '3' }, body: {} }, 'x', 0).kind).toBe('rate_limited');
    expect(firstOf({ data: [] })).toBeNull();
    expect(firstOf({ data: [{ id: 'a' }] })).toEqual({ id: 'a' });
  });
});
