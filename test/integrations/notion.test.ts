// Notion triggers at the source level: real HTTP against the fake Notion, with a harness that plays the engine's
// part (the baseline is recorded as seen, each key is kept once, the cursor is stored as JSON).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { notionIntegration } from '../../src/integrations/notion/integration.js';
import { extractNotionId, validateDatabaseId } from '../../src/integrations/notion/polling.js';
import { ProviderError, type AnyTriggerDefinition, type HttpClient, type Item, type PollSource } from '../../src/sdk/index.js';
import { NOTION_DATABASE_ID, NOTION_DATA_SOURCE_ID, startFakeNotion, type FakeNotion } from '../providers/notion.js';
import { recordPoll } from '../helpers/poll-harness.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 27, 15, 0, 0);
const silent = { debug() {}, info() {}, warn() {} };

function trigger(type: string): AnyTriggerDefinition {
  const t = notionIntegration.triggers.find((x) => x.type === type);
  if (!t) throw new Error(`no trigger ${type}`);
  return t;
}

class Harness {
  seen = new Set<string>();
  cursor: unknown = null;
  now = T0;
  constructor(private readonly http: HttpClient, private readonly type: string, private readonly params: Record<string, unknown> = {}) {}
  async poll(): Promise<Item[]> {
    const r = await (trigger(this.type).source as PollSource).poll({
      http: this.http, params: this.params, credential: { id: 'cred-1', providerAccountId: 'ws-1', extra: {} }, log: silent,
      signal: AbortSignal.timeout(10_000), now: () => this.now, cursor: this.cursor,
    });
    return recordPoll(this, r);
  }
}

