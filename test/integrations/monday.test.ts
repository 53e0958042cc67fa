// monday.com triggers at the source level: the declaration, the JWT scheme against an independently computed
// token, the challenge handshake, mapping of webhook bodies (monday's sample shapes) to items and keys —
// retries keep their key —, monday's error answers (GraphQL errors with HTTP 200, the complexity budget, the
// older ComplexityException, daily limit), and accountId / unregister / check against the fake over real HTTP.
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { mondayError } from '../../src/integrations/monday/api.js';
import { boardId, mondayEvents } from '../../src/integrations/monday/fixtures/events.js';
import { MONDAY_API_VERSION, mondayIntegration } from '../../src/integrations/monday/integration.js';
import { MONDAY_CHALLENGE, MONDAY_SIGNATURE } from '../../src/integrations/monday/webhooks.js';
import {
  ProviderError,
  classifyInbound,
  verifyRequest,
  type HttpClient,
  type InboundRequest,
  type Item,
  type WebhookSource,
} from '../../src/sdk/index.js';
import { startFakeMonday, type FakeMonday } from '../providers/monday.js';

const silent = { debug() {}, info() {}, warn() {} };
const TYPES = [
  'MONDAY_TRIGGER_ITEM_CREATED_WITH_NEW_API_VERSION',
  'MONDAY_TRIGGER_COLUMN_VALUE_CHANGED',
  'MONDAY_TRIGGER_STATUS_CHANGED',
  'MONDAY_TRIGGER_UPDATE_CREATED',
  'MONDAY_TRIGGER_ITEM_ARCHIVED',
];
const NOW = Date.parse('2026-12-07T09:10:00Z');

const source = (type: string) => {
  const t = mondayIntegration.triggers.find((x) => x.type === type);
  if (!t || t.source.kind !== 'webhook') throw new Error(`no webhook trigger ${type}`);
  return t.source as WebhookSource;
};

