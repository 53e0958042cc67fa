// The direct inbound-hook path over real HTTP, with a scripted engine: what it serves, what it leaves to
// Fastify, and how it answers (the end-to-end behaviour is in test/e2e/inbound-hooks.test.ts).
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import pino from 'pino';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Ingest, InboundResponse } from '../../engine/ingest.js';
import type { InboundRequest } from '../../sdk/index.js';
import { directHookRoutes } from './hooks-direct.js';
import { HOOK_BODY_LIMIT } from './hooks.js';

const SUB = '0190a6f2-1c2b-7d3e-8f40-123456789abc';
const PROJECT = '0190a6f2-1c2b-7d3e-8f40-cba987654321';

describe('direct inbound hook routes', () => {
  const seen: Array<{ route: string; req: InboundRequest }> = [];
  let answer: (req: InboundRequest) => Promise<InboundResponse>;
  const ingest = {
    subscriptionHook: (id: string, req: InboundRequest) => (seen.push({ route: `s/${id}`, req }), answer(req)),
    appHook: (project: string, integration: string, req: InboundRequest) => (seen.push({ route: `app/${project}/${integration}`, req }), answer(req)),
  } as unknown as Ingest;
  const logged: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
  let server: Server;
  let url: string;

  beforeAll(async () => {
    const direct = directHookRoutes(ingest, logger);
    // 299 marks "declined: left to the next handler" (Fastify in the service).
    server = createServer((req, res) => direct(req, res) || (req.resume(), res.writeHead(299).end('declined')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    seen.length = 0;
    logged.length = 0;
    answer = async () => ({ status: 200, body: { ok: true, events: 1 } });
  });

  it('hands the exact bytes, method, url and headers to the engine and answers its JSON', async () => {
    const body = Buffer.from('{"id":"evt_1","text":"héllo"}');
    const res = await request(`${url}/hooks/s/${SUB}?x=1`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'X-Provider-Signature': 'abc' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.body.json()).toEqual({ ok: true, events: 1 });
    expect(seen).toHaveLength(1);
    const { route, req } = seen[0]!;
    expect(route).toBe(`s/${SUB}`);
    expect(req).toMatchObject({ method: 'POST', url: `/hooks/s/${SUB}?x=1`, body: { id: 'evt_1', text: 'héllo' } });
    expect(req.rawBody.equals(body)).toBe(true);
    expect(req.headers['x-provider-signature']).toBe('abc');
    expect(logged).toContainEqual(expect.objectContaining({ msg: 'request', method: 'POST', url: `/hooks/s/${SUB}`, status: 200, reqId: res.headers['x-request-id'] }));
  });

  it('routes app-level hooks by project and integration, and answers text and provider headers as given', async () => {
    answer = async () => ({ status: 200, headers: { 'X-Challenge': 'yes' }, body: 'challenge-123' });
    const res = await request(`${url}/hooks/app/${PROJECT}/slack`, { method: 'PUT', body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['x-challenge']).toBe('yes');
    expect(await res.body.text()).toBe('challenge-123');
    expect(seen[0]).toMatchObject({ route: `app/${PROJECT}/slack`, req: { body: { a: '1' } } });
  });

  it('answers an engine failure with the contract error body, its request id and an error log line', async () => {
    answer = async () => {
      throw new Error('database is on fire');
    };
    const res = await request(`${url}/hooks/s/${SUB}`, { method: 'POST', body: '{}' });
    expect(res.statusCode).toBe(500);
    const requestId = res.headers['x-request-id'];
    expect(await res.body.json()).toEqual({ message: 'internal error', code: 'INTERNAL', status: 500, meta: { requestId } });
    expect(logged).toContainEqual(expect.objectContaining({ level: 50, msg: 'request failed', reqId: requestId }));
  });

  it('leaves to Fastify what it cannot answer exactly as Fastify would', async () => {
    const declined = async (path: string, opts: Parameters<typeof request>[1]) => {
      const res = await request(`${url}${path}`, opts);
      await res.body.text();
      return res.statusCode;
    };
    expect(await declined(`/hooks/s/${SUB}`, { method: 'HEAD' })).toBe(299);
    expect(await declined(`/hooks/s/${SUB}`, { method: 'DELETE' })).toBe(299);
    expect(await declined(`/hooks/s/${SUB}/`, { method: 'POST', body: '{}' })).toBe(299);
    expect(await declined('/hooks/s/nope', { method: 'POST', body: '{}' })).toBe(299);
    expect(await declined(`/HOOKS/s/${SUB}`, { method: 'POST', body: '{}' })).toBe(299);
    expect(await declined(`/hooks/app/${PROJECT}/no-dashes-allowed`, { method: 'POST', body: '{}' })).toBe(299);
    expect(await declined(`/hooks/s/${SUB}`, { method: 'GET', body: '{}' })).toBe(299);
    // A body without a declared length (chunked), and one declared over the limit.
    expect(await declined(`/hooks/s/${SUB}`, { method: 'POST', body: Readable.from([Buffer.from('{}')]) })).toBe(299);
    expect(await declined(`/hooks/s/${SUB}`, { method: 'POST', body: Buffer.alloc(HOOK_BODY_LIMIT + 1, 'a') })).toBe(299);
    expect(seen).toEqual([]);
  });

  it('serves a GET without a body (provider verification pings)', async () => {
    const res = await request(`${url}/hooks/s/${SUB}?challenge=1`, { method: 'GET' });
    expect(res.statusCode).toBe(200);
    await res.body.text();
    expect(seen[0]!.req).toMatchObject({ method: 'GET', body: null });
  });

  it('does not call the engine for a request whose client went away mid-body', async () => {
    await new Promise<void>((resolve, reject) => {
      const socket = connect((server.address() as { port: number }).port, '127.0.0.1', () => {
        socket.write(`POST /hooks/s/${SUB} HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{"partial":`);
        setTimeout(() => socket.destroy(), 50);
      });
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    // The server notices the close before any later request on a fresh connection is answered.
    const res = await request(`${url}/hooks/s/${SUB}`, { method: 'POST', body: '{}' });
    await res.body.text();
    expect(seen.map((s) => s.req.rawBody.toString())).toEqual(['{}']);
  });
});