describe('notion', () => {
  let fake: FakeNotion;
  let http: HttpClient;
  const db = { databaseId: NOTION_DATABASE_ID };
  beforeEach(async () => {
    fake = await startFakeNotion();
    http = createProviderHttp({ integration: notionIntegration, apiBaseUrl: fake.url, auth: { canRefresh: false, headers: async () => ({ authorization: 'Bearer valid-token' }) } });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('declares the binding trigger types, OAuth with Basic client auth, and Notion-Version on every call', async () => {
    expect(notionIntegration.triggers.map((t) => t.type)).toEqual([
      'NOTION_TRIGGER_PAGE_CREATED', 'NOTION_TRIGGER_PAGE_UPDATED', 'NOTION_TRIGGER_DATABASE_ITEM_CREATED', 'NOTION_TRIGGER_DATABASE_ITEM_UPDATED',
    ]);
    expect(notionIntegration.auth).toMatchObject({ kind: 'oauth2', tokenUrl: 'https://api.notion.com/v1/oauth/token', clientAuth: 'basic' });
    const h = new Harness(http, 'NOTION_TRIGGER_DATABASE_ITEM_CREATED', db);
    await h.poll();
    expect(fake.requests.length).toBeGreaterThan(0);
    expect(fake.requests.every((r) => r.version === '2025-09-03')).toBe(true);
  });

  it('names the workspace as the provider account', async () => {
    expect(await notionIntegration.accountId!({ http, token: { accessToken: 'valid-token', extra: { workspace_id: 'ws-9', workspace_name: 'Nine', bot_id: 'b' } } }))
      .toEqual({ providerAccountId: 'ws-9', extra: { workspaceId: 'ws-9', workspaceName: 'Nine', botId: 'b' } });
    expect((await notionIntegration.accountId!({ http, token: { accessToken: 'valid-token' } })).providerAccountId).toBe('ws-1');
  });

  describe('NOTION_TRIGGER_DATABASE_ITEM_CREATED', () => {
    it('records existing items at baseline, emits a new one once, and a second run emits nothing', async () => {
      fake.addPage({ created: T0 - 2 * MIN, dataSourceId: NOTION_DATA_SOURCE_ID });
      const h = new Harness(http, 'NOTION_TRIGGER_DATABASE_ITEM_CREATED', db);
      expect(await h.poll()).toEqual([]);
      const p = fake.addPage({ created: T0 + 20_000, dataSourceId: NOTION_DATA_SOURCE_ID, title: 'Bug bash' });
      fake.addPage({ created: T0 + 20_000, dataSourceId: null }); // not in the database
      h.now = T0 + MIN;
      const got = await h.poll();
      expect(got.map((i) => i.key)).toEqual([p.id]);
      expect(got[0]!.payload).toMatchObject({ object: 'page', id: p.id, created_time: '2026-11-27T15:00:00.000Z', parent: { type: 'data_source_id', data_source_id: NOTION_DATA_SOURCE_ID, database_id: NOTION_DATABASE_ID } });
      h.now = T0 + 2 * MIN;
      expect(await h.poll()).toEqual([]);
      const q = fake.queries()[0]!;
      expect(q.path).toBe(`/v1/data_sources/${NOTION_DATA_SOURCE_ID}/query`);
      expect(q.body).toEqual({
        filter: { timestamp: 'created_time', created_time: { on_or_after: '2026-11-27T14:55:00.000Z' } },
        sorts: [{ timestamp: 'created_time', direction: 'ascending' }],
        page_size: 100,
      });
    });

    it('emits every one of many items created in the same minute, across pages, exactly once', async () => {
      fake.maxPageSize = 3;
      const h = new Harness(http, 'NOTION_TRIGGER_DATABASE_ITEM_CREATED', db);
      await h.poll();
      const ids = Array.from({ length: 8 }, () => fake.addPage({ created: T0 + 30_000, dataSourceId: NOTION_DATA_SOURCE_ID }).id);
      h.now = T0 + MIN;
      expect((await h.poll()).map((i) => i.key).sort()).toEqual([...ids].sort());
      const before = fake.queries().length;
      h.now = T0 + 2 * MIN;
      expect(await h.poll()).toEqual([]);
      // The crowded minute was paged with start_cursor: it is read once more, bounded to that minute.
      expect(fake.queries()[before]!.body.filter).toEqual({ and: [
        { timestamp: 'created_time', created_time: { on_or_after: '2026-11-27T15:00:00.000Z' } },
        { timestamp: 'created_time', created_time: { before: '2026-11-27T15:01:00.000Z' } },
      ] });
    });

    it('finds an item skipped by a cursor page shift on the next poll', async () => {
      fake.maxPageSize = 3;
      const h = new Harness(http, 'NOTION_TRIGGER_DATABASE_ITEM_CREATED', db);
      await h.poll();
      const pages = Array.from({ length: 6 }, () => fake.addPage({ created: T0 + 30_000, dataSourceId: NOTION_DATA_SOURCE_ID }));
      // Queries: 0 baseline, 1 from 14:55 (re-anchors at 15:00), 2 from 15:00 (one minute: cursor), 3 its cursor page.
      // Just before page 3 is served an item already read is trashed: the next one slides back and is skipped.
      fake.onQuery = (n) => {
        if (n === 3) pages[1]!.inTrash = true;
      };
      h.now = T0 + MIN;
      const first = (await h.poll()).map((i) => i.key);
      fake.onQuery = undefined;
      expect(first).not.toContain(pages[3]!.id);
      h.now = T0 + 2 * MIN;
      expect((await h.poll()).map((i) => i.key)).toEqual([pages[3]!.id]);
    });

    it('returns items read out of order once each', async () => {
      fake.maxPageSize = 2;
      fake.reversePages = true;
      const h = new Harness(http, 'NOTION_TRIGGER_DATABASE_ITEM_CREATED', db);
      await h.poll();
      const ids = [1, 2, 3, 4, 5].map((n) => fake.addPage({ created: T0 + n * MIN, dataSourceId: NOTION_DATA_SOURCE_ID }).id);
      h.now = T0 + 6 * MIN;
      expect((await h.poll()).map((i) => i.key).sort()).toEqual([...ids].sort());
      h.now = T0 + 7 * MIN;
      expect(await h.poll()).toEqual([]);
    });

    it('reads every data source of a multi-source database, and accepts a data source id or a URL', async () => {
      fake.databases.set(NOTION_DATABASE_ID, [NOTION_DATA_SOURCE_ID, '00000000-0000-0000-0000-00000000beef']);
      const h = new Harness(http, 'NOTION_TRIGGER_DATABASE_ITEM_CREATED', { databaseId: `https://www.notion.so/acme/Bugs-${NOTION_DATABASE_ID.replace(/-/g, '')}?v=0123456789abcdef0123456789abcdef` });
      await h.poll();
      const a = fake.addPage({ created: T0 + 10_000, dataSourceId: NOTION_DATA_SOURCE_ID });
      const b = fake.addPage({ created: T0 + 10_000, dataSourceId: '00000000-0000-0000-0000-00000000beef' });
      h.now = T0 + MIN;
      expect((await h.poll()).map((i) => i.key).sort()).toEqual([a.id, b.id].sort());
      const direct = new Harness(http, 'NOTION_TRIGGER_DATABASE_ITEM_CREATED', { databaseId: '00000000-0000-0000-0000-00000000beef' });
      direct.now = T0 + MIN;
      await direct.poll();
      expect(direct.seen).toEqual(new Set([b.id]));
    });

    it('refuses a database the integration cannot see, saying so', async () => {
      const h = new Harness(http, 'NOTION_TRIGGER_DATABASE_ITEM_CREATED', { databaseId: '11111111111111111111111111111111' });
      await expect(h.poll()).rejects.toMatchObject({ kind: 'permanent', status: 404, message: expect.stringContaining('not shared with the integration') });
    });
  });

  describe('NOTION_TRIGGER_DATABASE_ITEM_UPDATED', () => {
    it('emits one event per edited minute, never the creation, and nothing on a re-poll', async () => {
      const p = fake.addPage({ created: T0 - 30 * MIN, dataSourceId: NOTION_DATA_SOURCE_ID });
      const h = new Harness(http, 'NOTION_TRIGGER_DATABASE_ITEM_UPDATED', db);
      await h.poll();
      fake.addPage({ created: T0 + 5_000, dataSourceId: NOTION_DATA_SOURCE_ID });
      fake.edit(p.id, T0 + 10_000);
      fake.edit(p.id, T0 + 50_000); // same minute: Notion shows one last_edited_time
      h.now = T0 + MIN;
      expect((await h.poll()).map((i) => i.key)).toEqual([`${p.id}:2026-11-27T15:00:00.000Z`]);
      fake.edit(p.id, T0 + 70_000);
      h.now = T0 + 2 * MIN;
      expect((await h.poll()).map((i) => i.key)).toEqual([`${p.id}:2026-11-27T15:01:00.000Z`]);
      h.now = T0 + 3 * MIN;
      expect(await h.poll()).toEqual([]);
    });

    it('does not skip the item at a page boundary when an earlier one is edited between page requests', async () => {
      fake.maxPageSize = 3;
      const pages = Array.from({ length: 7 }, () => fake.addPage({ created: T0 - 60 * MIN, dataSourceId: NOTION_DATA_SOURCE_ID }));
      const h = new Harness(http, 'NOTION_TRIGGER_DATABASE_ITEM_UPDATED', db);
      await h.poll();
      pages.forEach((p, n) => fake.edit(p.id, T0 + (n + 1) * MIN));
      fake.onQuery = (n) => {
        if (n === 2) fake.edit(pages[0]!.id, T0 + 9 * MIN); // moves to the end after page 1 was read
      };
      h.now = T0 + 10 * MIN;
      const got = (await h.poll()).map((i) => i.key);
      for (const [n, p] of pages.entries()) if (n > 0) expect(got).toContain(`${p.id}:${new Date(T0 + (n + 1) * MIN).toISOString()}`);
      expect(got).toContain(`${pages[0]!.id}:${new Date(T0 + 9 * MIN).toISOString()}`);
    });

    it('finds an edit that shows up in the query late, within the overlap', async () => {
      const p = fake.addPage({ created: T0 - 60 * MIN, dataSourceId: NOTION_DATA_SOURCE_ID });
      const q = fake.addPage({ created: T0 - 60 * MIN, dataSourceId: NOTION_DATA_SOURCE_ID });
      const h = new Harness(http, 'NOTION_TRIGGER_DATABASE_ITEM_UPDATED', db);
      await h.poll();
      fake.edit(p.id, T0 + 3 * MIN);
      h.now = T0 + 4 * MIN;
      expect((await h.poll()).length).toBe(1);
      fake.edit(q.id, T0 + MIN); // indexed only now, two minutes before the newest edit seen
      h.now = T0 + 5 * MIN;
      expect((await h.poll()).map((i) => i.key)).toEqual([`${q.id}:${new Date(T0 + MIN).toISOString()}`]);
    });
  });

  describe('NOTION_TRIGGER_PAGE_CREATED (search)', () => {
    it('emits pages created after subscribing once, ignores edits of older pages, and stops paging at the window', async () => {
      fake.maxPageSize = 2;
      const old = Array.from({ length: 6 }, (_, n) => fake.addPage({ created: T0 - (100 + n) * MIN }));
      const h = new Harness(http, 'NOTION_TRIGGER_PAGE_CREATED');
      expect(await h.poll()).toEqual([]);
      const p = fake.addPage({ created: T0 + 10_000 });
      fake.edit(old[0]!.id, T0 + 20_000);
      h.now = T0 + MIN;
      const before = fake.requests.length;
      expect((await h.poll()).map((i) => i.key)).toEqual([p.id]);
      const searches = fake.requests.slice(before).filter((r) => r.path === '/v1/search');
      expect(searches[0]!.body).toEqual({ filter: { property: 'object', value: 'page' }, sort: { timestamp: 'last_edited_time', direction: 'descending' }, page_size: 100 });
      expect(searches.length).toBe(2); // page 2 reaches past the window: no further pages
      fake.edit(p.id, T0 + 2 * MIN);
      h.now = T0 + 3 * MIN;
      expect(await h.poll()).toEqual([]);
    });

    it('reads a whole page even when search returns it out of order', async () => {
      fake.maxPageSize = 3;
      fake.reversePages = true;
      fake.addPage({ created: T0 - 100 * MIN });
      const h = new Harness(http, 'NOTION_TRIGGER_PAGE_CREATED');
      await h.poll();
      const ids = [1, 2, 3, 4].map((n) => fake.addPage({ created: T0 + n * MIN }).id);
      h.now = T0 + 5 * MIN;
      expect((await h.poll()).map((i) => i.key).sort()).toEqual([...ids].sort());
    });
  });

  describe('NOTION_TRIGGER_PAGE_UPDATED (search)', () => {
    it('keeps every edit when pages move to the front while we page (newest first)', async () => {
      fake.maxPageSize = 2;
      const pages = Array.from({ length: 6 }, () => fake.addPage({ created: T0 - 200 * MIN }));
      const h = new Harness(http, 'NOTION_TRIGGER_PAGE_UPDATED');
      await h.poll();
      pages.forEach((p, n) => fake.edit(p.id, T0 + (n + 1) * MIN));
      fake.onSearch = (n) => {
        if (n === 2) fake.edit(pages[1]!.id, T0 + 8 * MIN); // jumps to the front: later pages repeat, never skip
      };
      h.now = T0 + 9 * MIN;
      const got = (await h.poll()).map((i) => i.key);
      for (const [n, p] of pages.entries()) if (n !== 1) expect(got).toContain(`${p.id}:${new Date(T0 + (n + 1) * MIN).toISOString()}`);
      fake.onSearch = undefined;
      h.now = T0 + 10 * MIN;
      const next = (await h.poll()).map((i) => i.key);
      expect([...got, ...next]).toContain(`${pages[1]!.id}:${new Date(T0 + 8 * MIN).toISOString()}`);
      h.now = T0 + 11 * MIN;
      expect(await h.poll()).toEqual([]);
    });
  });

  it('turns a 429 into a rate_limited error carrying Retry-After', async () => {
    fake.failNext(1, 429, { 'retry-after': '3' });
    const h = new Harness(http, 'NOTION_TRIGGER_PAGE_UPDATED');
    const err = await h.poll().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 3000 });
  });
});

describe('databaseId validation', () => {
  it.each([
    ['a1d8501e-1ac1-43e9-a6bd-ea9fe6c8822b', 'a1d8501e-1ac1-43e9-a6bd-ea9fe6c8822b'],
    ['A1D8501E1AC143E9A6BDEA9FE6C8822B', 'a1d8501e-1ac1-43e9-a6bd-ea9fe6c8822b'],
    ['https://www.notion.so/acme/Bugs-a1d8501e1ac143e9a6bdea9fe6c8822b?v=ffffffffffffffffffffffffffffffff', 'a1d8501e-1ac1-43e9-a6bd-ea9fe6c8822b'],
    ['not-an-id', null],
    ['a1d8501e', null],
  ])('%s', (input, id) => {
    expect(extractNotionId(input)).toBe(id);
    expect(validateDatabaseId(input) === null).toBe(id !== null);
  });
});
