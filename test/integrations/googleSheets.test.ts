// Google Sheets, source level: ROW_ADDED and ROW_UPDATED polling the fake Sheets API over real HTTP —
// baseline, new rows once, edited rows once per version, header records, the first sheet when no sheet is
// named, quoted sheet titles, rows deleted / inserted in the middle, the MAX_ROWS bound, errors.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import spreadsheet from '../../src/integrations/googleSheets/fixtures/spreadsheet.json' with { type: 'json' };
import valueRange from '../../src/integrations/googleSheets/fixtures/value-range.json' with { type: 'json' };
import { googleSheetsIntegration } from '../../src/integrations/googleSheets/integration.js';
import { MAX_ROWS, columnLetter, firstSheetTitle, quoteSheet, readRows, rowHash } from '../../src/integrations/googleSheets/sheets.js';
import { ProviderError, type PollSource } from '../../src/sdk/index.js';
import { TestClock } from '../helpers/clock.js';
import { PollRunner, httpFor, rateLimited, sourceContext, withDefaults } from '../providers/google-calendar.js';
import { readQuotaExceeded, startFakeGoogleSheets, type FakeGoogleSheets } from '../providers/google-sheets.js';

const ADDED = 'GOOGLE_SHEETS_TRIGGER_ROW_ADDED';
const UPDATED = 'GOOGLE_SHEETS_TRIGGER_ROW_UPDATED';
const ID = '1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms';
const trigger = (type: string) => googleSheetsIntegration.triggers.find((t) => t.type === type)!;

describe('Google Sheets catalog and parameters', () => {
  it('declares the two row triggers, polling, with their parameters', () => {
    expect(googleSheetsIntegration.key).toBe('googleSheets');
    expect(googleSheetsIntegration.auth).toMatchObject({ kind: 'oauth2', scopes: ['https://www.googleapis.com/auth/spreadsheets.readonly'] });
    expect(googleSheetsIntegration.triggers.map((t) => [t.type, t.source.kind])).toEqual([[ADDED, 'poll'], [UPDATED, 'poll']]);
    for (const t of googleSheetsIntegration.triggers) {
      expect(t.parameters.map((p) => [p.id, p.type, p.required, p.defaultValue])).toEqual([
        ['spreadsheetId', 'TEXT', true, undefined], ['sheetName', 'TEXT', false, undefined], ['headerRow', 'BOOLEAN_INPUT', false, false],
      ]);
    }
    expect(trigger(ADDED).examplePayload).toEqual({
      spreadsheetId: ID, sheetName: 'Class Data', rowNumber: 4, values: ['Anna', 'Female', '1. Freshman', 'NC', 'English'],
      record: { 'Student Name': 'Anna', Gender: 'Female', 'Class Level': '1. Freshman', 'Home State': 'NC', Major: 'English', 'Extracurricular Activity': '' },
    });
  });

  it('validates spreadsheetId and sheetName with messages that say what is expected', () => {
    const v = (id: string) => trigger(ADDED).parameters.find((p) => p.id === id)!.validate!;
    expect(v('spreadsheetId')(ID)).toBeNull();
    expect(v('spreadsheetId')(`https://docs.google.com/spreadsheets/d/${ID}/edit`)).toMatch(/spreadsheet id/);
    expect(v('spreadsheetId')('short')).toMatch(/spreadsheet id/);
    expect(v('spreadsheetId')(42)).toMatch(/spreadsheet id/);
    expect(v('sheetName')('')).toBeNull();
    expect(v('sheetName')("Bob's data")).toBeNull();
    expect(v('sheetName')('x'.repeat(101))).toMatch(/100 characters/);
  });

  it('quotes sheet titles for A1 notation and names columns like the UI', () => {
    expect(quoteSheet('Sheet1')).toBe("'Sheet1'");
    expect(quoteSheet("Bob's data")).toBe("'Bob''s data'");
    expect([0, 25, 26, 51, 52, 701, 702].map(columnLetter)).toEqual(['A', 'Z', 'AA', 'AZ', 'BA', 'ZZ', 'AAA']);
    expect(rowHash(['a', 'b', ''])).toBe(rowHash(['a', 'b']));
    expect(rowHash(['a', 'b'])).not.toBe(rowHash(['a', 'c']));
    expect(rowHash(['1', 2])).not.toBe(rowHash([1, '2']));
  });
});

