// Clockify, unit level: the token scheme (constant-time comparison of Clockify-Signature with the authToken),
// keys per trigger, deliveries for another event or workspace ignored, the hourly check, the account id from
// GET /user, and the error mapping (401 auth, 429 rate limited, 5xx transient, else permanent with Clockify's
// message).
import { describe, expect, it } from 'vitest';
import { clockifyError } from '../../src/integrations/clockify/api.js';
import entry from '../../src/integrations/clockify/fixtures/time-entry.json' with { type: 'json' };
import { CLOCKIFY_TOKEN_SCHEME, clockifyIntegration } from '../../src/integrations/clockify/integration.js';
import { ProviderError, schemeProblems, verifyRequest, type HttpClient, type InboundRequest, type Item, type TokenSet, type WebhookSource } from '../../src/sdk/index.js';

const source = (type: string) => clockifyIntegration.triggers.find((t) => t.type === type)!.source as WebhookSource<Record<string, unknown>>;
const inbound = (body: unknown, headers: Record<string, string> = {}): InboundRequest => {
  const raw = JSON.stringify(body);
  return { method: 'POST', url: '/hooks/s/x', headers: { 'content-type': 'application/json', ...headers }, rawBody: Buffer.from(raw), body: JSON.parse(raw) };
};
const log = { debug() {}, info() {}, warn() {} };
const WS = entry.workspaceId;
const ctx = (http: unknown = {}) => ({ http: http as HttpClient, params: { workspaceId: WS }, credential: { id: 'c', providerAccountId: 'u', extra: {} }, log, signal: new AbortController().signal, now: () => 0, state: { workspaceId: WS, webhookId: 'a'.repeat(24) } });

describe('Clockify token', () => {
  it('accepts the Clockify-Signature header equal to the token and refuses others or none', () => {
    expect(schemeProblems(CLOCKIFY_TOKEN_SCHEME)).toEqual([]);
    const token = 'eyJ0eXAiOiJKV1QifQ.abc';
    expect(verifyRequest(CLOCKIFY_TOKEN_SCHEME, inbound(entry, { 'clockify-signature': token }), { secret: token }, 0)).toEqual({ ok: true });
    expect(verifyRequest(CLOCKIFY_TOKEN_SCHEME, inbound(entry, { 'clockify-signature': `${token}x` }), { secret: token }, 0).ok).toBe(false);
    expect(verifyRequest(CLOCKIFY_TOKEN_SCHEME, inbound(entry), { secret: token }, 0).ok).toBe(false);
  });
});

