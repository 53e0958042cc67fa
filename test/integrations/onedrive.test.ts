// OneDrive, unit and source level: the catalog entries, the created / updated / change rules and their keys,
// the folderId parameter, clientState verification, and the triggers' register / toItems against the fake
// Microsoft Graph over real HTTP (the shared Graph helper's item-less mode: a notification runs the delta query
// from the stored deltaLink), with Graph's error answers mapped to ProviderError kinds.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { changedItems, createdItems, folderIdParameter, updatedItems, type DriveItem } from '../../src/integrations/onedrive/drive.js';
import driveItemFixture from '../../src/integrations/onedrive/fixtures/drive-item.json' with { type: 'json' };
import notificationFixture from '../../src/integrations/onedrive/fixtures/notification.json' with { type: 'json' };
import { clientStateScheme, oneDriveIntegration } from '../../src/integrations/onedrive/integration.js';
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
const SECRET = 'c'.repeat(64);
const T0 = Date.parse('2026-03-02T17:00:00Z');
const at = (ms: number) => new Date(ms).toISOString();

function source(type: string): WebhookSource {
  const t = oneDriveIntegration.triggers.find((x) => x.type === type);
  if (!t || t.source.kind !== 'webhook') throw new Error(`no webhook trigger ${type}`);
  return t.source as WebhookSource;
}
const asItems = (r: Item[] | WebhookItems) => (Array.isArray(r) ? { items: r, state: undefined } : r);
const inbound = (r: HookReceiver['received'][number]): InboundRequest => ({ ...r });
const settle = () => new Promise((r) => setTimeout(r, 5));

const file = (over: Partial<DriveItem>): DriveItem => ({ ...driveItemFixture, createdDateTime: at(T0 + 1000), lastModifiedDateTime: at(T0 + 1000), ...over });

describe('OneDrive catalog entries', () => {
  it('declares the key, the three trigger types (Paragon: ONEDRIVE_TRIGGER_FILE_CHANGE), an optional folderId and Files.Read', () => {
    expect(oneDriveIntegration.key).toBe('onedrive');
    expect(oneDriveIntegration.triggers.map((t) => t.type).sort()).toEqual(['ONEDRIVE_TRIGGER_FILE_CHANGE', 'ONEDRIVE_TRIGGER_FILE_CREATED', 'ONEDRIVE_TRIGGER_FILE_UPDATED']);
    for (const t of oneDriveIntegration.triggers) {
      expect(t.parameters.map((p) => [p.id, p.type, p.required])).toEqual([['folderId', 'TEXT', false]]);
      expect(t.examplePayload).toEqual(driveItemFixture);
      expect(t.source.kind).toBe('webhook');
      // A source fed by the delta query re-reads changes: no redeliveryDays (markers are kept).
      expect((t.source as WebhookSource & { redeliveryDays?: number }).redeliveryDays).toBeUndefined();
    }
    const auth = oneDriveIntegration.auth;
    expect(auth.kind === 'oauth2' && auth.scopes).toEqual(['offline_access', 'User.Read', 'Files.Read']);
  });

  it('folderId: a Graph id; path separators, quotes and spaces are refused', () => {
    expect(folderIdParameter.validate!('01BYE5RZ56Y2GOVW7725BZO354PWSELRRZ')).toBeNull();
    expect(folderIdParameter.validate!('D4648F06C91D9D3D!54927')).toBeNull(); // a personal account's item id
    for (const bad of ['../x', "a'b", 'a b', 'a?b', '', 42]) expect(folderIdParameter.validate!(bad)).toMatch(/Microsoft Graph id/);
  });

  it('verifies clientState on every notification: right secret ok, wrong one refused', () => {
    const body = JSON.stringify({ value: [{ ...notificationFixture.value[0], clientState: SECRET }] });
    const req = (b: string): InboundRequest => ({ method: 'POST', url: '/', headers: { 'content-type': 'application/json' }, rawBody: Buffer.from(b), body: JSON.parse(b) });
    expect(verifyRequest(clientStateScheme, req(body), { secret: SECRET }, Date.now())).toEqual({ ok: true });
    expect(verifyRequest(clientStateScheme, req(body.replace(SECRET, 'd'.repeat(64))), { secret: SECRET }, Date.now()).ok).toBe(false);
  });
});

