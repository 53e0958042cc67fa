// SharePoint, unit and source level: the catalog entries, the created / updated rules and their keys (on
// Microsoft's published listItem and driveItem examples), the id parameters, clientState verification, and the
// triggers' register / toItems / catchUp against the fake Microsoft Graph over real HTTP (the shared Graph
// helper's item-less mode: a notification runs the delta query from the stored deltaLink), with Graph's error
// answers mapped to ProviderError kinds.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { createdSince, deltaLinkPath, updatedSince, type DeltaItem } from '../../src/integrations/sharepoint/delta.js';
import deletedFixture from '../../src/integrations/sharepoint/fixtures/deleted-list-item.json' with { type: 'json' };
import driveItemFixture from '../../src/integrations/sharepoint/fixtures/drive-item.json' with { type: 'json' };
import listItemFixture from '../../src/integrations/sharepoint/fixtures/list-item.json' with { type: 'json' };
import notificationFixture from '../../src/integrations/sharepoint/fixtures/notification.json' with { type: 'json' };
import { clientStateScheme, sharePointIntegration } from '../../src/integrations/sharepoint/integration.js';
import { driveIdParameter, listIdParameter, siteIdParameter } from '../../src/integrations/sharepoint/parameters.js';
import {
  ProviderError,
  verifyRequest,
  type InboundRequest,
  type Item,
  type Logger,
  type RegisterContext,
  type WebhookItems,
  type WebhookSource,
} from '../../src/sdk/index.js';
import { startFakeGraph, startHookReceiver, type FakeGraph, type HookReceiver } from '../providers/microsoft-graph.js';

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined };
const SECRET = 's'.repeat(64);
const T0 = Date.parse('2026-03-02T17:00:00Z');
const at = (ms: number) => new Date(ms).toISOString();
const SITE = 'contoso.sharepoint.com,2C712604-1370-44E7-A1F5-426573FDA80A,2D2244C3-251A-49EA-93A8-39E1C3A060FE';
const LIST = '22e03ef3-6ef4-424d-a1d3-92a337807c30';

function source(type: string): WebhookSource {
  const t = sharePointIntegration.triggers.find((x) => x.type === type);
  if (!t || t.source.kind !== 'webhook') throw new Error(`no webhook trigger ${type}`);
  return t.source as WebhookSource;
}
const asItems = (r: Item[] | WebhookItems) => (Array.isArray(r) ? { items: r, state: undefined } : r);
const settle = () => new Promise((r) => setTimeout(r, 5));
const listItem = (over: Partial<DeltaItem>): DeltaItem => ({ ...listItemFixture, createdDateTime: at(T0 + 1000), lastModifiedDateTime: at(T0 + 1000), ...over });

