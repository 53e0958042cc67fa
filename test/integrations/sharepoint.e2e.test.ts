// SharePoint end to end through the public API, on SQLite and PostgreSQL, against the fake Microsoft Graph:
// subscribe → baseline list item delta (token=latest) before POST /subscriptions on sites/{site}/lists/{list}
// (changeType updated, ~29 days, clientState = the subscription's secret), Graph's validation answered during
// the create call → an item is created → an item-less notification → delta read (with $expand=fields) from the
// stored deltaLink → exactly one signed delivery → Graph's retry → no duplicate → unsubscribe → DELETE observed.
// Plus item updated (one event per version), file created in a document library, a wrong clientState refused
// with nothing stored, the backstop sync, renewal (PATCH, and re-creation when Graph forgot the subscription),
// lifecycle events, an expired access token refreshed, 429 answered 503, refusals at subscribe time.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Poller } from '../../src/engine/poller.js';
import { Renewals } from '../../src/engine/renewals.js';
import { sharePointIntegration } from '../../src/integrations/sharepoint/integration.js';
import { DIALECTS } from '../helpers/databases.js';
import { expectSignedDelivery } from '../helpers/integration-world.js';
import { startGraphWorld, type GraphWorld } from '../providers/microsoft-graph.js';

const SITE = 'contoso.sharepoint.com,2C712604-1370-44E7-A1F5-426573FDA80A,2D2244C3-251A-49EA-93A8-39E1C3A060FE';
const LIST = '22e03ef3-6ef4-424d-a1d3-92a337807c30';
const params = { siteId: SITE, listId: LIST };