describe('Google Sheets triggers against the fake Sheets API', () => {
  let sheets: FakeGoogleSheets;
  let clock: TestClock;
  const runner = (type: string, params: Record<string, unknown>) =>
    new PollRunner(trigger(type).source as PollSource, () => sourceContext(httpFor(googleSheetsIntegration, sheets.url), withDefaults(trigger(type), params), clock.now));
  const rows = (title = 'Class Data') => sheets.sheet(ID, title).rows;

  beforeEach(async () => {
    clock = new TestClock(Date.parse('2026-03-02T09:00:00Z'));
    sheets = await startFakeGoogleSheets();
    sheets.addSpreadsheet(ID, [{ title: 'Class Data', rows: structuredClone(valueRange.values) }, { title: "Bob's data", rows: [['x']] }]);
  });
  afterEach(async () => {
    await sheets.close();
  });

  it("understands Google's documented answers (fixtures)", async () => {
    const http = httpFor(googleSheetsIntegration, sheets.url);
    sheets.failNext(1, { status: 200, body: spreadsheet });
    expect(await firstSheetTitle(http, ID)).toBe('Class Data');
    sheets.failNext(1, { status: 200, body: valueRange });
    expect(await readRows(http, ID, 'Class Data')).toEqual(valueRange.values);
    sheets.failNext(1, { status: 200, body: { range: "'Class Data'!A1:Z10001", majorDimension: 'ROWS' } });
    expect(await readRows(http, ID, 'Class Data')).toEqual([]);
  });

  it('ROW_ADDED: baseline delivers nothing; rows appended later are reported once, with a header record', async () => {
    const added = runner(ADDED, { spreadsheetId: ID, sheetName: 'Class Data', headerRow: true });
    expect(await added.poll()).toEqual([]);
    expect(added.cursor).toEqual({ sheet: 'Class Data', rowCount: 4, seq: 0 });
    const call = sheets.valueCalls()[0]!;
    expect(call.range).toBe(`'Class Data'!1:${MAX_ROWS + 1}`);
    expect(Object.fromEntries(call.query)).toEqual({ majorDimension: 'ROWS', valueRenderOption: 'FORMATTED_VALUE' });
    expect(sheets.requests[0]!.auth).toBe('Bearer valid-token');

    expect(await added.poll()).toEqual([]);
    rows().push(['Becky', 'Female', '2. Sophomore', 'SD', 'Art', 'Baseball']);
    rows().push(['Benjamin', 'Male', '4. Senior', 'WI', 'English']);
    const items = await added.poll();
    expect(items.map((i) => i.key)).toEqual(['5@2', '6@2']);
    expect(items[1]!.payload).toEqual({
      spreadsheetId: ID, sheetName: 'Class Data', rowNumber: 6, values: ['Benjamin', 'Male', '4. Senior', 'WI', 'English'],
      record: { 'Student Name': 'Benjamin', Gender: 'Male', 'Class Level': '4. Senior', 'Home State': 'WI', Major: 'English', 'Extracurricular Activity': '' },
    });
    expect(await added.poll()).toEqual([]);
    // An edit of an existing row is not an added row.
    rows()[1]![5] = 'Chess';
    expect(await added.poll()).toEqual([]);
  });

  it('ROW_ADDED without headerRow: no record, and row 1 counts as a row; blank rows in between are skipped', async () => {
    sheets.addSpreadsheet('emptySheet0001', [{ title: 'Sheet1' }]);
    const added = runner(ADDED, { spreadsheetId: 'emptySheet0001' });
    expect(await added.poll()).toEqual([]);
    expect(added.cursor).toEqual({ sheet: 'Sheet1', rowCount: 0, seq: 0 });
    sheets.sheet('emptySheet0001', 'Sheet1').rows.push(['first'], [], ['third']);
    const items = await added.poll();
    expect(items.map((i) => [i.key, i.payload])).toEqual([
      ['1@1', { spreadsheetId: 'emptySheet0001', sheetName: 'Sheet1', rowNumber: 1, values: ['first'] }],
      ['3@1', { spreadsheetId: 'emptySheet0001', sheetName: 'Sheet1', rowNumber: 3, values: ['third'] }],
    ]);
  });

  it('resolves the first sheet once at the baseline when no sheet is named, and reads quoted titles', async () => {
    const first = runner(ADDED, { spreadsheetId: ID });
    await first.poll();
    await first.poll();
    expect(sheets.requests.filter((q) => q.path === `/v4/spreadsheets/${ID}`).map((q) => q.query.get('fields'))).toEqual(['sheets.properties(sheetId,title,index)']);
    expect(first.cursor).toMatchObject({ sheet: 'Class Data' });

    const bob = runner(ADDED, { spreadsheetId: ID, sheetName: "Bob's data" });
    await bob.poll();
    rows("Bob's data").push(['y']);
    expect((await bob.poll()).map((i) => i.payload)).toEqual([{ spreadsheetId: ID, sheetName: "Bob's data", rowNumber: 2, values: ['y'] }]);
  });

  it('ROW_ADDED after rows are deleted: the count follows the sheet down and rows appended later are reported', async () => {
    const added = runner(ADDED, { spreadsheetId: ID, sheetName: 'Class Data', headerRow: true });
    await added.poll();
    rows().splice(2, 2); // delete rows 3 and 4
    expect(await added.poll()).toEqual([]);
    expect(added.cursor).toMatchObject({ rowCount: 2 });
    rows().push(['Carl', 'Male']);
    const items = await added.poll();
    expect(items.map((i) => [i.key, (i.payload as { rowNumber: number }).rowNumber])).toEqual([['3@2', 3]]);
    expect(added.delivered).toHaveLength(1);
  });

  it('ROW_UPDATED: each changed row once per version; the header, new rows and cleared rows are not updates', async () => {
    const updated = runner(UPDATED, { spreadsheetId: ID, sheetName: 'Class Data', headerRow: true });
    expect(await updated.poll()).toEqual([]);
    expect((updated.cursor as { hashes: string[] }).hashes).toHaveLength(4);

    rows()[2]![4] = 'Physics';
    rows()[0]![0] = 'Name';
    rows().push(['Dana']);
    const u1 = await updated.poll();
    expect(u1.map((i) => i.key)).toEqual([`3:${rowHash(rows()[2]!)}@1`]);
    expect(u1[0]!.payload).toMatchObject({ rowNumber: 3, values: ['Andrew', 'Male', '1. Freshman', 'SD', 'Physics', 'Lacrosse'], record: { Name: 'Andrew', Major: 'Physics' } });
    expect(await updated.poll()).toEqual([]);

    // Edited back to the earlier content: a new version, reported again.
    rows()[2]![4] = 'Math';
    expect((await updated.poll()).map((i) => i.key)).toEqual([`3:${rowHash(rows()[2]!)}@3`]);
    rows()[3] = [];
    rows()[1]!.push('', '');
    expect(await updated.poll()).toEqual([]);
  });

  it('ROW_UPDATED after a row is inserted in the middle: shifted rows whose content differs are reported (position-based)', async () => {
    const updated = runner(UPDATED, { spreadsheetId: ID, sheetName: 'Class Data', headerRow: true });
    const added = runner(ADDED, { spreadsheetId: ID, sheetName: 'Class Data', headerRow: true });
    await updated.poll();
    await added.poll();
    rows().splice(2, 0, ['Inserted']);
    expect((await updated.poll()).map((i) => (i.payload as { rowNumber: number }).rowNumber)).toEqual([3, 4]);
    // ROW_ADDED counts rows: the sheet's last row (Anna, shifted from 4 to 5) is the one reported.
    expect((await added.poll()).map((i) => i.payload)).toMatchObject([{ rowNumber: 5, values: ['Anna', 'Female', '1. Freshman', 'NC', 'English'] }]);
  });

  it(`refuses a sheet with more than ${MAX_ROWS} rows with a clear permanent error`, async () => {
    const big = Array.from({ length: MAX_ROWS + 1 }, (_, i) => [`r${i + 1}`]);
    sheets.addSpreadsheet('bigSheet000001', [{ title: 'Big', rows: big }]);
    const err = await runner(UPDATED, { spreadsheetId: 'bigSheet000001' }).poll().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'permanent', message: `Google Sheets: sheet "Big" has more than ${MAX_ROWS} rows; the row triggers watch at most ${MAX_ROWS}` });
    big.pop();
    const ok = runner(UPDATED, { spreadsheetId: 'bigSheet000001' });
    await ok.poll();
    expect((ok.cursor as { hashes: string[] }).hashes).toHaveLength(MAX_ROWS);
  });

  it('maps errors: unknown spreadsheet or sheet → permanent with the name, quota → rate_limited, 401 → auth, 5xx → transient', async () => {
    const fail = (type: string, params: Record<string, unknown>) => runner(type, params).poll().catch((e: unknown) => e as ProviderError);
    expect(await fail(ADDED, { spreadsheetId: 'missingSheet01' })).toMatchObject({ kind: 'permanent', status: 404, message: expect.stringContaining('missingSheet01 not found') });
    expect(await fail(ADDED, { spreadsheetId: 'missingSheet01', sheetName: 'S' })).toMatchObject({ kind: 'permanent', status: 404 });
    expect(await fail(UPDATED, { spreadsheetId: ID, sheetName: 'Nope' })).toMatchObject({ kind: 'permanent', status: 400, message: expect.stringContaining('no sheet named "Nope"') });
    sheets.failNext(1, readQuotaExceeded(30));
    expect(await fail(ADDED, { spreadsheetId: ID, sheetName: 'Class Data' })).toMatchObject({ kind: 'rate_limited', retryAfterMs: 30_000 });
    sheets.failNext(1, rateLimited.userRateLimit());
    expect(await fail(ADDED, { spreadsheetId: ID, sheetName: 'Class Data' })).toMatchObject({ kind: 'rate_limited', status: 403 });
    sheets.failNext(1, rateLimited.backendError(503));
    expect(await fail(ADDED, { spreadsheetId: ID, sheetName: 'Class Data' })).toMatchObject({ kind: 'transient' });
    sheets.validTokens.clear();
    expect(await fail(ADDED, { spreadsheetId: ID, sheetName: 'Class Data' })).toMatchObject({ kind: 'auth' });
  });
});