describe('SharePoint catalog entries', () => {
  it('declares the key, the three trigger types, their parameters and Sites.ReadWrite.All', () => {
    expect(sharePointIntegration.key).toBe('sharepoint');
    const byType = Object.fromEntries(sharePointIntegration.triggers.map((t) => [t.type, t]));
    expect(Object.keys(byType).sort()).toEqual(['SHAREPOINT_TRIGGER_FILE_CREATED', 'SHAREPOINT_TRIGGER_ITEM_CREATED', 'SHAREPOINT_TRIGGER_ITEM_UPDATED']);
    for (const type of ['SHAREPOINT_TRIGGER_ITEM_CREATED', 'SHAREPOINT_TRIGGER_ITEM_UPDATED']) {
      expect(byType[type]!.parameters.map((p) => [p.id, p.type, p.required])).toEqual([['siteId', 'TEXT', true], ['listId', 'TEXTAREA', true]]);
      expect(byType[type]!.examplePayload).toEqual(listItemFixture);
    }
    expect(byType.SHAREPOINT_TRIGGER_FILE_CREATED!.parameters.map((p) => [p.id, p.type, p.required])).toEqual([['driveId', 'TEXTAREA', true]]);
    for (const t of sharePointIntegration.triggers) {
      expect(t.source.kind).toBe('webhook');
      // Fed by delta queries that re-read changes: no redeliveryDays (markers are kept).
      expect((t.source as WebhookSource).redeliveryDays).toBeUndefined();
    }
    const auth = sharePointIntegration.auth;
    expect(auth.kind === 'oauth2' && auth.scopes).toEqual(['offline_access', 'User.Read', 'Sites.ReadWrite.All']);
  });

  it('ids: Graph ids (a site id with its commas, a drive id with !); path separators, quotes and spaces are refused', () => {
    expect(siteIdParameter.validate!(SITE)).toBeNull();
    expect(listIdParameter.validate!(LIST)).toBeNull();
    expect(driveIdParameter.validate!('b!-RIj2DuyvEyV1T4NlOaMHk8XkS_I8MdFlUCq1BlcjgmhRfAj3-Z8RY2VpuvV_tpd')).toBeNull();
    for (const bad of ['../x', "a'b", 'a b', 'a?b', '', 42]) {
      for (const p of [siteIdParameter, listIdParameter, driveIdParameter]) expect(p.validate!(bad)).toMatch(/Microsoft Graph id/);
    }
  });

  it('verifies clientState on every notification: right secret ok, wrong one refused', () => {
    const body = JSON.stringify({ value: [{ ...notificationFixture.value[0], clientState: SECRET }] });
    const req = (b: string): InboundRequest => ({ method: 'POST', url: '/', headers: { 'content-type': 'application/json' }, rawBody: Buffer.from(b), body: JSON.parse(b) });
    expect(verifyRequest(clientStateScheme, req(body), { secret: SECRET }, Date.now())).toEqual({ ok: true });
    expect(verifyRequest(clientStateScheme, req(body.replace(SECRET, 't'.repeat(64))), { secret: SECRET }, Date.now()).ok).toBe(false);
  });
});

describe('SharePoint change rules', () => {
  const created = listItem({ id: '7' });
  const old = listItem({ id: '1', createdDateTime: at(T0 - 60_000), lastModifiedDateTime: at(T0 - 60_000) });
  const edited = listItem({ id: '2', createdDateTime: at(T0 - 60_000), lastModifiedDateTime: at(T0 + 5000), eTag: '"{12AD05BB-59B8-43AA-9456-77C44E9BC067},5"' });
  const deleted = deletedFixture as DeltaItem;
  const all = [created, old, edited, deleted];

  it('created: items created at or after the baseline, keyed by id, with their fields', () => {
    expect(createdSince(all, T0)).toEqual([{ key: '7', payload: created, occurredAt: T0 + 1000 }]);
    expect((createdSince(all, T0)[0]!.payload).fields).toEqual({ Title: 'Widget', Color: 'Purple', Quantity: 32 });
  });

  it('updated: items modified after creation and after the baseline, keyed by id and eTag (else lastModifiedDateTime)', () => {
    expect(updatedSince(all, T0).map((i) => i.key)).toEqual(['2:"{12AD05BB-59B8-43AA-9456-77C44E9BC067},5"']);
    const noETag = listItem({ id: '3', createdDateTime: at(T0 - 1), lastModifiedDateTime: at(T0 + 7000), eTag: undefined });
    expect(updatedSince([noETag], T0).map((i) => i.key)).toEqual([`3:${at(T0 + 7000)}`]);
    // A first version is never an update; a change before the subscription is not one of this subscription.
    expect(updatedSince([created, listItem({ id: '4', createdDateTime: at(T0 - 9000), lastModifiedDateTime: at(T0 - 1) })], T0)).toEqual([]);
    // The same version read twice (a Graph retry, a second delta read) has the same key.
    expect(updatedSince([edited], T0)).toEqual(updatedSince([structuredClone(edited)], T0));
  });

  it('file created: files only (not folders, not deleted), keyed by driveItem id', () => {
    const file = { ...driveItemFixture, createdDateTime: at(T0 + 1), lastModifiedDateTime: at(T0 + 1) } as DeltaItem;
    const folder = { ...file, id: 'F', file: undefined, folder: { childCount: 0 } } as DeltaItem;
    const gone = { id: 'G', deleted: { state: 'deleted' }, file: {} } as DeltaItem;
    expect(createdSince([file, folder, gone], T0, (i) => i.file !== undefined).map((i) => i.key)).toEqual([driveItemFixture.id]);
  });

  it('deltaLinkPath: the link on the configured base (never its host), with the feed query set again', () => {
    const link = `https://graph.microsoft.com/v1.0/sites/${SITE}/lists/${LIST}/items/delta?token=1230919asd190410jlka`;
    const p = deltaLinkPath(link, { path: '', query: { $expand: 'fields' } });
    const u = new URL(p, 'https://x.invalid');
    expect(u.pathname).toBe(`/sites/${SITE}/lists/${LIST}/items/delta`);
    expect([u.searchParams.get('token'), u.searchParams.get('$expand')]).toEqual(['1230919asd190410jlka', 'fields']);
    expect(deltaLinkPath('https://evil.example/v1.0/drives/x/root/delta?token=a', { path: '' })).toBe('/drives/x/root/delta?token=a');
  });
});

