import { describe, expect, it } from 'vitest';
import type { HttpClient, HttpRequest, PollSource, WebhookSource } from '../sdk/index.js';
import { openTestStorage } from '../../test/helpers/databases.js';
import { Catalog } from './catalog.js';
import { ProjectCatalogs, buildProjectIntegrations, compileCustomTrigger, getPath, parseTimestamp, validateCustomTrigger } from './custom-triggers.js';

const empty = new Catalog([]);
const validate = (def: unknown, type = 'ACME_TRIGGER_X') => validateCustomTrigger(type, def, { builtin: empty, others: [] });
const acme = { integration: 'acme', auth: { kind: 'apiKey', header: 'X-Api-Key' }, apiBaseUrl: 'https://api.acme.example', title: 'T' };

/** An HttpClient answering from a function, recording every request. */
function fakeHttp(answer: (req: HttpRequest) => unknown) {
  const calls: HttpRequest[] = [];
  const http: HttpClient = {
    async request<T>(req: HttpRequest) {
      calls.push(req);
      return { status: 200, headers: {}, body: answer(req) as T };
    },
    async get<T>(path: string, query?: HttpRequest['query']) {
      calls.push({ path, ...(query ? { query } : {}) });
      return answer({ path, ...(query ? { query } : {}) }) as T;
    },
    async post<T>(path: string, json?: unknown) {
      calls.push({ method: 'POST', path, json });
      return answer({ method: 'POST', path, json }) as T;
    },
  };
  return { http, calls };
}

const ctxBase = (http: HttpClient, params: Record<string, unknown>) => ({
  http, params, credential: { id: 'c', providerAccountId: null, extra: {} },
  log: { debug() {}, info() {}, warn() {} }, signal: new AbortController().signal, now: () => 0,
});

describe('custom trigger helpers', () => {
  it('reads timestamps in the declared format, or guesses seconds vs milliseconds', () => {
    expect(parseTimestamp(1_700_000_000)).toBe(1_700_000_000_000);
    expect(parseTimestamp(1_700_000_000_123)).toBe(1_700_000_000_123);
    expect(parseTimestamp('1700000000')).toBe(1_700_000_000_000);
    expect(parseTimestamp('2026-01-01T00:00:00Z')).toBe(Date.UTC(2026, 0, 1));
    expect(parseTimestamp(3000, 'unixMs')).toBe(3000);
    expect(parseTimestamp('3000', 'unixSeconds')).toBe(3_000_000);
    expect(parseTimestamp('2026-01-01T00:00:00Z', 'unixMs')).toBeUndefined();
    expect(parseTimestamp('yesterday')).toBeUndefined();
    expect(parseTimestamp(null)).toBeUndefined();
  });

  it('walks dot paths through objects and arrays', () => {
    expect(getPath({ a: { b: [{ c: 1 }] } }, 'a.b.0.c')).toBe(1);
    expect(getPath({ a: 1 }, '')).toEqual({ a: 1 });
    expect(getPath({ a: 'x' }, 'a.b')).toBeUndefined();
    expect(getPath({ a: [1] }, 'a.length')).toBeUndefined();
  });
});

