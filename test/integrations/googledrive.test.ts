// Google Drive, source level: FILE_CREATED and FILE_UPDATED polling the changes feed of the fake Drive over
// real HTTP — start page token, paging to newStartPageToken, created vs updated, folders (`root` alias),
// shared drives, trashed files, page-token rejection, the per-poll page budget, rate limits.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CREATION_GRACE_MS, MAX_PAGES_PER_POLL, listChanges, startPageToken } from '../../src/integrations/googledrive/drive.js';
import changesList from '../../src/integrations/googledrive/fixtures/changes-list.json' with { type: 'json' };
import file from '../../src/integrations/googledrive/fixtures/file.json' with { type: 'json' };
import startToken from '../../src/integrations/googledrive/fixtures/start-page-token.json' with { type: 'json' };
import { googleDriveIntegration } from '../../src/integrations/googledrive/integration.js';
import type { PollSource } from '../../src/sdk/index.js';
import { TestClock } from '../helpers/clock.js';
import { startFakeGoogleDrive, type FakeGoogleDrive } from '../providers/google-drive.js';
import { PollRunner, httpFor, rateLimited, sourceContext, withDefaults } from '../providers/google-calendar.js';

const MIN = 60_000;
const CREATED = 'GOOGLE_DRIVE_TRIGGER_FILE_CREATED';
const UPDATED = 'GOOGLE_DRIVE_TRIGGER_FILE_UPDATED';
const trigger = (type: string) => googleDriveIntegration.triggers.find((t) => t.type === type)!;