describe('SharePoint triggers against the fake Graph', () => {
  let fake: FakeGraph;
  let hook: HookReceiver;
  const ctxWith = (params: Record<string, unknown>, token = 'graph-token-1'): Omit<RegisterContext, 'hookUrl' | 'secret'> => ({
    http: createProviderHttp({ integration: sharePointIntegration, apiBaseUrl: fake.apiBaseUrl, auth: { canRefresh: false, headers: async () => ({ authorization: `Bearer ${token}` }) } }),
    params,
    credential: { id: 'cred-1', providerAccountId: fake.user.id, extra: {} },
    log: silent,
    signal: new AbortController().signal,
    now: Date.now,
  });
  const listParams = { siteId: SITE, listId: LIST };

  beforeEach(async () => {
    fake = await startFakeGraph();
    fake.addList(SITE, LIST);
    hook = await startHookReceiver(source('SHAREPOINT_TRIGGER_ITEM_CREATED').handshakes ?? []);
  });
  afterEach(async () => {
    await fake.close();
    await hook.close();
  });

  it('register: token=latest baseline, then a list subscription (updated, ~29 days); a notification reads the delta with $expand=fields', async () => {
    await fake.createListItem(SITE, LIST, { Title: 'already there' });
    await settle();
    const src = source('SHAREPOINT_TRIGGER_ITEM_CREATED');
    const base = ctxWith(listParams);
    const before = Date.now();
    const reg = await src.register({ ...base, hookUrl: hook.url, secret: SECRET });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /sites/${SITE}/lists/${LIST}/items/delta`, 'POST /subscriptions']);
    expect(fake.requests[0]!.query.get('token')).toBe('latest');
    const [sub] = [...fake.subscriptions.values()];
    expect(sub).toMatchObject({ resource: `sites/${SITE}/lists/${LIST}`, changeType: 'updated', notificationUrl: hook.url, lifecycleNotificationUrl: hook.url, clientState: SECRET });
    expect(reg.expiresAt! - before).toBeGreaterThan(42_200 * 60_000);
    expect(reg.expiresAt! - Date.now()).toBeLessThanOrEqual(42_300 * 60_000);

    const { item, deliveries } = await fake.createListItem(SITE, LIST, { Title: 'Gadget', Quantity: 3 });
    expect(deliveries.map((d) => d.status)).toEqual([202]);
    const req = hook.received[0]!;
    expect((req.body as { value: Array<{ changeType: string; resourceData: unknown }> }).value[0]).toMatchObject({ changeType: 'updated', resourceData: null });
    const r = asItems(await src.toItems(req, { ...base, state: reg.state }));
    expect(r.items).toEqual([{ key: item.id, payload: item, occurredAt: Date.parse(item.createdDateTime) }]);
    expect((r.items[0]!.payload as DeltaItem).fields).toMatchObject({ Title: 'Gadget', Quantity: 3 });
    expect(fake.requests.at(-1)!.query.get('$expand')).toBe('fields');
    // The same notification again (Graph's retry) with the new state: nothing new.
    expect(asItems(await src.toItems(req, { ...base, state: r.state! })).items).toEqual([]);
  });

  it('item updated: one item per version, keyed by eTag; a re-read of the same round gives the same keys', async () => {
    const { item } = await fake.createListItem(SITE, LIST, { Title: 'v1' });
    await settle();
    const src = source('SHAREPOINT_TRIGGER_ITEM_UPDATED');
    const base = ctxWith(listParams);
    const reg = await src.register({ ...base, hookUrl: hook.url, secret: SECRET });
    await settle();
    const { item: v2 } = await fake.updateListItem(SITE, LIST, item.id, { Title: 'v2' });
    const first = await src.catchUp!({ ...base, state: reg.state });
    expect(first.items).toEqual([{ key: `${item.id}:${v2.eTag}`, payload: v2, occurredAt: Date.parse(v2.lastModifiedDateTime) }]);
    const again = await src.catchUp!({ ...base, state: reg.state });
    expect(again.items.map((i) => i.key)).toEqual(first.items.map((i) => i.key));
    await fake.deleteListItem(SITE, LIST, item.id);
    expect((await src.catchUp!({ ...base, state: first.state })).items).toEqual([]);
  });

  it('file created: a subscription on drives/{id}/root and the drive delta', async () => {
    const src = source('SHAREPOINT_TRIGGER_FILE_CREATED');
    const base = ctxWith({ driveId: fake.driveId });
    const reg = await src.register({ ...base, hookUrl: hook.url, secret: SECRET });
    expect([...fake.subscriptions.values()][0]).toMatchObject({ resource: `drives/${fake.driveId}/root`, changeType: 'updated', clientState: SECRET });
    expect(fake.requests[0]).toMatchObject({ path: `/drives/${fake.driveId}/root/delta` });
    const { item } = await fake.createDriveFile('spec.docx');
    await fake.createDriveFolder('Archive');
    const r = asItems(await src.toItems(hook.received.at(-2)!, { ...base, state: reg.state }));
    expect(r.items.map((i) => i.key)).toEqual([item.id]);
  });

  it("maps Graph's errors: 401 → auth, 429 → rate_limited with Retry-After, 5xx → transient, unknown list at subscribe → permanent; 410 → a full round", async () => {
    const src = source('SHAREPOINT_TRIGGER_ITEM_CREATED');
    const base = ctxWith(listParams);
    const reg = await src.register({ ...base, hookUrl: hook.url, secret: SECRET });
    const catchUp = (ctx = base) => src.catchUp!({ ...ctx, state: reg.state });

    await expect(catchUp(ctxWith(listParams, 'expired-token'))).rejects.toMatchObject({ kind: 'auth' });
    fake.failNext(1, 429, { headers: { 'retry-after': '7' } });
    const limited = await catchUp().catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(ProviderError);
    expect(limited).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
    fake.failNext(1, 503);
    await expect(catchUp()).rejects.toMatchObject({ kind: 'transient' });
    await expect(src.register({ ...ctxWith({ siteId: SITE, listId: 'no-such-list' }), hookUrl: hook.url, secret: SECRET })).rejects.toMatchObject({ kind: 'permanent' });

    await settle();
    const { item } = await fake.createListItem(SITE, LIST, { Title: 'after' });
    fake.expireDeltaTokens();
    const r = await catchUp();
    const deltas = fake.requests.filter((q) => q.path.endsWith('/items/delta'));
    expect(deltas.at(-1)!.query.get('$top')).toBe('200'); // the full round after the 410
    expect(r.items.map((i) => i.key)).toEqual([item.id]);
  });
});
