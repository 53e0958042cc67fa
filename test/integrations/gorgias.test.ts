// Gorgias, unit level: the secret-header scheme (constant-time, a wrong or missing header refused), items from an
// HTTP integration's ids-only body (keys, versions, channel filter, objects gone, the message fallback when the
// template named none), the hourly check (gone, deactivated, active), the error mapping (401 auth, 429 with and
// without Retry-After, 5xx transient, else permanent with Gorgias's message) and the auth declaration.
import { describe, expect, it } from 'vitest';
import { gorgiasError, parseTime } from '../../src/integrations/gorgias/api.js';
import message from '../../src/integrations/gorgias/fixtures/message.json' with { type: 'json' };
import ticket from '../../src/integrations/gorgias/fixtures/ticket.json' with { type: 'json' };
import { GORGIAS_SECRET_SCHEME, gorgiasIntegration } from '../../src/integrations/gorgias/integration.js';
import { schemeProblems, verifyRequest, type HttpClient, type InboundRequest, type Item, type WebhookSource } from '../../src/sdk/index.js';

const source = (type: string) => gorgiasIntegration.triggers.find((t) => t.type === type)!.source as WebhookSource<Record<string, unknown>>;
const inbound = (body: unknown, headers: Record<string, string> = {}): InboundRequest => {
  const raw = JSON.stringify(body);
  return { method: 'POST', url: '/hooks/s/x', headers: { 'content-type': 'application/json', ...headers }, rawBody: Buffer.from(raw), body: JSON.parse(raw) };
};
const log = { debug() {}, info() {}, warn() {} };

function ctx(params: Record<string, unknown>, objects: Record<string, unknown>, gets: string[], state: Record<string, unknown> = { integrationId: '501' }) {
  const http = {
    async request(req: { path: string }) {
      gets.push(req.path);
      const found = objects[req.path];
      return found ? { status: 200, headers: {}, body: found } : { status: 404, headers: {}, body: { error: { msg: 'Not found' } } };
    },
  } as unknown as HttpClient;
  return { http, params, credential: { id: 'c', providerAccountId: 'acme', extra: { domain: 'acme' } }, log, signal: new AbortController().signal, now: () => 0, state };
}

describe('Gorgias secret header', () => {
  it('accepts the header equal to the secret and refuses another value or none', () => {
    expect(schemeProblems(GORGIAS_SECRET_SCHEME)).toEqual([]);
    const body = { event: 'ticket-created', ticket_id: '123' };
    expect(verifyRequest(GORGIAS_SECRET_SCHEME, inbound(body, { 'x-opentriggers-secret': 's3cret-value' }), { secret: 's3cret-value' }, 0)).toEqual({ ok: true });
    expect(verifyRequest(GORGIAS_SECRET_SCHEME, inbound(body, { 'x-opentriggers-secret': 's3cret-valuf' }), { secret: 's3cret-value' }, 0).ok).toBe(false);
    expect(verifyRequest(GORGIAS_SECRET_SCHEME, inbound(body), { secret: 's3cret-value' }, 0).ok).toBe(false);
  });
});

