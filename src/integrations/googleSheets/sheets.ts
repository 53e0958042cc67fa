// Google Sheets API v4: the reads the row triggers poll (spreadsheets.get for the sheet titles,
// spreadsheets.values.get for the rows) and the pure row logic (hashes, header records, diffs).
//
// Sheets has no push notification for cell changes (Drive's files.watch only says "the file changed"),
// so both triggers poll. Each poll reads the watched sheet's rows 1..MAX_ROWS+1 in ONE values.get call
// (one read request of the 60 per minute per user per project quota:
// https://developers.google.com/workspace/sheets/api/limits).
import { createHash } from 'node:crypto';
import { ProviderError, type HttpClient } from '../../sdk/index.js';
import { googleRequest } from '../../sdk/providers/google.js';

export const VALUES_GET_DOCS = 'https://developers.google.com/workspace/sheets/api/reference/rest/v4/spreadsheets.values/get';
export const SPREADSHEETS_GET_DOCS = 'https://developers.google.com/workspace/sheets/api/reference/rest/v4/spreadsheets/get';

/**
 * The most rows a subscription watches. The row-updated cursor keeps one short hash per row, so this bounds
 * the stored state (~10,000 × 13 bytes). A sheet with more rows than this is refused with a clear error
 * (the subscription goes ERRORED) rather than watched in part without saying so.
 */
export const MAX_ROWS = 10_000;

export interface SheetsParams {
  spreadsheetId: string;
  /** The sheet (tab) title; empty: the first sheet, resolved once at the baseline. */
  sheetName?: string;
  /** Row 1 holds column names: it is never reported, and payloads carry a record keyed by them. */
  headerRow?: boolean;
}

/** Spreadsheet ids are URL-safe base64-like strings (…/spreadsheets/d/<id>/edit). */
const SPREADSHEET_ID = /^[A-Za-z0-9_-]{10,200}$/;

export function validateSpreadsheetId(v: unknown): string | null {
  if (typeof v !== 'string' || !SPREADSHEET_ID.test(v)) {
    return 'must be a spreadsheet id: the letters, digits, "-" and "_" between /d/ and /edit in https://docs.google.com/spreadsheets/d/<id>/edit';
  }
  return null;
}

export function validateSheetName(v: unknown): string | null {
  if (v === undefined || v === '') return null;
  if (typeof v !== 'string' || v.length > 100) return 'must be a sheet (tab) title of at most 100 characters';
  return null;
}

/**
 * A1 notation for a sheet title: always single-quoted, a quote inside doubled
 * (https://developers.google.com/workspace/sheets/api/guides/concepts#cell).
 */
export function quoteSheet(title: string): string {
  return `'${title.replace(/'/g, "''")}'`;
}

/** The title of the spreadsheet's first sheet (spreadsheets.get, fields=sheets.properties). */
export async function firstSheetTitle(http: HttpClient, spreadsheetId: string): Promise<string> {
  const res = await googleRequest<{ sheets?: Array<{ properties?: { title?: unknown; index?: unknown } }> }>(http, {
    path: `/v4/spreadsheets/${encodeURIComponent(spreadsheetId)}`,
    query: { fields: 'sheets.properties(sheetId,title,index)' },
    allowStatus: [404],
  });
  if (res.status === 404) throw new ProviderError('permanent', `Google Sheets: spreadsheet ${spreadsheetId} not found (or not shared with this account)`, 404);
  const sheets = (res.body?.sheets ?? [])
    .map((s) => s.properties)
    .filter((p): p is { title: string; index?: unknown } => typeof p?.title === 'string')
    .sort((a, b) => (typeof a.index === 'number' ? a.index : 0) - (typeof b.index === 'number' ? b.index : 0));
  if (sheets.length === 0) throw new ProviderError('permanent', `Google Sheets: spreadsheet ${spreadsheetId} has no sheet`);
  return sheets[0]!.title;
}

export type Cell = string | number | boolean;
export type Row = Cell[];

/**
 * Rows 1..MAX_ROWS of the sheet, as values.get returns them (majorDimension=ROWS, FORMATTED_VALUE: what the
 * user sees). Google leaves out trailing empty rows and trailing empty cells of a row. Throws a permanent
 * error naming the sheet when it is missing (400 "Unable to parse range") or the spreadsheet is (404), and
 * when the sheet has more than MAX_ROWS rows.
 */
export async function readRows(http: HttpClient, spreadsheetId: string, sheet: string): Promise<Row[]> {
  const range = `${quoteSheet(sheet)}!1:${MAX_ROWS + 1}`;
  const res = await googleRequest<{ values?: unknown }>(http, {
    path: `/v4/spreadsheets/${encodeURIComponent(spreadsheetId)}/values/${encodeURIComponent(range)}`,
    query: { majorDimension: 'ROWS', valueRenderOption: 'FORMATTED_VALUE' },
    allowStatus: [400, 404],
  });
  if (res.status === 404) throw new ProviderError('permanent', `Google Sheets: spreadsheet ${spreadsheetId} not found (or not shared with this account)`, 404);
  if (res.status === 400) throw new ProviderError('permanent', `Google Sheets: no sheet named "${sheet}" in spreadsheet ${spreadsheetId} (renamed or deleted?)`, 400);
  const values = res.body?.values;
  const rows: Row[] = Array.isArray(values) ? values.map((r) => (Array.isArray(r) ? (r as Row) : [])) : [];
  if (rows.length > MAX_ROWS) {
    throw new ProviderError('permanent', `Google Sheets: sheet "${sheet}" has more than ${MAX_ROWS} rows; the row triggers watch at most ${MAX_ROWS}`);
  }
  return rows;
}

/** A row with no value in any cell (Google returns [] for an empty row before the last non-empty one). */
export const isEmptyRow = (row: Row): boolean => row.every((c) => c === '' || c === null || c === undefined);

/**
 * A short content hash of a row (SHA-256, 72 bits, base64url): trailing empty cells do not count, so
 * ["a", ""] and ["a"] hash alike (Google omits trailing empty cells).
 */
export function rowHash(row: Row): string {
  let end = row.length;
  while (end > 0 && (row[end - 1] === '' || row[end - 1] === null || row[end - 1] === undefined)) end--;
  return createHash('sha256').update(JSON.stringify(row.slice(0, end))).digest('base64url').slice(0, 12);
}

/** Column letters of a 0-based index: 0 → A, 25 → Z, 26 → AA. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

export interface RowPayload {
  spreadsheetId: string;
  sheetName: string;
  /** 1-based, as in the Sheets UI. */
  rowNumber: number;
  /** The row's cells, trailing empty cells left out (as Google returns them). */
  values: Row;
  /** With headerRow: the cells keyed by the header row's names (the column letter where a name is empty). */
  record?: Record<string, Cell>;
}

export function rowPayload(p: { spreadsheetId: string; sheetName: string; rowNumber: number; row: Row; header: Row | null }): RowPayload {
  const out: RowPayload = { spreadsheetId: p.spreadsheetId, sheetName: p.sheetName, rowNumber: p.rowNumber, values: p.row };
  if (p.header !== null) {
    const record: Record<string, Cell> = {};
    const width = Math.max(p.header.length, p.row.length);
    for (let i = 0; i < width; i++) {
      const name: Cell | undefined = p.header[i];
      const key = name === undefined || name === '' ? columnLetter(i) : String(name);
      record[key] = p.row[i] ?? '';
    }
    out.record = record;
  }
  return out;
}
