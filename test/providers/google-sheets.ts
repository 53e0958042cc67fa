// A fake Google Sheets API v4 over real HTTP (on the shared Google fake: bearer auth, token endpoint,
// scripted failures).
//
// As documented: spreadsheets.get (`fields=sheets.properties(...)`; sheets in tab order) and
// spreadsheets.values.get with a range in A1 notation — a quoted or bare sheet title alone, or followed by
// `!start:end` row bounds — answering a ValueRange (majorDimension ROWS) in which trailing empty rows and
// trailing empty cells of each row are left out, empty rows before the last non-empty one as []. Errors in
// the Sheets API v4 body shape: 404 NOT_FOUND for an unknown spreadsheet, 400 INVALID_ARGUMENT
// "Unable to parse range" for an unknown sheet, 429 RESOURCE_EXHAUSTED for the per-minute read quota.
import { startGoogleFake, type GoogleFake, type GoogleReply, type ScriptedFailure } from './google-calendar.js';

export type FakeCell = string | number | boolean;

export interface FakeSheet {
  sheetId: number;
  title: string;
  rows: FakeCell[][];
}

export interface FakeGoogleSheets extends GoogleFake {
  spreadsheets: Map<string, FakeSheet[]>;
  addSpreadsheet(id: string, sheets: Array<{ title: string; rows?: FakeCell[][] }>): void;
  sheet(id: string, title: string): FakeSheet;
  valueCalls(): Array<{ spreadsheetId: string; range: string; query: URLSearchParams }>;
}

const v4Error = (code: number, status: string, message: string): GoogleReply => ({ status: code, body: { error: { code, message, status } } });

/** The per-minute read quota answer (https://developers.google.com/workspace/sheets/api/limits). */
export const readQuotaExceeded = (retryAfterSeconds?: number): ScriptedFailure => ({
  status: 429,
  body: v4Error(429, 'RESOURCE_EXHAUSTED', "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' of service 'sheets.googleapis.com'").body,
  ...(retryAfterSeconds !== undefined ? { headers: { 'retry-after': String(retryAfterSeconds) } } : {}),
});

const isEmpty = (c: unknown) => c === '' || c === null || c === undefined;

/** Parses `'It''s'!2:10`, `Sheet1!1:5`, `'Sheet 1'` or `Sheet1` into title and row bounds (1-based, inclusive). */
function parseRange(range: string): { title: string; start: number; end: number } | null {
  let title: string;
  let rest: string;
  if (range.startsWith("'")) {
    let i = 1;
    title = '';
    for (;;) {
      if (i >= range.length) return null;
      if (range[i] === "'") {
        if (range[i + 1] === "'") { title += "'"; i += 2; continue; }
        i++;
        break;
      }
      title += range[i++];
    }
    rest = range.slice(i);
  } else {
    const bang = range.indexOf('!');
    title = bang < 0 ? range : range.slice(0, bang);
    rest = bang < 0 ? '' : range.slice(bang);
  }
  if (rest === '') return { title, start: 1, end: Number.MAX_SAFE_INTEGER };
  const m = /^!(\d+):(\d+)$/.exec(rest);
  if (!m) return null;
  return { title, start: Number(m[1]), end: Number(m[2]) };
}

export async function startFakeGoogleSheets(): Promise<FakeGoogleSheets> {
  const base = await startGoogleFake(({ method, url }) => {
    if (method !== 'GET') return undefined;
    const values = /^\/v4\/spreadsheets\/([^/]+)\/values\/(.+)$/.exec(url.pathname);
    if (values) {
      const sheets = fake.spreadsheets.get(values[1]!);
      if (!sheets) return v4Error(404, 'NOT_FOUND', 'Requested entity was not found.');
      const range = decodeURIComponent(values[2]!);
      const r = parseRange(range);
      const sheet = r ? sheets.find((s) => s.title === r.title) : undefined;
      if (!r || !sheet) return v4Error(400, 'INVALID_ARGUMENT', `Unable to parse range: ${range}`);
      let rows = sheet.rows.slice(r.start - 1, r.end).map((row) => {
        const out = [...row];
        while (out.length > 0 && isEmpty(out[out.length - 1])) out.pop();
        return out;
      });
      while (rows.length > 0 && rows[rows.length - 1]!.length === 0) rows = rows.slice(0, -1);
      const body: Record<string, unknown> = { range, majorDimension: 'ROWS' };
      if (rows.length > 0) body.values = rows;
      return { status: 200, body };
    }
    const get = /^\/v4\/spreadsheets\/([^/]+)$/.exec(url.pathname);
    if (get) {
      const sheets = fake.spreadsheets.get(get[1]!);
      if (!sheets) return v4Error(404, 'NOT_FOUND', 'Requested entity was not found.');
      return { status: 200, body: { sheets: sheets.map((s, index) => ({ properties: { sheetId: s.sheetId, title: s.title, index } })) } };
    }
    return undefined;
  });
  let nextSheetId = 0;
  const fake: FakeGoogleSheets = Object.assign(base, {
    spreadsheets: new Map<string, FakeSheet[]>(),
    addSpreadsheet(id: string, sheets: Array<{ title: string; rows?: FakeCell[][] }>) {
      fake.spreadsheets.set(id, sheets.map((s) => ({ sheetId: nextSheetId++, title: s.title, rows: s.rows ?? [] })));
    },
    sheet(id: string, title: string) {
      const s = fake.spreadsheets.get(id)?.find((x) => x.title === title);
      if (!s) throw new Error(`no sheet ${title} in ${id}`);
      return s;
    },
    valueCalls() {
      return base.requests.flatMap((q) => {
        const m = /^\/v4\/spreadsheets\/([^/]+)\/values\/(.+)$/.exec(q.path);
        return m ? [{ spreadsheetId: m[1]!, range: decodeURIComponent(m[2]!), query: q.query }] : [];
      });
    },
  });
  return fake;
}