function inbound(body: unknown, headers: Record<string, string> = {}): InboundRequest {
  const rawBody = Buffer.from(JSON.stringify(body));
  return { method: 'POST', url: '/hooks/s/x', headers, rawBody, body: JSON.parse(rawBody.toString('utf8')) };
}

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('monday', () => {
  let monday: FakeMonday;
  let http: HttpClient;
  const ctx = (params: Record<string, unknown> = { boardId }, state: Record<string, unknown> = {}) => ({
    http, params, state, credential: { id: 'cred-1', providerAccountId: '1825529', extra: {} }, log: silent, signal: AbortSignal.timeout(10_000), now: () => NOW,
  });
  const items = (type: string, body: unknown, params: Record<string, unknown> = { boardId }) =>
    source(type).toItems(inbound(body), ctx(params)) as Item[];

  beforeEach(async () => {
    monday = await startFakeMonday();
    http = createProviderHttp({ integration: mondayIntegration, apiBaseUrl: monday.url, auth: { canRefresh: false, headers: async () => ({ authorization: 'Bearer monday_oauth_valid' }) } });
  });
  afterEach(async () => {
    await monday.close();
  });

  it('declares the triggers, OAuth endpoints and scopes, the API version and the app signing key', () => {
    expect(mondayIntegration.key).toBe('monday');
    expect(mondayIntegration.triggers.map((t) => t.type)).toEqual(TYPES);
    expect(mondayIntegration.auth).toMatchObject({
      kind: 'oauth2', authorizationUrl: 'https://auth.monday.com/oauth2/authorize', tokenUrl: 'https://auth.monday.com/oauth2/token',
      scopes: ['me:read', 'boards:read', 'webhooks:read', 'webhooks:write'], scopeSeparator: ' ',
    });
    expect(mondayIntegration.defaultHeaders).toEqual({ 'API-Version': MONDAY_API_VERSION });
    for (const t of mondayIntegration.triggers) {
      const s = t.source as WebhookSource;
      expect(s.appSigningKey).toMatchObject({ required: true });
      expect(s.verification).toBe(MONDAY_SIGNATURE);
      expect(s.redeliveryDays).toBeUndefined();
      expect(t.parameters[0]).toMatchObject({ id: 'boardId', required: true });
    }
  });

  it('verifies the Authorization JWT with the Signing Secret (token computed independently), not with anything else', () => {
    const head = b64url({ alg: 'HS256', typ: 'JWT' });
    const claims = b64url({ accountId: 1825529, userId: 4012689, aud: 'https://ot.example/hooks/s/x', exp: NOW / 1000 + 300, iat: NOW / 1000 });
    const token = `${head}.${claims}.${createHmac('sha256', 'signing-secret').update(`${head}.${claims}`).digest('base64url')}`;
    const req = inbound(mondayEvents.itemCreated, { authorization: token });
    expect(verifyRequest(MONDAY_SIGNATURE, req, { secret: 'signing-secret' }, NOW)).toEqual({ ok: true });
    expect(verifyRequest(MONDAY_SIGNATURE, req, { secret: 'client-secret' }, NOW)).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(verifyRequest(MONDAY_SIGNATURE, inbound(mondayEvents.itemCreated), { secret: 'signing-secret' }, NOW)).toMatchObject({ ok: false, reason: 'missing_signature' });
    // exp passed by more than the minute of leeway
    expect(verifyRequest(MONDAY_SIGNATURE, req, { secret: 'signing-secret' }, NOW + 361_000)).toMatchObject({ ok: false, reason: 'stale_timestamp' });
  });

  it('echoes the URL challenge before verification, and lets events through to it', () => {
    const config = { verification: MONDAY_SIGNATURE, handshakes: [MONDAY_CHALLENGE] };
    const probe = classifyInbound(config, inbound({ challenge: 'abc123' }), { secret: 's' }, NOW);
    expect(probe).toMatchObject({ kind: 'handshake', response: { status: 200, body: '{"challenge":"abc123"}' } });
    expect(classifyInbound(config, inbound(mondayEvents.itemCreated), { secret: 's' }, NOW)).toMatchObject({ kind: 'rejected' });
  });

  it('maps each sample body to one item whose key a retry repeats', () => {
    const cases: Array<[string, unknown, string]> = [
      ['MONDAY_TRIGGER_ITEM_CREATED_WITH_NEW_API_VERSION', mondayEvents.itemCreated, 'item:1772099344'],
      ['MONDAY_TRIGGER_COLUMN_VALUE_CHANGED', mondayEvents.columnValueChanged, 'change:645fc8d8709d35718f1ba3b1e3c4c5a6'],
      ['MONDAY_TRIGGER_STATUS_CHANGED', mondayEvents.statusChanged, 'change:0c7e2a1f5d3b4e8a9f6b2c1d0e9f8a7b'],
      ['MONDAY_TRIGGER_UPDATE_CREATED', mondayEvents.updateCreated, 'update:3027466235'],
      ['MONDAY_TRIGGER_ITEM_ARCHIVED', mondayEvents.itemArchived, 'archived:1f2e3d4c5b6a79880716253443526170'],
    ];
    for (const [type, body, key] of cases) {
      const [item, ...rest] = items(type, body);
      expect(rest).toEqual([]);
      expect(item).toMatchObject({ key, payload: body });
      expect(item!.occurredAt).toBe(Date.parse((body as { event: { triggerTime: string } }).event.triggerTime));
      expect(items(type, JSON.parse(JSON.stringify(body)))[0]!.key).toBe(key);
    }
  });

  it('keys a column change without triggerUuid by item, column and changedAt', () => {
    const { triggerUuid: _omit, ...event } = mondayEvents.columnValueChanged.event;
    expect(items('MONDAY_TRIGGER_COLUMN_VALUE_CHANGED', { event })[0]!.key).toBe('change:1772099344:text0:1765098448.6716');
    expect(() => items('MONDAY_TRIGGER_COLUMN_VALUE_CHANGED', { event: { boardId: 1771812698 } })).toThrow(ProviderError);
    expect(() => items('MONDAY_TRIGGER_ITEM_CREATED_WITH_NEW_API_VERSION', { challenge: 'x' })).toThrow(/no event/);
  });

  it('drops events of another board, and of another column when a column is chosen', () => {
    expect(items('MONDAY_TRIGGER_ITEM_CREATED_WITH_NEW_API_VERSION', mondayEvents.itemCreated, { boardId: '42' })).toEqual([]);
    expect(items('MONDAY_TRIGGER_STATUS_CHANGED', mondayEvents.statusChanged, { boardId, columnId: 'priority' })).toEqual([]);
    expect(items('MONDAY_TRIGGER_STATUS_CHANGED', mondayEvents.statusChanged, { boardId, columnId: 'status' })).toHaveLength(1);
    expect(items('MONDAY_TRIGGER_COLUMN_VALUE_CHANGED', mondayEvents.columnValueChanged, { boardId, columnId: 'date4' })).toEqual([]);
  });

  it("maps monday's error answers to ProviderError kinds with monday's message and wait", () => {
    const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, headers, body });
    const budget = mondayError(res(200, { errors: [{ message: 'Complexity budget exhausted', extensions: { code: 'COMPLEXITY_BUDGET_EXHAUSTED', retry_in_seconds: 7 } }] }), NOW);
    expect([budget.kind, budget.retryAfterMs]).toEqual(['rate_limited', 7000]);
    const legacy = mondayError(res(429, {
      error_code: 'ComplexityException', status_code: 429, error_data: {},
      error_message: 'Complexity budget exhausted, query cost 30001 budget remaining 19986 out of 1000000 reset in 3 seconds',
      errors: ['Complexity budget exhausted, query cost 30001 budget remaining 19986 out of 1000000 reset in 3 seconds'],
    }), NOW);
    expect([legacy.kind, legacy.retryAfterMs]).toEqual(['rate_limited', 3000]);
    const minute = mondayError(res(429, { errors: [{ message: 'Rate Limit Exceeded' }] }, { 'retry-after': '30' }), NOW);
    expect([minute.kind, minute.retryAfterMs]).toEqual(['rate_limited', 30_000]);
    const daily = mondayError(res(200, { errors: [{ message: 'Daily limit exceeded', extensions: { code: 'DAILY_LIMIT_EXCEEDED' } }] }), NOW);
    expect([daily.kind, daily.retryAfterMs]).toEqual(['rate_limited', Date.parse('2026-12-08T00:00:00Z') - NOW]);
    const forbidden = mondayError(res(200, { errors: [{ message: 'User unauthorized to perform action', extensions: { code: 'USER_UNAUTHORIZED', status_code: 403 } }] }), NOW);
    expect([forbidden.kind, forbidden.message]).toEqual(['permanent', 'monday.com: User unauthorized to perform action (USER_UNAUTHORIZED)']);
    expect(mondayError(res(401, { errors: [{ message: 'Not Authenticated' }] }), NOW).kind).toBe('auth');
    expect(mondayError(res(200, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', status_code: 500 } }] }), NOW).kind).toBe('transient');
    expect(mondayError(res(400, { errors: [{ message: 'Board not found', extensions: { code: 'RESOURCE_NOT_FOUND' } }] }), NOW).notFound).toBe(true);
  });

  it('identifies the account, registers through the challenge, checks and unregisters over HTTP', async () => {
    expect(await mondayIntegration.accountId!({ http, token: { accessToken: 'monday_oauth_valid' } })).toEqual({
      providerAccountId: '1825529', extra: { accountName: 'Company', accountSlug: 'company', userId: '4012689' },
    });
    // The fake's challenge goes to a URL nothing answers: monday refuses to create the webhook.
    const failed = source('MONDAY_TRIGGER_UPDATE_CREATED').register({ ...ctx(), hookUrl: 'http://127.0.0.1:9/hooks/s/x', secret: 's' });
    await expect(failed).rejects.toMatchObject({ kind: 'permanent', message: expect.stringContaining('Failed to communicate with URL provided') });
    expect(monday.webhooks.size).toBe(0);

    monday.webhooks.set('77', { id: '77', boardId, url: 'https://ot.example/hooks/s/x', event: 'create_update', config: null });
    const s = source('MONDAY_TRIGGER_UPDATE_CREATED');
    expect(await s.check!(ctx({ boardId }, { webhookId: '77', boardId }))).toBe('active');
    await s.unregister(ctx({ boardId }, { webhookId: '77', boardId }));
    expect(monday.webhooks.size).toBe(0);
    expect(await s.check!(ctx({ boardId }, { webhookId: '77', boardId }))).toBe('gone');
    // Already deleted: unregistering again is not an error.
    await s.unregister(ctx({ boardId }, { webhookId: '77', boardId }));
    expect(monday.requests.every((q) => q.apiVersion === MONDAY_API_VERSION)).toBe(true);
  });
});
