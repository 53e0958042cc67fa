import { describe, expect, it } from 'vitest';
import { pollByTimestamp, scanByTimestamp, type TimestampPageRequest, type TimestampQuery } from './polling.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 27, 10, 0);

interface Row {
  id: string;
  ts: number;
}

/**
 * A provider with minute-precision filters and position tokens: a token is an offset into the result set as
 * it is when the next page is asked for (like Jira's nextPageToken or Notion's start_cursor), so rows that
 * move between two requests shift the pages.
 */
function fakeProvider(pageSize: number) {
  const rows: Row[] = [];
  const requests: TimestampPageRequest[] = [];
  const query = (overrides: Partial<TimestampQuery<Row>> = {}): TimestampQuery<Row> => ({
    async page(req) {
      requests.push(req);
      const lower = Math.floor(req.from / MINUTE) * MINUTE;
      const set = rows
        .filter((r) => r.ts >= lower && (req.until === undefined || r.ts < req.until))
        .sort((a, b) => a.ts - b.ts || a.id.localeCompare(b.id));
      const offset = req.token ? Number(req.token) : 0;
      const items = set.slice(offset, offset + pageSize).map((r) => ({ ...r }));
      const end = offset + pageSize;
      return { items, ...(end < set.length ? { next: String(end) } : {}) };
    },
    timestampOf: (r) => r.ts,
    maxAnchors: 50,
    ...overrides,
  });
  return { rows, requests, query, add: (id: string, ts: number) => rows.push({ id, ts }) };
}

const ids = (rows: Row[]) => [...new Set(rows.map((r) => r.id))].sort();