describe('OneDrive change rules', () => {
  const created = file({ id: 'A' });
  const old = file({ id: 'OLD', createdDateTime: at(T0 - 60_000), lastModifiedDateTime: at(T0 - 60_000) });
  const edited = file({ id: 'B', createdDateTime: at(T0 - 60_000), lastModifiedDateTime: at(T0 + 5000), cTag: '"c:{B},3"', eTag: '"{B},4"' });
  const folder = file({ id: 'F', file: undefined, folder: { childCount: 1 } });
  const deleted: DriveItem = { id: 'D', deleted: { state: 'deleted' }, file: {}, parentReference: { id: 'P' } };
  const root: DriveItem = { id: 'R', root: {}, folder: {}, eTag: '"{R},9"' };
  const all = [created, old, edited, folder, deleted, root];

  it('created: files created at or after the baseline, keyed by id', () => {
    expect(createdItems(all, {}, T0).map((i) => i.key)).toEqual(['A']);
    expect(createdItems(all, {}, T0)[0]).toMatchObject({ payload: created, occurredAt: T0 + 1000 });
  });

  it('updated: files modified after creation and after the baseline, keyed by id and cTag (else lastModifiedDateTime)', () => {
    expect(updatedItems(all, {}, T0).map((i) => i.key)).toEqual(['B:"c:{B},3"']);
    const noCTag = file({ id: 'C', createdDateTime: at(T0 - 1), lastModifiedDateTime: at(T0 + 7000), cTag: undefined });
    expect(updatedItems([noCTag], {}, T0).map((i) => i.key)).toEqual([`C:${at(T0 + 7000)}`]);
    // Modified before the subscription: not an update of this subscription.
    expect(updatedItems([file({ id: 'E', createdDateTime: at(T0 - 9000), lastModifiedDateTime: at(T0 - 1) })], {}, T0)).toEqual([]);
  });

  it('change: every item but the root, keyed by id and eTag; deletions keyed id:deleted', () => {
    expect(changedItems(all, {}).map((i) => i.key)).toEqual([`A:${created.eTag}`, `OLD:${old.eTag}`, 'B:"{B},4"', `F:${folder.eTag}`, 'D:deleted']);
  });

  it('folderId keeps only items directly in that folder (parentReference.id)', () => {
    const inP = file({ id: 'IN', parentReference: { id: 'P' } });
    expect(createdItems([created, inP], { folderId: 'P' }, T0).map((i) => i.key)).toEqual(['IN']);
    expect(changedItems([created, inP, deleted], { folderId: 'P' }).map((i) => i.key)).toEqual([`IN:${inP.eTag}`, 'D:deleted']);
  });
});