describe('Google Drive catalog', () => {
  it('declares the binding trigger types with Paragon parameters', () => {
    expect(googleDriveIntegration.triggers.map((t) => [t.type, t.source.kind])).toEqual([[CREATED, 'poll'], [UPDATED, 'poll']]);
    for (const t of googleDriveIntegration.triggers) {
      expect(t.parameters.map((p) => [p.id, p.type, p.defaultValue])).toEqual([['supportsAllDrives', 'BOOLEAN_INPUT', false], ['parentId', 'TEXTAREA', undefined]]);
      expect(t.docsUrl).toMatch(/^https:\/\/developers\.google\.com\/workspace\/drive\//);
    }
    expect(trigger(CREATED).examplePayload).toEqual(file);
  });
});

describe('Google Drive triggers against the fake Drive', () => {
  let drive: FakeGoogleDrive;
  let clock: TestClock;
  const runner = (type: string, params: Record<string, unknown> = {}) =>
    new PollRunner(trigger(type).source as PollSource, () => sourceContext(httpFor(googleDriveIntegration, drive.url), withDefaults(trigger(type), params), clock.now));
  const changeCalls = () => drive.requests.filter((q) => q.path === '/drive/v3/changes');

  beforeEach(async () => {
    clock = new TestClock(Date.parse('2026-03-02T09:00:00Z'));
    drive = await startFakeGoogleDrive({ now: clock.now });
    drive.createFile({ id: 'old-doc', name: 'Old doc' });
    drive.createFile({ id: 'old-sheet', name: 'Old sheet', mimeType: 'application/vnd.google-apps.spreadsheet' });
    clock.advance(MIN);
  });
  afterEach(async () => {
    await drive.close();
  });

  it("understands Google's documented answers (fixtures): start page token and a change list", async () => {
    const http = httpFor(googleDriveIntegration, drive.url);
    drive.failNext(1, { status: 200, body: startToken });
    expect(await startPageToken(http, {})).toBe('3455');
    drive.failNext(1, { status: 200, body: changesList });
    expect(await listChanges(http, {}, '3455')).toEqual({ kind: 'ok', changes: changesList.changes, pageToken: '3456', newStartPageToken: '3456' });
  });

  it('baselines at the start page token; reports new files once and new versions once', async () => {
    const created = runner(CREATED);
    const updated = runner(UPDATED);
    expect(await created.poll()).toEqual([]);
    expect(await updated.poll()).toEqual([]);
    expect(drive.requests.map((q) => q.path)).toEqual(['/drive/v3/changes/startPageToken', '/drive/v3/changes/startPageToken']);
    expect(created.cursor).toMatchObject({ pageToken: drive.currentToken(), restartToken: drive.currentToken(), baselineAt: clock.now() });

    clock.advance(MIN);
    const f = drive.createFile({ name: 'Budget 2026' });
    drive.modifyFile('old-doc', { name: 'Old doc (renamed)' });
    const c1 = await created.poll();
    expect(c1.map((i) => i.key)).toEqual([f.id]);
    expect(c1[0]!.payload).toMatchObject({ id: f.id, name: 'Budget 2026', createdTime: f.createdTime });
    const u1 = await updated.poll();
    const oldDoc = drive.files.get('old-doc')!;
    expect(u1.map((i) => i.key)).toEqual([`old-doc:${oldDoc.modifiedTime}`]);
    const q = changeCalls()[0]!.query;
    expect(Object.fromEntries(q)).toMatchObject({ pageSize: '1000', includeRemoved: 'false', spaces: 'drive' });
    expect(q.get('fields')).toContain('newStartPageToken');
    expect(q.has('supportsAllDrives')).toBe(false);

    // The new file edited later: an update, and not created again; sharing it changes nothing.
    clock.advance(MIN);
    const edited = drive.modifyFile(f.id, { name: 'Budget 2026 v2' });
    drive.touchFile('old-sheet', { shared: true });
    expect(await created.poll()).toEqual([]);
    expect((await updated.poll()).map((i) => i.key)).toEqual([`${f.id}:${edited.modifiedTime}`]);
    drive.touchFile(f.id, { starred: true });
    expect(await updated.poll()).toEqual([]);
    expect(await created.poll()).toEqual([]);
  });

  it('does not call the writes that create a file an update', async () => {
    const updated = runner(UPDATED);
    await updated.poll();
    const f = drive.createFile({ name: 'Draft' });
    clock.advance(CREATION_GRACE_MS / 2);
    drive.modifyFile(f.id, { name: 'Draft (autosaved)' });
    expect(await updated.poll()).toEqual([]);
  });

  it('watches folders: direct children of parentId (root resolved to its id); moved-in new files count', async () => {
    const inFolder = runner(CREATED, { parentId: 'folderA, root' });
    await inFolder.poll();
    expect(drive.requests.some((q) => q.path === '/drive/v3/files/root')).toBe(true);
    const a = drive.createFile({ name: 'in A', parents: ['folderA'] });
    const r = drive.createFile({ name: 'in root' });
    const b = drive.createFile({ name: 'in B', parents: ['folderB'] });
    expect((await inFolder.poll()).map((i) => i.key)).toEqual([a.id, r.id]);
    drive.moveFile(b.id, ['folderA']);
    drive.moveFile('old-doc', ['folderA']); // created before the subscription: not new
    expect((await inFolder.poll()).map((i) => i.key)).toEqual([b.id]);
    expect((inFolder.cursor as { rootId: string }).rootId).toBe(drive.rootId);
  });

  it('sees shared-drive files only with supportsAllDrives, and never trashed files', async () => {
    const mine = runner(CREATED);
    const all = runner(CREATED, { supportsAllDrives: true });
    await mine.poll();
    await all.poll();
    expect(drive.requests.at(-1)!.query.get('supportsAllDrives')).toBe('true');
    const shared = drive.createFile({ name: 'team doc', driveId: '0ABteamdrive', parents: ['0ABteamdrive'] });
    const trashed = drive.createFile({ name: 'oops' });
    drive.trashFile(trashed.id);
    expect(await mine.poll()).toEqual([]);
    expect((await all.poll()).map((i) => i.key)).toEqual([shared.id]);
    expect(Object.fromEntries(changeCalls().at(-1)!.query)).toMatchObject({ supportsAllDrives: 'true', includeItemsFromAllDrives: 'true' });
  });

  it('pages to newStartPageToken and works through a backlog over several polls', async () => {
    const created = runner(CREATED);
    await created.poll();
    drive.pageSize = 2;
    const ids = Array.from({ length: 2 * MAX_PAGES_PER_POLL + 3 }, (_, n) => drive.createFile({ name: `f${n}` }).id);
    const first = await created.poll();
    expect(first.map((i) => i.key)).toEqual(ids.slice(0, 2 * MAX_PAGES_PER_POLL));
    expect(changeCalls()).toHaveLength(MAX_PAGES_PER_POLL);
    expect((created.cursor as { pageToken: string; restartToken: string }).restartToken).not.toBe((created.cursor as { pageToken: string }).pageToken);
    expect((await created.poll()).map((i) => i.key)).toEqual(ids.slice(2 * MAX_PAGES_PER_POLL));
    expect(created.cursor).toMatchObject({ pageToken: drive.currentToken(), restartToken: drive.currentToken() });
  });

  it('re-reads from the last start token when a page token is refused, re-emitting nothing', async () => {
    const created = runner(CREATED);
    await created.poll();
    drive.pageSize = 1;
    const ids = Array.from({ length: MAX_PAGES_PER_POLL + 2 }, (_, n) => drive.createFile({ name: `g${n}` }).id);
    await created.poll();
    const { pageToken, restartToken } = created.cursor as { pageToken: string; restartToken: string };
    // Google refuses the stored mid-chain token once; the start token still works.
    drive.failNext(1, { status: 400, body: { error: { errors: [{ domain: 'global', reason: 'invalid', message: 'Invalid Value', locationType: 'parameter', location: 'pageToken' }], code: 400, message: 'Invalid Value' } }, path: /\/drive\/v3\/changes$/ });
    drive.pageSize = 1000;
    const items = await created.poll();
    expect(items.map((i) => i.key)).toEqual(ids.slice(MAX_PAGES_PER_POLL));
    const calls = changeCalls().slice(-2).map((q) => q.query.get('pageToken'));
    expect(calls).toEqual([pageToken, restartToken]);
  });

  it('restarts at a fresh start token when even the start token is refused', async () => {
    const created = runner(CREATED);
    await created.poll();
    drive.createFile({ name: 'lost in the gap' });
    drive.minValidToken = Number(drive.currentToken());
    expect(await created.poll()).toEqual([]);
    expect(created.cursor).toMatchObject({ pageToken: drive.currentToken() });
    const f = drive.createFile({ name: 'after restart' });
    expect((await created.poll()).map((i) => i.key)).toEqual([f.id]);
  });

  it('classifies Google rate limits (403 usageLimits, 429) and 5xx', async () => {
    const created = runner(CREATED);
    await created.poll();
    const f = drive.createFile({ name: 'x' });
    drive.failNext(1, rateLimited.userRateLimit());
    await expect(created.poll()).rejects.toMatchObject({ kind: 'rate_limited', status: 403 });
    drive.failNext(1, rateLimited.backendError(500));
    await expect(created.poll()).rejects.toMatchObject({ kind: 'transient', status: 500 });
    expect((await created.poll()).map((i) => i.key)).toEqual([f.id]);
  });

  it('finds the account id (the Drive user address)', async () => {
    expect(await googleDriveIntegration.accountId!({ http: httpFor(googleDriveIntegration, drive.url), token: { accessToken: 'valid-token' } })).toEqual({ providerAccountId: 'lpage@example.com' });
  });
});
