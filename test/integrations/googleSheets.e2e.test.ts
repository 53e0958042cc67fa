// Google Sheets end to end through the public API, on SQLite and PostgreSQL, with the real Poller and
// delivery worker against the fake Sheets API: subscribe → baseline values.get observed at the fake → a row
// is appended / edited → exactly one signed delivery each → re-poll → no duplicate → unsubscribe stops
// polling. Plus parameter validation (400 naming the parameter, nothing read), an expired access token
// refreshed, the per-minute read quota (429) backed off without erroring, and a missing sheet → ERRORED
// after five failed polls in a row, with an error naming the sheet.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Poller } from '../../src/engine/poller.js';
import { googleSheetsIntegration } from '../../src/integrations/googleSheets/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { readQuotaExceeded, startFakeGoogleSheets, type FakeGoogleSheets } from '../providers/google-sheets.js';

const ADDED = 'GOOGLE_SHEETS_TRIGGER_ROW_ADDED';
const UPDATED = 'GOOGLE_SHEETS_TRIGGER_ROW_UPDATED';
const ID = '1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms';

describe.each(DIALECTS)('Google Sheets end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let sheets: FakeGoogleSheets;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let poller: Poller;
  let clock: TestClock;
  let base: string;
  let credentialId: string;

  const post = (type: string, parameters: Record<string, unknown>) => user.post(`${base}/trigger-subscriptions`, { integration: 'googleSheets', type, parameters });
  const subscribe = async (type: string, parameters: Record<string, unknown>) => {
    const r = await post(type, parameters);
    expect(r.status, r.text).toBe(200);
    return r.body as { id: string };
  };
  const tick = async (ms = 2000) => {
    clock.advance(ms);
    await poller.runDue();
    await worker.drain();
  };
  type Got = { triggerType: string; triggerSubscriptionId: string; payload: { rowNumber: number; values: unknown[]; record?: Record<string, unknown> } };
  const got = () => receiver.requests.map((r) => r.json as Got);
  const rows = () => sheets.sheet(ID, 'Leads').rows;

  beforeEach(async () => {
    clock = new TestClock(Date.now());
    sheets = await startFakeGoogleSheets();
    sheets.addSpreadsheet(ID, [{ title: 'Leads', rows: [['Name', 'Email', 'Stage'], ['Ada', 'ada@example.com', 'new']] }]);
    w = await startIntegrationWorld({
      dialect,
      integration: googleSheetsIntegration,
      now: clock.now,
      poller: true,
      config: { clientId: 'google-client', clientSecret: 'google-client-secret', apiBaseUrl: sheets.url, tokenUrl: `${sheets.url}/token` },
      credential: { accessToken: 'valid-token', refreshToken: 'valid-refresh-token', providerAccountId: 'lpage@example.com' },
    });
    ({ t, receiver, project, base, user, worker } = w);
    poller = w.poller!;
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await sheets.close();
  });

  it('row added and row updated: one signed delivery each, none on re-poll, unsubscribe stops polling', async () => {
    const added = await subscribe(ADDED, { spreadsheetId: ID, headerRow: true });
    const updated = await subscribe(UPDATED, { spreadsheetId: ID, sheetName: 'Leads', headerRow: true });
    expect(sheets.valueCalls().map((c) => c.range)).toEqual(["'Leads'!1:10001", "'Leads'!1:10001"]);
    expect(receiver.requests).toHaveLength(0);

    rows().push(['Grace', 'grace@example.com', 'new']);
    await tick();
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({
      integration: 'googleSheets', triggerType: ADDED, triggerSubscriptionId: added.id, credentialId, userId: 'user-1',
      payload: { spreadsheetId: ID, sheetName: 'Leads', rowNumber: 3, values: ['Grace', 'grace@example.com', 'new'], record: { Name: 'Grace', Email: 'grace@example.com', Stage: 'new' } },
    });
    expectSignedDelivery(delivery!, project.signingSecret);
    expect(receiver.requests).toHaveLength(1);

    rows()[1]![2] = 'qualified';
    await tick();
    await tick();
    expect(got().map((g) => [g.triggerType, g.triggerSubscriptionId, g.payload.rowNumber])).toEqual([[ADDED, added.id, 3], [UPDATED, updated.id, 2]]);
    expect(got()[1]!.payload.record).toEqual({ Name: 'Ada', Email: 'ada@example.com', Stage: 'qualified' });

    expect((await user.delete(`${base}/trigger-subscriptions/${added.id}`)).body).toEqual({ success: true });
    expect((await user.delete(`${base}/trigger-subscriptions/${updated.id}`)).body).toEqual({ success: true });
    const calls = sheets.requests.length;
    rows().push(['after', 'unsubscribe']);
    await tick();
    expect(sheets.requests.length).toBe(calls);
    expect(receiver.requests).toHaveLength(2);
  });

  it('refuses bad parameters with a 400 naming the parameter, and reads nothing', async () => {
    const noId = await post(ADDED, {});
    expect(noId.status).toBe(400);
    expect(noId.text).toContain('spreadsheetId');
    const url = await post(ADDED, { spreadsheetId: `https://docs.google.com/spreadsheets/d/${ID}/edit` });
    expect(url.status).toBe(400);
    expect(url.text).toContain('parameters.spreadsheetId: must be a spreadsheet id');
    expect((await post(UPDATED, { spreadsheetId: ID, headerRow: 'yes' })).status).toBe(400);
    expect(sheets.requests).toEqual([]);
  });

  it('refreshes an expired access token and polls on', async () => {
    await subscribe(ADDED, { spreadsheetId: ID, sheetName: 'Leads' });
    sheets.validTokens.delete('valid-token');
    rows().push(['after expiry']);
    await tick();
    expect(sheets.tokenRequests).toEqual([expect.objectContaining({ grant_type: 'refresh_token', refresh_token: 'valid-refresh-token' })]);
    expect(got().map((g) => g.payload.values)).toEqual([['after expiry']]);
  });

  it('backs off on the per-minute read quota (429) without erroring, and loses nothing', async () => {
    const sub = await subscribe(ADDED, { spreadsheetId: ID, sheetName: 'Leads' });
    rows().push(['busy']);
    sheets.failNext(1, readQuotaExceeded(60));
    await tick();
    expect((await t.svc.storage.credentials.get(credentialId))!.rateLimitedUntil).toBe(clock.now() + 60_000);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
    expect(receiver.requests).toHaveLength(0);
    await tick(60_000);
    expect(got().map((g) => g.payload.values)).toEqual([['busy']]);
  });

  it('a sheet that no longer exists: failed polls name it, and after five in a row the subscription is ERRORED', async () => {
    const sub = await subscribe(UPDATED, { spreadsheetId: ID, sheetName: 'Leads' });
    sheets.sheet(ID, 'Leads').title = 'Renamed';
    await tick();
    expect((await t.svc.storage.subscriptions.get(sub.id))!).toMatchObject({ status: 'ACTIVE', consecutiveFailures: 1 });
    for (let i = 0; i < 4; i++) await tick(60 * 60_000);
    const stored = (await t.svc.storage.subscriptions.get(sub.id))!;
    expect(stored.status).toBe('ERRORED');
    expect(stored.error).toContain(`no sheet named "Leads" in spreadsheet ${ID}`);
  });
});