describe('scanByTimestamp', () => {
  it('reads every page as a fresh query from the newest timestamp seen, oldest first', async () => {
    const p = fakeProvider(2);
    for (let i = 0; i < 5; i++) p.add(`r${i}`, T0 + i * MINUTE + 5_000);
    const r = await scanByTimestamp(p.query(), T0);
    expect(ids(r.items)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    expect(r).toMatchObject({ newest: T0 + 4 * MINUTE + 5_000, stuckAt: null, complete: true });
    expect(p.requests.every((q) => q.token === undefined)).toBe(true);
    // Each fresh query starts at the newest row seen, which it reads again.
    expect(p.requests.map((q) => q.from)).toEqual([T0, T0 + MINUTE + 5_000, T0 + 2 * MINUTE + 5_000, T0 + 3 * MINUTE + 5_000]);
  });

  it('does not skip a row that moves to the end while the pages are read (no position tokens across minutes)', async () => {
    const p = fakeProvider(2);
    for (let i = 0; i < 4; i++) p.add(`r${i}`, T0 + i * MINUTE);
    const q = p.query();
    const page = q.page.bind(q);
    let moved = false;
    q.page = async (req) => {
      const res = await page(req);
      if (!moved) {
        // r0, read on the first page, is edited: it jumps to the end, and r2 would slide onto page one.
        moved = true;
        p.rows[0]!.ts = T0 + 10 * MINUTE;
      }
      return res;
    };
    const r = await scanByTimestamp(q, T0);
    expect(ids(r.items)).toEqual(['r0', 'r1', 'r2', 'r3']);
  });

  it('follows tokens only inside a crowded minute and reports where it had to', async () => {
    const p = fakeProvider(3);
    for (let i = 0; i < 7; i++) p.add(`bulk${i}`, T0 + MINUTE + i);
    for (let i = 0; i < 4; i++) p.add(`after${i}`, T0 + (2 + i) * MINUTE);
    const r = await scanByTimestamp(p.query(), T0 + MINUTE);
    expect(ids(r.items)).toEqual([...Array.from({ length: 7 }, (_, i) => `bulk${i}`), 'after0', 'after1', 'after2', 'after3'].sort());
    expect(r.stuckAt).toBe(T0 + MINUTE);
    // Tokens through the crowded minute; once a page reaches past it, a fresh query again.
    expect(p.requests.map((q) => q.token ?? null)).toEqual([null, '3', '6', null]);
    expect(p.requests.at(-1)!.from).toBe(T0 + 3 * MINUTE);
  });

  it('stops after maxAnchors fresh queries and says where to resume', async () => {
    const p = fakeProvider(2);
    for (let i = 0; i < 10; i++) p.add(`r${i}`, T0 + i * MINUTE);
    const r = await scanByTimestamp(p.query({ maxAnchors: 3 }), T0);
    expect(r).toMatchObject({ complete: false, resumeAt: T0 + 3 * MINUTE });
    expect(p.requests).toHaveLength(3);
  });

  it('skips items without a timestamp and bounds the query with until', async () => {
    const p = fakeProvider(10);
    p.add('a', T0);
    p.add('late', T0 + MINUTE);
    const q = p.query({ timestampOf: (r) => (r.id === 'a' ? Number.NaN : r.ts) });
    expect((await scanByTimestamp(q, T0)).items.map((r) => r.id)).toEqual(['late']);
    expect((await scanByTimestamp(p.query(), T0, T0 + MINUTE)).items.map((r) => r.id)).toEqual(['a']);
    expect(p.requests.at(-1)).toEqual({ from: T0, until: T0 + MINUTE });
  });

  it('advances only when boundOf says the fresh query starts later', async () => {
    const p = fakeProvider(2);
    for (let i = 0; i < 4; i++) p.add(`r${i}`, T0 + i * MINUTE);
    // A provider whose bound is the hour: every page of this hour is inside one bound.
    const hour = (t: number) => Math.floor(t / (60 * MINUTE));
    const r = await scanByTimestamp(p.query({ boundOf: hour }), T0);
    expect(r.stuckAt).toBe(T0);
    expect(p.requests.map((q) => q.token ?? null)).toEqual([null, '2']);
  });
});

describe('pollByTimestamp', () => {
  it('starts the next poll overlapMs before the newest timestamp seen, never before from', async () => {
    const p = fakeProvider(10);
    p.add('a', T0 + 30 * MINUTE);
    const r = await pollByTimestamp(p.query(), { from: T0 }, 5 * MINUTE);
    expect(r).toMatchObject({ complete: true, next: { from: T0 + 25 * MINUTE } });
    expect(r.next).not.toHaveProperty('recheck');
    const empty = await pollByTimestamp(p.query(), { from: T0 + 40 * MINUTE }, 5 * MINUTE);
    expect(empty.next).toEqual({ from: T0 + 40 * MINUTE });
    const near = await pollByTimestamp(p.query(), { from: T0 + 29 * MINUTE }, 5 * MINUTE);
    expect(near.next).toEqual({ from: T0 + 29 * MINUTE });
  });

  it('rechecks a crowded minute once, bounded to it, and finds the row that slid between token pages', async () => {
    const p = fakeProvider(3);
    for (let i = 0; i < 6; i++) p.add(`bulk${i}`, T0 + i);
    const q = p.query();
    const page = q.page.bind(q);
    q.page = async (req) => {
      const res = await page(req);
      // While the crowded minute is paged with tokens, a row sorting inside the first page is added: it is
      // never on a page read this time (the offsets shift past it).
      if (req.token === undefined && p.rows.length === 6) p.add('bulk0a', T0 + 0);
      return res;
    };
    const first = await pollByTimestamp(q, { from: T0 }, 0);
    expect(first.next.recheck).toBe(T0);
    expect(ids(first.items)).not.toContain('bulk0a');

    p.requests.length = 0;
    const second = await pollByTimestamp(q, first.next, 0);
    expect(p.requests[0]).toMatchObject({ from: T0, until: T0 + MINUTE });
    expect(ids([...first.items, ...second.items])).toEqual(['bulk0', 'bulk0a', 'bulk1', 'bulk2', 'bulk3', 'bulk4', 'bulk5']);
  });

  it('continues an interrupted scan where it stopped, without the overlap', async () => {
    const p = fakeProvider(2);
    for (let i = 0; i < 5; i++) p.add(`r${i}`, T0 + i * MINUTE);
    const q = p.query({ maxAnchors: 2 });
    const first = await pollByTimestamp(q, { from: T0 }, 5 * MINUTE);
    expect(first).toMatchObject({ complete: false, next: { from: T0 + 2 * MINUTE } });
    const second = await pollByTimestamp(q, first.next, 5 * MINUTE);
    expect(ids([...first.items, ...second.items])).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
  });
});