describe('compiled polling source', () => {
  const def = validate({
    ...acme,
    parameters: [{ id: 'board', title: 'Board', type: 'TEXT', required: true }, { id: 'status', title: 'Status', type: 'TEXT' }],
    source: {
      kind: 'poll', path: '/boards/{board}/cards', query: { status: '{status}', limit: '50', label: 'b-{board}' }, itemsPath: 'data.cards', keyField: 'id',
      timestampField: 'updated', since: { param: 'updated_since', format: 'iso' }, paging: { kind: 'page', param: 'page', start: 1 }, maxPages: 3,
    },
  });
  const source = compileCustomTrigger('ACME_TRIGGER_X', def).source as PollSource<Record<string, unknown>>;

  it('fills the URL template safely, pages until an empty page, keeps the newest timestamp as cursor', async () => {
    const pages: Record<number, unknown[]> = {
      1: [{ id: 'a', updated: '2026-01-01T00:00:00Z' }, { id: 'b', updated: '2026-01-03T00:00:00Z' }, { noId: true }],
      2: [{ id: 'c', updated: '2026-01-02T00:00:00Z' }, { id: 'a', updated: '2026-01-01T00:00:00Z' }],
      3: [],
    };
    const { http, calls } = fakeHttp((req) => ({ data: { cards: pages[Number(req.query?.page)] ?? [] } }));
    const r = await source.poll({ ...ctxBase(http, { board: '../admin' }), cursor: null });
    // One encoded segment: neither `/` nor a dot segment can walk the path.
    expect(calls.map((c) => c.path)).toEqual(Array(3).fill('/boards/..%2Fadmin/cards'));
    expect(calls[0]!.query).toEqual({ limit: '50', label: 'b-../admin', page: 1 });
    expect(r.items.map((i) => i.key)).toEqual(['a', 'b', 'c']);
    expect(r.items[1]!.occurredAt).toBe(Date.UTC(2026, 0, 3));
    expect(r.cursor).toEqual({ since: Date.UTC(2026, 0, 3) });

    const next = fakeHttp(() => ({ data: { cards: [] } }));
    await source.poll({ ...ctxBase(next.http, { board: '..', status: 'open' }), cursor: r.cursor });
    expect(next.calls[0]!.path).toBe('/boards/%2E%2E/cards');
    await source.poll({ ...ctxBase(next.http, { board: 'b1', status: 'open' }), cursor: r.cursor });
    next.calls.shift();
    expect(next.calls[0]!.query).toEqual({ status: 'open', limit: '50', label: 'b-b1', updated_since: '2026-01-03T00:00:00.000Z', page: 1 });
  });

  it('stops at maxPages and refuses a response without the items array', async () => {
    const { http, calls } = fakeHttp(() => ({ data: { cards: [{ id: String(Math.random()) }] } }));
    await source.poll({ ...ctxBase(http, { board: 'b' }), cursor: null });
    expect(calls).toHaveLength(3);
    const bad = fakeHttp(() => ({ data: {} }));
    await expect(source.poll({ ...ctxBase(bad.http, { board: 'b' }), cursor: null })).rejects.toThrow('no array at itemsPath "data.cards"');
  });
});

describe('compiled webhook source', () => {
  it('maps bodies to items (array or single object), keyed by field or by content', async () => {
    const def = validate({
      ...acme,
      source: { kind: 'webhook', verification: { kind: 'sharedSecret', header: 'x-token' }, secret: 'integrationConfig', itemsPath: 'events', keyField: 'uid', timestampField: 'ts', timestampFormat: 'unixSeconds' },
    });
    const source = compileCustomTrigger('ACME_TRIGGER_X', def).source as WebhookSource<Record<string, unknown>>;
    const req = (body: unknown) => ({ method: 'POST', url: '/', headers: {}, rawBody: Buffer.from(JSON.stringify(body)), body });
    const ctx = { ...ctxBase(fakeHttp(() => null).http, {}), state: {} };
    const items = await source.toItems(req({ events: [{ uid: 'u1', ts: 10 }, { other: 1 }] }), ctx);
    expect(Array.isArray(items) && items.map((i) => [i.key, i.occurredAt])).toEqual([['u1', 10_000], [expect.stringMatching(/^sha256:[0-9a-f]{64}$/), undefined]]);
    expect(await source.toItems(req({ events: { uid: 'u2' } }), ctx)).toEqual([{ key: 'u2', payload: { uid: 'u2' } }]);
    expect(await source.toItems(req({}), ctx)).toEqual([]);
  });

  it('takes the secret from the setup response when told to, and tears down with the provider id', async () => {
    const def = validate({
      ...acme,
      parameters: [{ id: 'list', title: 'List', type: 'NUMBER', required: true }],
      source: {
        kind: 'webhook', verification: { kind: 'hmac', algorithm: 'sha256', header: 'x-sig', encoding: 'base64' }, secret: 'setupResponse',
        setup: { method: 'POST', path: '/webhooks', body: { target: '{hookUrl}', listId: '{list}', note: 'list {list}' }, idPath: 'webhook.id', secretPath: 'webhook.signing_key' },
        teardown: { method: 'DELETE', path: '/webhooks/{hookId}' }, keyField: 'id',
      },
    });
    const source = compileCustomTrigger('ACME_TRIGGER_X', def).source as WebhookSource<Record<string, unknown>>;
    const { http, calls } = fakeHttp(() => ({ webhook: { id: 77, signing_key: 'provider-chosen' } }));
    const reg = await source.register({ ...ctxBase(http, { list: 5 }), hookUrl: 'https://ot/hooks/s/1', secret: 'ours' });
    expect(calls[0]).toMatchObject({ method: 'POST', path: '/webhooks', json: { target: 'https://ot/hooks/s/1', listId: 5, note: 'list 5' } });
    expect(reg).toEqual({ state: { hookUrl: 'https://ot/hooks/s/1', hookId: '77' }, secret: 'provider-chosen' });
    await source.unregister({ ...ctxBase(http, { list: 5 }), state: reg.state });
    expect(calls[1]).toMatchObject({ method: 'DELETE', path: '/webhooks/77', allowStatus: [404, 410] });
  });
});