describe('OneDrive triggers against the fake Graph', () => {
  let fake: FakeGraph;
  let hook: HookReceiver;
  const ctxWith = (params: Record<string, unknown> = {}, token = 'graph-token-1'): Omit<RegisterContext, 'hookUrl' | 'secret'> => ({
    http: createProviderHttp({ integration: oneDriveIntegration, apiBaseUrl: fake.apiBaseUrl, auth: { canRefresh: false, headers: async () => ({ authorization: `Bearer ${token}` }) } }),
    params,
    credential: { id: 'cred-1', providerAccountId: fake.user.id, extra: {} },
    log: silent,
    signal: new AbortController().signal,
    now: Date.now,
  });

  beforeEach(async () => {
    fake = await startFakeGraph();
    hook = await startHookReceiver(source('ONEDRIVE_TRIGGER_FILE_CREATED').handshakes ?? []);
  });
  afterEach(async () => {
    await fake.close();
    await hook.close();
  });

  it('register: token=latest baseline, then a drive root subscription (updated, ~29 days); a notification runs the delta from the stored deltaLink', async () => {
    await fake.createDriveFile('already-there.txt');
    await settle();
    const src = source('ONEDRIVE_TRIGGER_FILE_CREATED');
    const base = ctxWith();
    const before = Date.now();
    const reg = await src.register({ ...base, hookUrl: hook.url, secret: SECRET });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /me/drive/root/delta', 'POST /subscriptions']);
    expect(fake.requests[0]!.query.get('token')).toBe('latest');
    const [sub] = [...fake.subscriptions.values()];
    expect(sub).toMatchObject({ resource: '/me/drive/root', changeType: 'updated', notificationUrl: hook.url, lifecycleNotificationUrl: hook.url, clientState: SECRET });
    expect(reg.expiresAt! - before).toBeGreaterThan(42_200 * 60_000);
    expect(reg.expiresAt! - Date.now()).toBeLessThanOrEqual(42_300 * 60_000);
    const deltaLink = (reg.state.cursor as { deltaLink: string }).deltaLink;
    expect(deltaLink).toContain('/me/drive/root/delta?token=');

    const { item, deliveries } = await fake.createDriveFile('new.txt');
    expect(deliveries.map((d) => d.status)).toEqual([202]);
    const req = inbound(hook.received[0]!);
    expect((req.body as { value: Array<{ changeType: string; resourceData: unknown }> }).value[0]).toMatchObject({ changeType: 'updated', resourceData: null });
    const r = asItems(await src.toItems(req, { ...base, state: reg.state }));
    expect(r.items).toEqual([{ key: item.id, payload: item, occurredAt: Date.parse(item.createdDateTime) }]);
    // The delta was read from the stored link, and the new link is kept.
    expect(fake.requests.at(-1)!.query.get('token')).toBe(new URL(deltaLink).searchParams.get('token'));
    expect((r.state!.cursor as { deltaLink: string }).deltaLink).not.toBe(deltaLink);
    expect(r.state!.subscriptionId).toBe(sub!.id);

    // The same notification again (Graph's retry) with the new state: nothing new.
    expect(asItems(await src.toItems(req, { ...base, state: r.state! })).items).toEqual([]);
  });

  it('a collection without a change or lifecycle event of ours reads nothing', async () => {
    const src = source('ONEDRIVE_TRIGGER_FILE_CREATED');
    const base = ctxWith();
    const reg = await src.register({ ...base, hookUrl: hook.url, secret: SECRET });
    const n = fake.requests.length;
    const body = { value: [{ subscriptionId: 'someone-else', lifecycleEvent: 'missed', clientState: SECRET }] };
    const req: InboundRequest = { method: 'POST', url: '/', headers: {}, rawBody: Buffer.from(JSON.stringify(body)), body };
    expect(await src.toItems(req, { ...base, state: reg.state })).toEqual([]);
    expect(fake.requests).toHaveLength(n);
  });

  it("maps Graph's errors: 401 → auth, 429 → rate_limited with Retry-After, 5xx → transient; 410 on the deltaLink → a full resync round", async () => {
    const src = source('ONEDRIVE_TRIGGER_FILE_UPDATED');
    const base = ctxWith();
    const reg = await src.register({ ...base, hookUrl: hook.url, secret: SECRET });
    const catchUp = (ctx = base) => src.catchUp!({ ...ctx, state: reg.state });

    await expect(catchUp(ctxWith({}, 'expired-token'))).rejects.toMatchObject({ kind: 'auth' });
    fake.failNext(1, 429, { headers: { 'retry-after': '7' } });
    const limited = await catchUp().catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(ProviderError);
    expect(limited).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
    fake.failNext(1, 503);
    await expect(catchUp()).rejects.toMatchObject({ kind: 'transient' });

    await settle();
    const { item } = await fake.createDriveFile('doc.txt');
    await settle();
    const { item: edited } = await fake.editDriveFile(item.id);
    fake.expireDeltaTokens();
    const r = await catchUp();
    const deltas = fake.requests.filter((q) => q.path === '/me/drive/root/delta');
    expect(deltas.at(-1)!.query.get('$top')).toBe('200'); // the full round after the 410
    expect(r.items.map((i) => i.key)).toEqual([`${item.id}:${edited.cTag}`]);
    expect((r.state.cursor as { deltaLink: string }).deltaLink).toContain('token=');
  });
});
