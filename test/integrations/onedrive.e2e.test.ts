// OneDrive end to end through the public API, on SQLite and PostgreSQL, against the fake Microsoft Graph:
// subscribe → baseline delta (token=latest) before POST /subscriptions on /me/drive/root (changeType updated,
// ~29 days), Graph's validation answered during the create call → a file is uploaded → an item-less
// notification → delta read from the stored deltaLink → exactly one signed delivery → Graph's retry of the same
// notification → no duplicate → unsubscribe → DELETE observed. Plus created vs updated vs change, the folder
// filter, `missed` and the backstop sync recovering dropped notifications, an expired delta token (410) resynced
// without duplicates, a wrong clientState refused, an expired access token refreshed, 429 answered 503.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Poller } from '../../src/engine/poller.js';
import { oneDriveIntegration } from '../../src/integrations/onedrive/integration.js';
import { DIALECTS } from '../helpers/databases.js';
import { expectSignedDelivery } from '../helpers/integration-world.js';
import { startGraphWorld, type GraphWorld } from '../providers/microsoft-graph.js';

describe.each(DIALECTS)('OneDrive end to end on %s', (dialect) => {
  let w: GraphWorld;
  const deliveries = () => w.receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: any });
  const names = () => deliveries().map((d) => d.payload.name as string);

  beforeEach(async () => {
    w = await startGraphWorld(dialect, oneDriveIntegration);
    await w.graph.createDriveFile('old.txt'); // in the drive before anyone subscribes
    w.clock.advance(1000);
  });
  afterEach(async () => {
    await w.close();
  });

  it('file created: baseline delta, drive root subscription, one signed delivery, Graph retry deduped, edits not re-delivered, DELETE on unsubscribe', async () => {
    const r = await w.subscribe('ONEDRIVE_TRIGGER_FILE_CREATED');
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ status: 'ACTIVE', integration: 'onedrive' });
    const gsub = w.graphSubscriptionOf(r.body.id)!;
    expect(gsub).toMatchObject({ resource: '/me/drive/root', changeType: 'updated', lifecycleNotificationUrl: w.hookUrl(r.body.id) });
    expect(w.graph.validations.map((v) => v.ok)).toEqual([true, true]);
    const order = w.graph.requests.map((q) => `${q.method} ${q.path} ${q.query.get('token') ?? ''}`.trim());
    expect(order.indexOf('GET /me/drive/root/delta latest')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('GET /me/drive/root/delta latest')).toBeLessThan(order.indexOf('POST /subscriptions'));
    // About 29 days, less our margin.
    expect(Date.parse(gsub.expirationDateTime) - w.clock.now()).toBeGreaterThan(42_000 * 60_000);

    const { item, deliveries: sent } = await w.graph.createDriveFile('report.docx');
    expect(sent.map((d) => d.status)).toEqual([200]);
    await w.worker.drain();
    const [delivery] = await w.receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({
      integration: 'onedrive', triggerType: 'ONEDRIVE_TRIGGER_FILE_CREATED', triggerSubscriptionId: r.body.id,
      credentialId: w.credentialId, userId: 'user-1', projectId: w.project.id,
      payload: { id: item.id, name: 'report.docx', file: item.file, parentReference: { id: w.graph.driveRootId } },
    });
    expectSignedDelivery(delivery!, w.project.signingSecret);

    expect((await w.graph.post(sent[0]!.url, sent[0]!.body)).status).toBe(200); // Graph's retry
    w.clock.advance(60_000);
    await w.graph.editDriveFile(item.id); // an edit is not a creation
    await w.graph.createDriveFolder('Reports'); // nor is a folder
    await w.worker.drain();
    expect(names()).toEqual(['report.docx']);
    expect((await w.events()).map((e) => e.payload.name)).toEqual(['report.docx']);

    expect((await w.user.delete(`${w.base}/trigger-subscriptions/${r.body.id}`)).body).toEqual({ success: true });
    expect(w.graph.deletedSubscriptions).toEqual([gsub.id]);
    await w.graph.createDriveFile('after.txt');
    await w.worker.drain();
    expect(names()).toEqual(['report.docx']);
  });

  it('file updated (content only, one event per cTag) and file change (every change, deletions included), in one folder', async () => {
    const { item: folder } = await w.graph.createDriveFolder('Reports');
    const { item: elsewhere } = await w.graph.createDriveFile('elsewhere.txt');
    const { item: doc } = await w.graph.createDriveFile('plan.txt', { parentId: folder.id });
    w.clock.advance(1000);
    const bad = await w.subscribe('ONEDRIVE_TRIGGER_FILE_UPDATED', { folderId: "x'/../y" });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/parameters\.folderId/);
    const upd = await w.subscribe('ONEDRIVE_TRIGGER_FILE_UPDATED', { folderId: folder.id });
    const chg = await w.subscribe('ONEDRIVE_TRIGGER_FILE_CHANGE', { folderId: folder.id });
    expect([upd.status, chg.status]).toEqual([200, 200]);
    // One Graph subscription each.
    expect(w.graphSubscriptionOf(upd.body.id)!.id).not.toBe(w.graphSubscriptionOf(chg.body.id)!.id);

    w.clock.advance(1000);
    const { item: edited, deliveries: sent } = await w.graph.editDriveFile(doc.id);
    await w.graph.editDriveFile(elsewhere.id); // outside the folder
    await w.worker.drain();
    await w.receiver.waitFor(2);
    // Both subscriptions' notifications of the first edit, then each re-reads nothing new on the second.
    const byType = (t: string) => deliveries().filter((d) => d.triggerType === t).map((d) => [d.payload.id, d.payload.cTag ?? null]);
    expect(byType('ONEDRIVE_TRIGGER_FILE_UPDATED')).toEqual([[doc.id, edited.cTag]]);
    expect(byType('ONEDRIVE_TRIGGER_FILE_CHANGE')).toEqual([[doc.id, edited.cTag]]);
    // A Graph retry of an old notification re-reads the delta: nothing new.
    for (const d of sent) expect((await w.graph.post(d.url, d.body)).status).toBe(200);
    await w.worker.drain();
    expect(deliveries()).toHaveLength(2);

    w.clock.advance(1000);
    const { item: edited2 } = await w.graph.editDriveFile(doc.id);
    await w.graph.deleteDriveItem(doc.id);
    await w.worker.drain();
    await w.receiver.waitFor(5);
    expect(byType('ONEDRIVE_TRIGGER_FILE_UPDATED')).toEqual([[doc.id, edited.cTag], [doc.id, edited2.cTag]]);
    const changes = deliveries().filter((d) => d.triggerType === 'ONEDRIVE_TRIGGER_FILE_CHANGE');
    expect(changes.map((d) => [d.payload.id, d.payload.deleted ?? null])).toEqual([[doc.id, null], [doc.id, null], [doc.id, { state: 'deleted' }]]);
    expect(deliveries()).toHaveLength(5);
  });

  it('missed notifications: caught up by the `missed` lifecycle event and by the backstop sync, once each; an expired delta token resyncs without duplicates', async () => {
    const r = await w.subscribe('ONEDRIVE_TRIGGER_FILE_CREATED');
    const gsub = w.graphSubscriptionOf(r.body.id)!;
    const stateBefore = (await w.t.svc.storage.subscriptions.get(r.body.id))!.state as { cursor: { deltaLink: string } };
    expect(stateBefore.cursor.deltaLink).toContain('token=');

    w.graph.deliver = false; // throttled: Graph drops these notifications
    await w.graph.createDriveFile('missed-1.txt');
    await w.graph.createDriveFile('missed-2.txt');
    w.graph.deliver = true;
    expect((await w.graph.sendLifecycle(gsub.id, 'missed')).status).toBe(200);
    await w.worker.drain();
    await w.receiver.waitFor(2);
    expect(names().sort()).toEqual(['missed-1.txt', 'missed-2.txt']);
    const stateAfter = (await w.t.svc.storage.subscriptions.get(r.body.id))!.state as { cursor: { deltaLink: string } };
    expect(stateAfter.cursor.deltaLink).not.toBe(stateBefore.cursor.deltaLink);

    // Dropped without a word: the backstop sync finds it one interval later.
    const poller = new Poller(w.t.svc.deps, { catalog: (p) => w.t.svc.subscriptions.catalogFor(p) });
    w.graph.deliver = false;
    await w.graph.createDriveFile('dropped.txt');
    w.graph.deliver = true;
    w.clock.advance(17 * 60_000);
    await poller.runDue();
    await w.worker.drain();
    await w.receiver.waitFor(3);
    expect(names()[2]).toBe('dropped.txt');

    // Graph forgot the delta token (410 resyncRequired): a full round, only the new file delivered.
    w.graph.deliver = false;
    await w.graph.createDriveFile('after-resync.txt');
    w.graph.deliver = true;
    w.graph.expireDeltaTokens();
    expect((await w.graph.sendLifecycle(gsub.id, 'missed')).status).toBe(200);
    await w.worker.drain();
    await w.receiver.waitFor(4);
    expect(names().slice(3)).toEqual(['after-resync.txt']);
    expect(names()).toHaveLength(4);
    expect((await w.events()).filter((e) => e.payload.name === 'old.txt')).toEqual([]);
  });

  it('subscriptionRemoved creates the Graph subscription again; reauthorizationRequired renews it', async () => {
    const r = await w.subscribe('ONEDRIVE_TRIGGER_FILE_CREATED');
    const first = w.graphSubscriptionOf(r.body.id)!;
    expect((await w.graph.sendLifecycle(first.id, 'reauthorizationRequired')).status).toBe(200);
    expect(w.graph.requests.filter((q) => q.method === 'PATCH').map((q) => q.path)).toEqual([`/subscriptions/${first.id}`]);
    expect((await w.graph.sendLifecycle(first.id, 'subscriptionRemoved')).status).toBe(200);
    const second = w.graphSubscriptionOf(r.body.id)!;
    expect(second.id).not.toBe(first.id);
    expect(second).toMatchObject({ resource: '/me/drive/root', changeType: 'updated' });
    expect((await w.t.svc.storage.subscriptions.get(r.body.id))!.state).toMatchObject({ subscriptionId: second.id });
    await w.graph.createDriveFile('after-recreate.txt');
    await w.worker.drain();
    await w.receiver.waitFor(1);
    expect(names()).toEqual(['after-recreate.txt']);
  });

  it('refuses a wrong clientState (401) and records nothing; refreshes an expired token; answers 503 to a throttled delta read', async () => {
    const r = await w.subscribe('ONEDRIVE_TRIGGER_FILE_CREATED');
    const gsub = w.graphSubscriptionOf(r.body.id)!;
    w.graph.deliver = false;
    await w.graph.createDriveFile('secret.txt');
    w.graph.deliver = true;
    const forged = w.graph.changeNotificationBody({ ...gsub, clientState: 'guess' }, 'me/drive/root', null, 'updated');
    expect((await w.graph.post(gsub.notificationUrl, forged)).status).toBe(401);
    await w.worker.drain();
    expect(await w.events()).toEqual([]);

    w.graph.validTokens.delete('graph-token-1');
    w.graph.failNext(1, 429, { headers: { 'retry-after': '3' }, match: (m, p) => m === 'GET' && p.startsWith('/me/drive/root/delta') });
    const { deliveries: sent } = await w.graph.createDriveFile('hello.txt');
    expect(sent.map((d) => d.status)).toEqual([503]);
    expect((await w.graph.post(sent[0]!.url, sent[0]!.body)).status).toBe(200);
    await w.worker.drain();
    await w.receiver.waitFor(2);
    expect(names().sort()).toEqual(['hello.txt', 'secret.txt']);
    expect(w.graph.tokenRequests.map((f) => f.get('grant_type'))).toEqual(['refresh_token']);
    expect(w.graph.tokenRequests[0]!.get('scope')).toBe('offline_access User.Read Files.Read');
  });
});
