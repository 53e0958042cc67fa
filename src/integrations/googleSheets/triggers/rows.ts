// The polling sources of GOOGLE_SHEETS_TRIGGER_ROW_ADDED and GOOGLE_SHEETS_TRIGGER_ROW_UPDATED. Each poll
// reads the watched sheet's rows (one values.get, see sheets.ts readRows) and compares them with the cursor.
//
// Cursors (the engine commits a poll's items and its new cursor in one transaction):
//   added:   { sheet, rowCount, seq }  — rowCount = how many rows the sheet had (its last non-empty row);
//   updated: { sheet, hashes, seq }    — hashes[i] = rowHash of row i+1 ('' for an empty row).
// `sheet` is the sheet title (resolved once at the baseline when `sheetName` is empty). `seq` counts polls;
// it is part of every key, so a row that is reported again later (a new row at a number that was used
// before, a row edited back and forth) gets a fresh key, while a retried poll — same stored cursor — yields
// the same keys and is delivered once.
//
// What position-based reading means (documented in docs/integrations/googleSheets.md):
//   - rows are identified by their number; inserting k rows in the middle grows the count by k, so ROW_ADDED
//     reports the k LAST rows of the sheet (the former bottom rows, shifted down), and ROW_UPDATED reports
//     each row below the insertion whose content differs from what was at that number before;
//   - deleting rows lowers the count: the cursor follows it down, and rows appended afterwards are reported;
//   - a row cleared to empty is neither added nor updated.
import { ProviderError, type PollContext, type PollSource } from '../../../sdk/index.js';
import { firstSheetTitle, isEmptyRow, readRows, rowHash, rowPayload, type Row, type SheetsParams } from '../sheets.js';

interface BaseCursor {
  sheet: string;
  seq: number;
}
interface AddedCursor extends BaseCursor {
  rowCount: number;
}
interface UpdatedCursor extends BaseCursor {
  hashes: string[];
}

function readBase(c: unknown): BaseCursor | null {
  const o = c as Partial<BaseCursor> | null;
  if (!o || typeof o !== 'object' || typeof o.sheet !== 'string') return null;
  return { sheet: o.sheet, seq: typeof o.seq === 'number' ? o.seq : 0 };
}

async function sheetTitle(ctx: PollContext<SheetsParams>, cursor: BaseCursor | null): Promise<string> {
  if (cursor !== null) return cursor.sheet;
  const named = ctx.params.sheetName;
  if (typeof named === 'string' && named !== '') return named;
  return firstSheetTitle(ctx.http, ctx.params.spreadsheetId);
}

const firstDataRow = (params: SheetsParams) => (params.headerRow === true ? 2 : 1);
const headerOf = (params: SheetsParams, rows: Row[]): Row | null => (params.headerRow === true ? (rows[0] ?? []) : null);

export function rowAddedSource(): PollSource<SheetsParams> {
  return {
    kind: 'poll',
    async poll(ctx) {
      const base = readBase(ctx.cursor);
      const sheet = await sheetTitle(ctx, base);
      const rows = await readRows(ctx.http, ctx.params.spreadsheetId, sheet);
      if (base === null) return { items: [], cursor: { sheet, rowCount: rows.length, seq: 0 } satisfies AddedCursor };
      const prev = (ctx.cursor as Partial<AddedCursor>).rowCount;
      if (typeof prev !== 'number') throw new ProviderError('permanent', 'Google Sheets: stored cursor has no rowCount');
      const seq = base.seq + 1;
      if (rows.length < prev) ctx.log.info('Google Sheets: the sheet has fewer rows than before; counting new rows from its new end', { before: prev, now: rows.length });
      const header = headerOf(ctx.params, rows);
      const items = [];
      for (let i = Math.max(prev, firstDataRow(ctx.params) - 1); i < rows.length; i++) {
        const row = rows[i]!;
        if (isEmptyRow(row)) continue;
        const rowNumber = i + 1;
        items.push({ key: `${rowNumber}@${seq}`, payload: rowPayload({ spreadsheetId: ctx.params.spreadsheetId, sheetName: sheet, rowNumber, row, header }) });
      }
      return { items, cursor: { sheet, rowCount: rows.length, seq } satisfies AddedCursor };
    },
  };
}

export function rowUpdatedSource(): PollSource<SheetsParams> {
  return {
    kind: 'poll',
    async poll(ctx) {
      const base = readBase(ctx.cursor);
      const sheet = await sheetTitle(ctx, base);
      const rows = await readRows(ctx.http, ctx.params.spreadsheetId, sheet);
      const hashes = rows.map((r) => (isEmptyRow(r) ? '' : rowHash(r)));
      if (base === null) return { items: [], cursor: { sheet, hashes, seq: 0 } satisfies UpdatedCursor };
      const prev = (ctx.cursor as Partial<UpdatedCursor>).hashes;
      if (!Array.isArray(prev)) throw new ProviderError('permanent', 'Google Sheets: stored cursor has no row hashes');
      const seq = base.seq + 1;
      const header = headerOf(ctx.params, rows);
      const items = [];
      const common = Math.min(prev.length, rows.length);
      for (let i = firstDataRow(ctx.params) - 1; i < common; i++) {
        const hash = hashes[i]!;
        // Unchanged, cleared to empty, or empty before (a row filled in where nothing was: an added row).
        if (hash === prev[i] || hash === '' || prev[i] === '') continue;
        const rowNumber = i + 1;
        items.push({ key: `${rowNumber}:${hash}@${seq}`, payload: rowPayload({ spreadsheetId: ctx.params.spreadsheetId, sheetName: sheet, rowNumber, row: rows[i]!, header }) });
      }
      return { items, cursor: { sheet, hashes, seq } satisfies UpdatedCursor };
    },
  };
}