describe('Clockify triggers', () => {
  const items = (type: string, body: unknown, headers: Record<string, string>) => source(type).toItems(inbound(body, headers), ctx()) as Item[];

  it('keys: created by id, stopped by id and end, updated by id and body digest (same body, same key)', () => {
    expect(items('CLOCKIFY_TRIGGER_TIME_ENTRY_CREATED', entry, { 'clockify-webhook-event-type': 'NEW_TIME_ENTRY' })).toEqual([{ key: entry.id, payload: entry, occurredAt: Date.parse(entry.timeInterval.start) }]);
    expect(items('CLOCKIFY_TRIGGER_TIMER_STOPPED', entry, { 'clockify-webhook-event-type': 'TIMER_STOPPED' }).map((i) => [i.key, i.occurredAt])).toEqual([[`${entry.id}:stopped:${entry.timeInterval.end}`, Date.parse(entry.timeInterval.end)]]);
    const a = items('CLOCKIFY_TRIGGER_TIME_ENTRY_UPDATED', entry, {})[0]!.key;
    expect(a).toMatch(new RegExp(`^${entry.id}:[0-9a-f]{32}$`));
    expect(items('CLOCKIFY_TRIGGER_TIME_ENTRY_UPDATED', entry, {})[0]!.key).toBe(a);
    expect(items('CLOCKIFY_TRIGGER_TIME_ENTRY_UPDATED', { ...entry, description: 'x' }, {})[0]!.key).not.toBe(a);
  });

  it('ignores another event, another workspace, a running timer and bodies without an id', () => {
    expect(items('CLOCKIFY_TRIGGER_TIME_ENTRY_CREATED', entry, { 'clockify-webhook-event-type': 'NEW_PROJECT' })).toEqual([]);
    expect(items('CLOCKIFY_TRIGGER_TIME_ENTRY_CREATED', { ...entry, workspaceId: 'b'.repeat(24) }, {})).toEqual([]);
    expect(items('CLOCKIFY_TRIGGER_TIMER_STOPPED', { ...entry, timeInterval: { start: entry.timeInterval.start, end: null } }, {})).toEqual([]);
    expect(items('CLOCKIFY_TRIGGER_PROJECT_CREATED', { name: 'no id' }, {})).toEqual([]);
  });

  it('workspaceId is validated, naming the field', () => {
    const param = clockifyIntegration.triggers[0]!.parameters.find((p) => p.id === 'workspaceId')!;
    expect(param.required).toBe(true);
    expect(param.validate!(WS)).toBeNull();
    expect(param.validate!('not-an-id')).toContain('workspace id');
  });

  it('check: 404 gone, disabled inactive, enabled active; errors thrown', async () => {
    const answer = (status: number, body: unknown) => ({ request: async () => ({ status, headers: {}, body }) });
    const s = source('CLOCKIFY_TRIGGER_CLIENT_CREATED');
    expect(await s.check!(ctx(answer(404, { message: 'Webhook not found', code: 4040 })))).toBe('gone');
    expect(await s.check!(ctx(answer(200, { enabled: false })))).toBe('inactive');
    expect(await s.check!(ctx(answer(200, { enabled: true })))).toBe('active');
    await expect(s.check!(ctx(answer(401, { message: 'nope' })))).rejects.toMatchObject({ kind: 'auth' });
    expect(await s.check!({ ...ctx(), state: {} })).toBe('gone');
  });

  it('register refuses an answer without authToken and removes that webhook', async () => {
    const calls: string[] = [];
    const http = { request: async (req: { method?: string; path: string }) => { calls.push(`${req.method} ${req.path}`); return { status: 201, headers: {}, body: { id: 'c'.repeat(24) } }; } };
    await expect(source('CLOCKIFY_TRIGGER_CLIENT_CREATED').register({ ...ctx(http), hookUrl: 'https://x/hooks/s/1', secret: 's' })).rejects.toThrow('authToken');
    expect(calls).toEqual([`POST /workspaces/${WS}/webhooks`, `DELETE /workspaces/${WS}/webhooks/${'c'.repeat(24)}`]);
  });
});

describe('Clockify account and errors', () => {
  it('accountId: the user id and default workspace from GET /user', async () => {
    const http = { get: async (path: string) => (path === '/user' ? { id: entry.userId, defaultWorkspace: WS } : null) } as unknown as HttpClient;
    expect(await clockifyIntegration.accountId!({ http, token: {} as TokenSet })).toEqual({ providerAccountId: entry.userId, extra: { defaultWorkspace: WS } });
  });

  it('maps statuses and keeps Clockify’s message', () => {
    const e = (status: number, headers: Record<string, string> = {}) => clockifyError({ status, headers, body: { message: 'Webhook limit reached', code: 501 } }, 'POST x', 0);
    expect(e(401).kind).toBe('auth');
    expect(e(429, { 'retry-after': '2' })).toMatchObject({ kind: 'rate_limited', retryAfterMs: 2000 });
    expect(e(503).kind).toBe('transient');
    expect(e(400)).toMatchObject({ kind: 'permanent', message: 'Clockify 400 on POST x: Webhook limit reached' });
    expect(e(400)).toBeInstanceOf(ProviderError);
  });
});
