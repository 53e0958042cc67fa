// Google Drive end to end through the public API, on SQLite and PostgreSQL, with the real Poller and
// delivery worker against the fake Drive: subscribe → changes.getStartPageToken observed at the fake → a
// file is created / edited → changes.list → exactly one signed delivery of the File → re-poll → no
// duplicate → unsubscribe. Plus folders, an expired access token refreshed, 429 / 403 usageLimits backed
// off, 5xx retried.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Poller } from '../../src/engine/poller.js';
import { googleDriveIntegration } from '../../src/integrations/googledrive/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { rateLimited } from '../providers/google-calendar.js';
import { startFakeGoogleDrive, type FakeGoogleDrive } from '../providers/google-drive.js';

const CREATED = 'GOOGLE_DRIVE_TRIGGER_FILE_CREATED';
const UPDATED = 'GOOGLE_DRIVE_TRIGGER_FILE_UPDATED';

describe.each(DIALECTS)('Google Drive end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let drive: FakeGoogleDrive;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let poller: Poller;
  let clock: TestClock;
  let base: string;
  let credentialId: string;

  const subscribe = async (type: string, parameters: Record<string, unknown> = {}) => {
    const r = await user.post(`${base}/trigger-subscriptions`, { integration: 'googledrive', type, parameters });
    expect(r.status, r.text).toBe(200);
    return r.body as { id: string };
  };
  const tick = async (ms = 2000) => {
    clock.advance(ms);
    await poller.runDue();
    await worker.drain();
  };
  const got = () => receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: { id: string; modifiedTime: string } });

  beforeEach(async () => {
    clock = new TestClock(Date.now());
    drive = await startFakeGoogleDrive({ now: clock.now });
    drive.createFile({ id: 'old-doc', name: 'Old doc' });
    clock.advance(1000);
    w = await startIntegrationWorld({
      dialect,
      integration: googleDriveIntegration,
      now: clock.now,
      poller: true,
      config: {
        clientId: 'google-client', clientSecret: 'google-client-secret', apiBaseUrl: drive.url, tokenUrl: `${drive.url}/token`,
      },
      credential: { accessToken: 'valid-token', refreshToken: 'valid-refresh-token', providerAccountId: 'lpage@example.com' },
    });
    ({ t, receiver, project, base, user, worker } = w);
    poller = w.poller!;
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await drive.close();
  });

  it('file created and file updated: one signed delivery each, none on re-poll, unsubscribe stops polling', async () => {
    const created = await subscribe(CREATED);
    const updated = await subscribe(UPDATED);
    expect(drive.requests.map((q) => q.path)).toEqual(['/drive/v3/changes/startPageToken', '/drive/v3/changes/startPageToken']);
    const f = drive.createFile({ name: 'Budget 2026' });
    await tick();
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({
      integration: 'googledrive', triggerType: CREATED, triggerSubscriptionId: created.id, credentialId, userId: 'user-1',
      payload: { id: f.id, name: 'Budget 2026', createdTime: f.createdTime, parents: [drive.rootId] },
    });
    expectSignedDelivery(delivery!, project.signingSecret);
    expect(receiver.requests).toHaveLength(1);

    clock.advance(60_000);
    const v2 = drive.modifyFile(f.id, { name: 'Budget 2026 v2' });
    drive.touchFile('old-doc', { shared: true });
    await tick();
    await tick();
    expect(got().map((g) => [g.triggerType, g.payload.id])).toEqual([[CREATED, f.id], [UPDATED, f.id]]);
    expect(got()[1]!.payload.modifiedTime).toBe(v2.modifiedTime);
    expect(got()[1]!.triggerSubscriptionId).toBe(updated.id);

    expect((await user.delete(`${base}/trigger-subscriptions/${created.id}`)).body).toEqual({ success: true });
    expect((await user.delete(`${base}/trigger-subscriptions/${updated.id}`)).body).toEqual({ success: true });
    const calls = drive.requests.length;
    drive.createFile({ name: 'after unsubscribe' });
    await tick();
    expect(drive.requests.length).toBe(calls);
    expect(receiver.requests).toHaveLength(2);
  });

  it('watches only the parentId folders', async () => {
    const sub = await subscribe(CREATED, { parentId: 'folderA' });
    drive.createFile({ name: 'elsewhere' });
    const a = drive.createFile({ name: 'in A', parents: ['folderA'] });
    await tick();
    expect(got().map((g) => [g.triggerSubscriptionId, g.payload.id])).toEqual([[sub.id, a.id]]);
  });

  it('refreshes an expired access token and polls on', async () => {
    await subscribe(CREATED);
    drive.validTokens.delete('valid-token');
    const f = drive.createFile({ name: 'after expiry' });
    await tick();
    expect(drive.tokenRequests).toEqual([expect.objectContaining({ grant_type: 'refresh_token', refresh_token: 'valid-refresh-token' })]);
    expect(got().map((g) => g.payload.id)).toEqual([f.id]);
  });

  it('backs off on 403 usageLimits and 429 without erroring, retries 5xx, and loses nothing', async () => {
    const sub = await subscribe(CREATED);
    const f = drive.createFile({ name: 'busy' });
    drive.failNext(1, rateLimited.tooMany(30));
    await tick();
    expect((await t.svc.storage.credentials.get(credentialId))!.rateLimitedUntil).toBe(clock.now() + 30_000);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
    drive.failNext(1, rateLimited.userRateLimit());
    await tick(30_000);
    const paused = (await t.svc.storage.credentials.get(credentialId))!.rateLimitedUntil!;
    expect(paused).toBeGreaterThan(clock.now());
    const calls = drive.requests.length;
    await tick(2000);
    expect(drive.requests.length).toBe(calls);
    drive.failNext(1, rateLimited.backendError(500));
    await tick(paused - clock.now());
    expect((await t.svc.storage.subscriptions.get(sub.id))!.consecutiveFailures).toBe(1);
    await tick(10_000);
    expect(got().map((g) => g.payload.id)).toEqual([f.id]);
  });
});