describe('Gorgias triggers', () => {
  const objects = { [`/tickets/${ticket.id}`]: ticket, [`/tickets/${ticket.id}/messages/${message.id}`]: message };
  const run = async (type: string, body: unknown, params: Record<string, unknown> = {}, objs: Record<string, unknown> = objects, gets: string[] = []) =>
    (await source(type).toItems(inbound(body), ctx(params, objs, gets))) as Item[];

  it('ticket created: keyed by the ticket id, the ticket read back, created_datetime read as UTC', async () => {
    const gets: string[] = [];
    const items = await run('GORGIAS_TRIGGER_TICKET_CREATED', { event: 'ticket-created', ticket_id: '123' }, {}, objects, gets);
    expect(items).toEqual([{ key: '123', payload: ticket, occurredAt: Date.UTC(2019, 6, 5, 15, 33, 42, 123) }]);
    expect(gets).toEqual(['/tickets/123']);
  });

  it('ticket updated: keyed by id and updated_datetime; another version is another key', async () => {
    expect((await run('GORGIAS_TRIGGER_TICKET_UPDATED', { event: 'ticket-updated', ticket_id: 123 })).map((i) => i.key)).toEqual(['123:2019-07-05T15:34:10.654321']);
    const later = { [`/tickets/${ticket.id}`]: { ...ticket, updated_datetime: '2019-07-06T09:00:00' } };
    expect((await run('GORGIAS_TRIGGER_TICKET_UPDATED', { event: 'ticket-updated', ticket_id: 123 }, {}, later)).map((i) => i.key)).toEqual(['123:2019-07-06T09:00:00']);
  });

  it('ignores another event, a missing or bad ticket id, a ticket gone and another channel', async () => {
    const gets: string[] = [];
    expect(await run('GORGIAS_TRIGGER_TICKET_CREATED', { event: 'ticket-updated', ticket_id: '123' }, {}, objects, gets)).toEqual([]);
    expect(await run('GORGIAS_TRIGGER_TICKET_CREATED', { event: 'ticket-created', ticket_id: '' }, {}, objects, gets)).toEqual([]);
    expect(await run('GORGIAS_TRIGGER_TICKET_CREATED', { event: 'ticket-created', ticket_id: '../account' }, {}, objects, gets)).toEqual([]);
    expect(gets).toEqual([]);
    expect(await run('GORGIAS_TRIGGER_TICKET_CREATED', { event: 'ticket-created', ticket_id: '999' })).toEqual([]);
    expect(await run('GORGIAS_TRIGGER_TICKET_CREATED', { event: 'ticket-created', ticket_id: '123' }, { channel: 'chat' })).toEqual([]);
    expect(await run('GORGIAS_TRIGGER_TICKET_CREATED', { event: 'ticket-created', ticket_id: '123' }, { channel: 'email' })).toHaveLength(1);
  });

  it('message created: keyed by the message id; without a message id, the newest message of the ticket', async () => {
    const items = await run('GORGIAS_TRIGGER_TICKET_MESSAGE_CREATED', { event: 'ticket-message-created', ticket_id: '123', message_id: '9876' });
    expect(items.map((i) => i.key)).toEqual(['9876']);
    expect(items[0]!.payload).toEqual(message);
    const older = { ...message, id: 9000, created_datetime: '2019-07-01T00:00:00' };
    const withMessages = { [`/tickets/${ticket.id}`]: { ...ticket, messages: [message, older] } };
    const gets: string[] = [];
    const fallback = await run('GORGIAS_TRIGGER_TICKET_MESSAGE_CREATED', { event: 'ticket-message-created', ticket_id: '123', message_id: '' }, {}, withMessages, gets);
    expect(fallback.map((i) => i.key)).toEqual(['9876']);
    expect(gets).toEqual(['/tickets/123']);
    expect(await run('GORGIAS_TRIGGER_TICKET_MESSAGE_CREATED', { event: 'ticket-message-created', ticket_id: '123', message_id: '9876' }, { channel: 'sms' })).toEqual([]);
  });

  it('hourly check: 404 gone, deactivated inactive, else active', async () => {
    const src = source('GORGIAS_TRIGGER_TICKET_CREATED');
    const check = (c: unknown) => src.check!(c as never);
    expect(await check(ctx({}, {}, []))).toBe('gone');
    expect(await check(ctx({}, { '/integrations/501': { id: 501, deactivated_datetime: '2024-01-01T00:00:00' } }, []))).toBe('inactive');
    expect(await check(ctx({}, { '/integrations/501': { id: 501, deactivated_datetime: null } }, []))).toBe('active');
    expect(await check(ctx({}, {}, [], {}))).toBe('gone');
  });
});

describe('Gorgias errors, times and auth', () => {
  const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body, headers });
  it("classifies statuses and keeps Gorgias's message", () => {
    expect(gorgiasError(res(401, { error: { msg: 'Unauthorized' } }), 0)).toMatchObject({ kind: 'auth', message: 'Gorgias 401: Unauthorized' });
    expect(gorgiasError(res(429, {}, { 'retry-after': '5' }), 0)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 5000 });
    expect(gorgiasError(res(429, { error: { msg: 'Too Many Requests' } }), 0)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 20_000 });
    expect(gorgiasError(res(503, null), 0)).toMatchObject({ kind: 'transient', status: 503 });
    expect(gorgiasError(res(400, { message: 'http.url: Not a valid URL.' }), 0)).toMatchObject({ kind: 'permanent', message: 'Gorgias 400: http.url: Not a valid URL.' });
  });
  it('reads naive date-times as UTC and keeps zoned ones', () => {
    expect(parseTime('2019-07-05T15:33:42')).toBe(Date.UTC(2019, 6, 5, 15, 33, 42));
    expect(parseTime('2019-07-05T15:33:42+02:00')).toBe(Date.UTC(2019, 6, 5, 13, 33, 42));
    expect(parseTime(null)).toBeUndefined();
    expect(parseTime('soon')).toBeUndefined();
  });
  it("declares OAuth 2 on the account's host and the API key (Basic, email as user name) as the alternative", () => {
    expect(gorgiasIntegration.auth).toMatchObject({ kind: 'oauth2', authorizationUrl: 'https://{domain}.gorgias.com/oauth/authorize', tokenUrl: 'https://{domain}.gorgias.com/oauth/token' });
    expect(gorgiasIntegration.auth.kind === 'oauth2' && gorgiasIntegration.auth.scopes).toContain('offline');
    expect(gorgiasIntegration.alternativeAuth).toEqual({ kind: 'apiKey', header: 'authorization', basicUser: '{email}' });
    expect(gorgiasIntegration.apiBaseUrl).toBe('https://{domain}.gorgias.com/api');
    expect(gorgiasIntegration.tokenRefused?.({ status: 401, headers: {}, body: null })).toBe(true);
  });
});