describe('verification schemes of custom webhook triggers', () => {
  it('accepts a jwt scheme (monday.com style) and hex-encoded hmac keys (Close style), and refuses other JWT algorithms', () => {
    const webhook = (verification: unknown) => ({ ...acme, source: { kind: 'webhook', verification, secret: 'integrationConfig', keyField: 'id' } });
    const jwt = validate(webhook({ kind: 'jwt', algorithm: 'HS256', header: 'authorization', leewaySeconds: 30 }));
    expect(compileCustomTrigger('ACME_TRIGGER_X', jwt).source).toMatchObject({ verification: { kind: 'jwt', algorithm: 'HS256', header: 'authorization' } });
    const hex = validate(webhook({ kind: 'hmac', algorithm: 'sha256', header: 'close-sig-hash', encoding: 'hex', secretEncoding: 'hex' }));
    expect(compileCustomTrigger('ACME_TRIGGER_X', hex).source).toMatchObject({ verification: { secretEncoding: 'hex' } });
    expect(() => validate(webhook({ kind: 'jwt', algorithm: 'none', header: 'authorization' }))).toThrow(/source\.verification/);
  });
});

describe('project integrations', () => {
  it('compiles a new integration with its API-key header, and appends triggers to built-in ones', () => {
    const builtin = new Catalog([{ key: 'gh', name: 'GH', auth: { kind: 'apiKey', header: 'authorization' }, apiBaseUrl: 'https://gh', triggers: [] }]);
    const poll = { kind: 'poll', path: '/x', itemsPath: '', keyField: 'id', timestampField: 't' };
    const rows = [
      { id: '1', projectId: 'p', integration: 'acme', type: 'ACME_TRIGGER_A', definition: { ...acme, source: poll }, createdAt: 0, updatedAt: 0 },
      { id: '2', projectId: 'p', integration: 'gh', type: 'GH_TRIGGER_CUSTOM', definition: { integration: 'gh', title: 'C', source: poll }, createdAt: 0, updatedAt: 0 },
      { id: '3', projectId: 'p', integration: 'gh', type: 'BROKEN', definition: { integration: 'gh' }, createdAt: 0, updatedAt: 0 },
    ];
    const integrations = buildProjectIntegrations(builtin, rows);
    expect(integrations.map((i) => [i.key, i.triggers.map((t) => t.type)])).toEqual([['gh', ['GH_TRIGGER_CUSTOM']], ['acme', ['ACME_TRIGGER_A']]]);
    expect(integrations[1]).toMatchObject({ name: 'acme', auth: { kind: 'apiKey', header: 'x-api-key' }, apiBaseUrl: 'https://api.acme.example' });
    const bearer = buildProjectIntegrations(empty, [{ ...rows[0]!, definition: { ...acme, auth: { kind: 'bearer' }, source: poll } }]);
    expect(bearer[0]!.auth).toEqual({ kind: 'apiKey', header: 'authorization', prefix: 'Bearer ' });
  });

  it('other processes see a change within the recheck interval; this one at once', async () => {
    const t = await openTestStorage('sqlite');
    try {
      const project = await t.storage.projects.create({ name: 'p', webhookUrl: null, signingSecret: 'whsec_x' });
      let now = 0;
      const here = new ProjectCatalogs(() => empty, t.storage, undefined, () => now);
      const there = new ProjectCatalogs(() => empty, t.storage, undefined, () => now);
      expect((await there.get(project.id)).integrations()).toEqual([]);
      const definition = { ...acme, source: { kind: 'poll', path: '/x', itemsPath: '', keyField: 'id', timestampField: 't' } };
      await t.storage.customTriggers.upsert({ projectId: project.id, integration: 'acme', type: 'ACME_TRIGGER_X', definition });
      await here.changed(project.id);
      expect((await here.get(project.id)).trigger('ACME_TRIGGER_X')).toBeDefined();
      expect((await there.get(project.id)).trigger('ACME_TRIGGER_X')).toBeUndefined(); // cached
      now += 2001;
      expect((await there.get(project.id)).trigger('ACME_TRIGGER_X')).toBeDefined();
    } finally {
      await t.close();
    }
  });
});