describe.each(DIALECTS)('SharePoint end to end on %s', (dialect) => {
  let w: GraphWorld;
  const deliveries = () => w.receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: any });
  const titles = () => deliveries().map((d) => d.payload.fields?.Title as string);

  beforeEach(async () => {
    w = await startGraphWorld(dialect, sharePointIntegration);
    w.graph.addList(SITE, LIST);
    await w.graph.createListItem(SITE, LIST, { Title: 'old' }); // in the list before anyone subscribes
    w.clock.advance(1000);
  });
  afterEach(async () => {
    await w.close();
  });

  it('item created: baseline delta, list subscription with our clientState, one signed delivery with the fields, Graph retry deduped, DELETE on unsubscribe', async () => {
    const r = await w.subscribe('SHAREPOINT_TRIGGER_ITEM_CREATED', params);
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ status: 'ACTIVE', integration: 'sharepoint' });
    const gsub = w.graphSubscriptionOf(r.body.id)!;
    expect(gsub).toMatchObject({ resource: `sites/${SITE}/lists/${LIST}`, changeType: 'updated', lifecycleNotificationUrl: w.hookUrl(r.body.id) });
    const stored = (await w.t.svc.storage.subscriptions.get(r.body.id))!;
    expect(gsub.clientState).toBe(stored.secret);
    expect(gsub.clientState!.length).toBeGreaterThanOrEqual(32);
    // Graph validated both URLs during the create call: 200 text/plain with the decoded token.
    expect(w.graph.validations.map((v) => [v.ok, v.status, v.contentType.split(';')[0]])).toEqual([[true, 200, 'text/plain'], [true, 200, 'text/plain']]);
    const order = w.graph.requests.map((q) => `${q.method} ${q.path} ${q.query.get('token') ?? ''}`.trim());
    const baseline = order.indexOf(`GET /sites/${SITE}/lists/${LIST}/items/delta latest`);
    expect(baseline).toBeGreaterThanOrEqual(0);
    expect(baseline).toBeLessThan(order.indexOf('POST /subscriptions'));
    expect(Date.parse(gsub.expirationDateTime) - w.clock.now()).toBeGreaterThan(42_000 * 60_000);

    const { item, deliveries: sent } = await w.graph.createListItem(SITE, LIST, { Title: 'Widget', Quantity: 32 });
    expect(sent.map((d) => d.status)).toEqual([200]);
    await w.worker.drain();
    const [delivery] = await w.receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({
      integration: 'sharepoint', triggerType: 'SHAREPOINT_TRIGGER_ITEM_CREATED', triggerSubscriptionId: r.body.id,
      credentialId: w.credentialId, projectId: w.project.id,
      payload: { id: item.id, eTag: item.eTag, webUrl: item.webUrl, fields: { Title: 'Widget', Quantity: 32 }, parentReference: { id: LIST, siteId: SITE } },
    });
    expectSignedDelivery(delivery!, w.project.signingSecret);

    expect((await w.graph.post(sent[0]!.url, sent[0]!.body)).status).toBe(200); // Graph's retry
    w.clock.advance(60_000);
    await w.graph.updateListItem(SITE, LIST, item.id, { Quantity: 31 }); // an edit is not a creation
    await w.worker.drain();
    // Graph forgot the delta token: the full round lists 'Widget' again, under the same key.
    w.graph.expireDeltaTokens();
    expect((await w.graph.sendLifecycle(gsub.id, 'missed')).status).toBe(200);
    await w.worker.drain();
    expect(titles()).toEqual(['Widget']);
    expect((await w.events()).map((e) => e.payload.fields.Title)).toEqual(['Widget']);

    expect((await w.user.delete(`${w.base}/trigger-subscriptions/${r.body.id}`)).body).toEqual({ success: true });
    expect(w.graph.deletedSubscriptions).toEqual([gsub.id]);
    await w.graph.createListItem(SITE, LIST, { Title: 'after' });
    await w.worker.drain();
    expect(titles()).toEqual(['Widget']);
  });

  it('a wrong clientState is refused (401) and stores nothing; the next genuine notification delivers once', async () => {
    const r = await w.subscribe('SHAREPOINT_TRIGGER_ITEM_CREATED', params);
    const gsub = w.graphSubscriptionOf(r.body.id)!;
    w.graph.deliver = false;
    await w.graph.createListItem(SITE, LIST, { Title: 'secret' });
    w.graph.deliver = true;
    const forged = w.graph.changeNotificationBody({ ...gsub, clientState: 'guess' }, LIST, null, 'updated');
    const deltasBefore = w.graph.requests.length;
    const stateBefore = (await w.t.svc.storage.subscriptions.get(r.body.id))!.state;
    expect((await w.graph.post(gsub.notificationUrl, forged)).status).toBe(401);
    await w.worker.drain();
    expect(await w.events()).toEqual([]);
    expect(w.receiver.requests).toHaveLength(0);
    expect(w.graph.requests).toHaveLength(deltasBefore); // nothing read for it
    expect((await w.t.svc.storage.subscriptions.get(r.body.id))!.state).toEqual(stateBefore); // the cursor did not move

    await w.graph.createListItem(SITE, LIST, { Title: 'public' });
    await w.worker.drain();
    await w.receiver.waitFor(2);
    expect(titles().sort()).toEqual(['public', 'secret']);
  });

  it('item updated: one delivery per version (eTag), repeated notifications and the backstop sync deliver nothing twice', async () => {
    const { item } = await w.graph.createListItem(SITE, LIST, { Title: 'Task', Status: 'new' });
    w.clock.advance(1000);
    const r = await w.subscribe('SHAREPOINT_TRIGGER_ITEM_UPDATED', params);
    expect(r.status, r.text).toBe(200);
    w.clock.advance(1000);
    const { item: v2, deliveries: sent } = await w.graph.updateListItem(SITE, LIST, item.id, { Status: 'doing' });
    await w.graph.createListItem(SITE, LIST, { Title: 'new one' }); // a creation is not an update
    await w.worker.drain();
    await w.receiver.waitFor(1);
    for (const d of sent) expect((await w.graph.post(d.url, d.body)).status).toBe(200);
    await w.worker.drain();
    expect(deliveries().map((d) => [d.triggerType, d.payload.id, d.payload.eTag, d.payload.fields.Status])).toEqual([['SHAREPOINT_TRIGGER_ITEM_UPDATED', item.id, v2.eTag, 'doing']]);

    // Dropped without a word: the backstop sync finds the next version one interval later, once.
    const poller = new Poller(w.t.svc.deps, { catalog: (p) => w.t.svc.subscriptions.catalogFor(p) });
    w.graph.deliver = false;
    const { item: v3 } = await w.graph.updateListItem(SITE, LIST, item.id, { Status: 'done' });
    w.graph.deliver = true;
    w.clock.advance(17 * 60_000);
    await poller.runDue();
    await w.worker.drain();
    await w.receiver.waitFor(2);
    w.clock.advance(17 * 60_000);
    await poller.runDue();
    await w.worker.drain();
    expect(deliveries().map((d) => d.payload.eTag)).toEqual([v2.eTag, v3.eTag]);

    // Graph forgot the delta token (410): the full round reads the delivered version again, under the same key.
    w.graph.expireDeltaTokens();
    expect((await w.graph.sendLifecycle(w.graphSubscriptionOf(r.body.id)!.id, 'missed')).status).toBe(200);
    await w.worker.drain();
    expect(w.graph.requests.filter((q) => q.path.endsWith('/items/delta')).at(-1)!.query.get('$top')).toBe('200');
    expect(deliveries().map((d) => d.payload.eTag)).toEqual([v2.eTag, v3.eTag]);
    const { item: v4 } = await w.graph.updateListItem(SITE, LIST, item.id, { Status: 'reopened' });
    await w.worker.drain();
    await w.receiver.waitFor(3);
    expect(deliveries().map((d) => d.payload.eTag)).toEqual([v2.eTag, v3.eTag, v4.eTag]);
    expect(await w.events()).toHaveLength(3);
  });

  it('file created in a document library: drives/{id}/root subscription, files only, once', async () => {
    const bad = await w.subscribe('SHAREPOINT_TRIGGER_FILE_CREATED', { driveId: "b!x'/../y" });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/parameters\.driveId/);
    const r = await w.subscribe('SHAREPOINT_TRIGGER_FILE_CREATED', { driveId: w.graph.driveId });
    expect(r.status, r.text).toBe(200);
    expect(w.graphSubscriptionOf(r.body.id)).toMatchObject({ resource: `drives/${w.graph.driveId}/root`, changeType: 'updated' });
    const { item, deliveries: sent } = await w.graph.createDriveFile('Budget.xlsx');
    await w.graph.createDriveFolder('Archive');
    await w.worker.drain();
    await w.receiver.waitFor(1);
    for (const d of sent) expect((await w.graph.post(d.url, d.body)).status).toBe(200);
    await w.graph.editDriveFile(item.id);
    await w.worker.drain();
    expect(deliveries().map((d) => [d.triggerType, d.payload.id, d.payload.name])).toEqual([['SHAREPOINT_TRIGGER_FILE_CREATED', item.id, 'Budget.xlsx']]);
  });

  it('renewal extends the Graph subscription (PATCH); a subscription Graph forgot is created again; lifecycle events are handled', async () => {
    const r = await w.subscribe('SHAREPOINT_TRIGGER_ITEM_CREATED', params);
    const first = w.graphSubscriptionOf(r.body.id)!;
    const renewals = new Renewals(w.t.svc.deps, { catalog: (p) => w.t.svc.subscriptions.catalogFor(p) });
    const due = () => w.t.svc.storage.subscriptions.update(r.body.id, { renewAt: w.clock.now() - 1 });

    w.clock.advance(20 * 24 * 60 * 60_000);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ renewed: 1 });
    expect(w.graph.requests.filter((q) => q.method === 'PATCH').map((q) => q.path)).toEqual([`/subscriptions/${first.id}`]);
    const renewed = w.graph.subscriptions.get(first.id)!;
    expect(Date.parse(renewed.expirationDateTime) - w.clock.now()).toBeGreaterThan(42_000 * 60_000);
    expect((await w.t.svc.storage.subscriptions.get(r.body.id))!.state).toMatchObject({ subscriptionId: first.id, expiresAt: Date.parse(renewed.expirationDateTime) });

    // Graph no longer knows it: the renewal's 404 creates a new one on the same list.
    w.graph.subscriptions.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = w.graphSubscriptionOf(r.body.id)!;
    expect(second.id).not.toBe(first.id);
    expect(second).toMatchObject({ resource: `sites/${SITE}/lists/${LIST}`, changeType: 'updated' });

    // Lifecycle: reauthorizationRequired → PATCH; subscriptionRemoved → created again; deliveries go on.
    expect((await w.graph.sendLifecycle(second.id, 'reauthorizationRequired')).status).toBe(200);
    expect(w.graph.requests.filter((q) => q.method === 'PATCH').at(-1)!.path).toBe(`/subscriptions/${second.id}`);
    expect((await w.graph.sendLifecycle(second.id, 'subscriptionRemoved')).status).toBe(200);
    const third = w.graphSubscriptionOf(r.body.id)!;
    expect(third.id).not.toBe(second.id);
    await w.graph.createListItem(SITE, LIST, { Title: 'after renewals' });
    await w.worker.drain();
    await w.receiver.waitFor(1);
    expect(titles()).toEqual(['after renewals']);
  });

  it('errors: an expired token is refreshed (scopes sent again); 429 on the delta read → 503 and Graph retries; refusals at subscribe time keep nothing', async () => {
    const r = await w.subscribe('SHAREPOINT_TRIGGER_ITEM_CREATED', params);
    expect(r.status, r.text).toBe(200);
    w.graph.validTokens.delete('graph-token-1');
    w.graph.failNext(1, 429, { headers: { 'retry-after': '3' }, match: (m, p) => m === 'GET' && p.endsWith('/items/delta') });
    const { deliveries: sent } = await w.graph.createListItem(SITE, LIST, { Title: 'hello' });
    expect(sent.map((d) => d.status)).toEqual([503]);
    expect((await w.graph.post(sent[0]!.url, sent[0]!.body)).status).toBe(200);
    await w.worker.drain();
    await w.receiver.waitFor(1);
    expect(titles()).toEqual(['hello']);
    expect(w.graph.tokenRequests.map((f) => f.get('grant_type'))).toEqual(['refresh_token']);
    expect(w.graph.tokenRequests[0]!.get('scope')).toBe('offline_access User.Read Sites.ReadWrite.All');

    const before = w.graph.subscriptions.size;
    w.graph.failNext(1, 429, { headers: { 'retry-after': '30' } });
    expect((await w.subscribe('SHAREPOINT_TRIGGER_ITEM_CREATED', params)).status).toBe(429);
    w.graph.failNext(1, 503);
    expect((await w.subscribe('SHAREPOINT_TRIGGER_ITEM_CREATED', params)).status).toBe(502);
    const unknown = await w.subscribe('SHAREPOINT_TRIGGER_ITEM_CREATED', { siteId: SITE, listId: 'no-such-list' });
    expect(unknown.status).toBe(422);
    expect(w.graph.subscriptions.size).toBe(before);
  });
});
