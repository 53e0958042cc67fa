// Box end to end through the public API, on SQLite and PostgreSQL: subscribe → a V2 webhook is created at the
// fake Box on the folder (our per-subscription URL, the trigger's one Box trigger) → Box delivers a signed
// FILE.UPLOADED → exactly one signed delivery of the webhook event → Box's retry (same event id, new delivery
// id and timestamp, signed again) adds nothing → unsubscribe → the webhook is deleted. Plus: verification with
// either app key; forged, tampered, stale and unsigned deliveries (401, nothing stored); refusals at subscribe
// time (root folder, unknown folder, a second webhook on one folder, no signature key configured, 429); OAuth
// connect and a single-use refresh token rotated; and the hourly check that creates again a webhook Box deleted.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import { boxIntegration } from '../../src/integrations/box/integration.js';
import commentCreated from '../../src/integrations/box/fixtures/comment-created.json' with { type: 'json' };
import fileTrashed from '../../src/integrations/box/fixtures/file-trashed.json' with { type: 'json' };
import fileUploaded from '../../src/integrations/box/fixtures/file-uploaded.json' with { type: 'json' };
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld, subscriptionOf } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { boxSignature, boxTimestamp, startFakeBox, type BoxHook, type FakeBox } from '../providers/box.js';

const FOLDER = '8290188973';

describe.each(DIALECTS)('Box end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let box: FakeBox;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const events = () => w.events();
  const subscribe = (type: string, parameters: Record<string, unknown> = { folderId: FOLDER }, headers?: Record<string, string>) => w.subscribe(type, parameters, headers);
  const subscribed = async (type: string, parameters: Record<string, unknown> = { folderId: FOLDER }) => subscriptionOf(await subscribe(type, parameters));
  const hookFor = (subscriptionId: string): BoxHook | undefined => [...box.hooks.values()].find((h) => h.address === `${t.url}/hooks/s/${subscriptionId}`);
  const configure = (body: Record<string, unknown>) => t.admin.put(`/admin/v1/projects/${project.id}/integrations/box`, { enabled: true, ...body });

  beforeEach(async () => {
    box = await startFakeBox();
    box.validTokens.add('valid-token');
    w = await startIntegrationWorld({
      dialect,
      integration: boxIntegration,
      config: { clientId: box.clientId, clientSecret: box.clientSecret, webhookSecret: box.primaryKey, apiBaseUrl: box.apiUrl, tokenUrl: box.tokenUrl },
      credential: { accessToken: 'valid-token', providerAccountId: box.userId },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
    expect(w.config.webhookUrl).toBeNull(); // per-subscription webhooks: nothing to paste into Box
  });
  afterEach(async () => {
    await w.close();
    await box.close();
  });

  it('file uploaded: webhook created, one signed delivery of the event, retry deduplicated, webhook deleted', async () => {
    const sub = await subscribed('BOX_TRIGGER_FILE_UPLOADED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId, parameters: { folderId: FOLDER } });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ target: { id: FOLDER, type: 'folder' }, triggers: ['FILE.UPLOADED'] });
    expect(box.requests.find((r) => r.method === 'POST')!.auth).toBe('Bearer valid-token');

    const first = await box.deliver(hook.id, fileUploaded, { eventId: 'eb0c4e06-751f-442c-86f8-fd5bb404dbec' });
    expect(first.status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      userId: 'user-1', integration: 'box', triggerType: 'BOX_TRIGGER_FILE_UPLOADED', triggerSubscriptionId: sub.id,
      credentialId, projectId: project.id, payload: { ...fileUploaded, webhook: { id: hook.id, type: 'webhook' } },
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // Box's retry: same event id and body, a new BOX-DELIVERY-ID and timestamp, signed again.
    const retry = await box.deliver(hook.id, fileUploaded, { eventId: 'eb0c4e06-751f-442c-86f8-fd5bb404dbec', timestamp: boxTimestamp(Date.now() + 1000) });
    expect(retry.status).toBe(200);
    expect(retry.headers['box-delivery-id']).not.toBe(first.headers['box-delivery-id']);
    // Another trigger's event reaching this URL is acknowledged and ignored.
    expect((await box.deliver(hook.id, fileTrashed)).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(box.hooks.size).toBe(0);
    expect(box.deletedHooks.map((x) => x.id)).toEqual([hook.id]);
    expect(box.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/2.0/webhooks/${hook.id}` });
    // A delivery in flight when the subscription went away finds nothing.
    box.hooks.set(hook.id, hook);
    expect((await box.deliver(hook.id, fileUploaded)).status).toBe(404);
  });

  it('verifies with the secondary key too, so either key may be configured (and the other reset at Box)', async () => {
    expect((await configure({ webhookSecret: box.secondaryKey })).status).toBe(200);
    const sub = await subscribed('BOX_TRIGGER_COMMENT_CREATED', { folderId: '8290186265' });
    const hook = hookFor(sub.id)!;
    // The primary key was reset at Box and is unknown to us: the secondary signature carries the delivery.
    expect((await box.deliver(hook.id, commentCreated, { primaryKey: 'a-new-primary-key' })).status).toBe(200);
    // Only a primary signature, by a key we do not hold: refused.
    expect((await box.deliver(hook.id, commentCreated, { primaryKey: 'a-new-primary-key', omit: ['secondary'] })).status).toBe(401);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({ triggerType: 'BOX_TRIGGER_COMMENT_CREATED', payload: { trigger: 'COMMENT.CREATED', source: { type: 'comment' } } });
  });

  it('follows a key rotated in the configuration at once, for subscriptions made before it', async () => {
    const sub = await subscribed('BOX_TRIGGER_COMMENT_CREATED', { folderId: '8290186265' });
    const hook = hookFor(sub.id)!;
    // Box resets the primary key; both signatures are now by keys other than the configured primary.
    const rotated = { primaryKey: 'reset-primary', secondaryKey: 'unknown-secondary' };
    expect((await box.deliver(hook.id, commentCreated, rotated)).status).toBe(401);
    expect((await configure({ webhookSecret: 'reset-primary' })).status).toBe(200);
    expect((await box.deliver(hook.id, commentCreated, rotated)).status).toBe(200);
    // The old key no longer verifies anything.
    expect((await box.deliver(hook.id, commentCreated, { primaryKey: box.primaryKey, secondaryKey: 'unknown-secondary' })).status).toBe(401);
    await worker.drain();
    expect(await events()).toHaveLength(1);
  });

  it('refuses forged, tampered, stale and unsigned deliveries with 401 and stores nothing', async () => {
    const sub = await subscribed('BOX_TRIGGER_FILE_TRASHED');
    const hook = hookFor(sub.id)!;
    expect((await box.deliver(hook.id, fileTrashed, { primaryKey: 'forged', secondaryKey: 'forged-too' })).status).toBe(401);
    // Older than Box's 10 minutes (written with another offset than UTC: the offset is read).
    expect((await box.deliver(hook.id, fileTrashed, { timestamp: boxTimestamp(Date.now() - 11 * 60_000, 120) })).status).toBe(401);
    expect((await box.deliver(hook.id, fileTrashed, { omit: ['primary', 'secondary'] })).status).toBe(401);
    const body = JSON.stringify({ ...fileTrashed, webhook: { id: hook.id, type: 'webhook' } });
    const timestamp = boxTimestamp(Date.now());
    const tampered = await fetch(hook.address, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'box-delivery-timestamp': timestamp, 'box-signature-primary': boxSignature(box.primaryKey, body, timestamp) },
      body: body.replace('Test-Image-3.png', 'Other.png'),
    });
    expect(tampered.status).toBe(401);
    // The signature covers the timestamp: a captured delivery re-sent with a fresh timestamp fails.
    const replayed = await fetch(hook.address, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'box-delivery-timestamp': boxTimestamp(Date.now() + 5000), 'box-signature-primary': boxSignature(box.primaryKey, body, timestamp) },
      body,
    });
    expect(replayed.status).toBe(401);
    await worker.drain();
    expect(await events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('refuses at subscribe time and creates nothing: root folder, unknown folder, a second webhook on a folder, no key, 429', async () => {
    const root = await subscribe('BOX_TRIGGER_FILE_UPLOADED', { folderId: '0' });
    expect(root.status).toBe(400);
    expect(root.text).toContain('parameters.folderId: Box does not allow webhooks on the root folder (0)');
    expect((await subscribe('BOX_TRIGGER_FILE_UPLOADED', { folderId: 'Documents' })).status).toBe(400);
    expect(box.requests.filter((r) => r.path === '/2.0/webhooks')).toEqual([]);

    const unknown = await subscribe('BOX_TRIGGER_FILE_UPLOADED', { folderId: '404404' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toContain('folder 404404 does not exist, or the connected Box user cannot see it');

    const first = await subscribed('BOX_TRIGGER_FILE_UPLOADED');
    const second = await subscribe('BOX_TRIGGER_FOLDER_CREATED');
    expect(second.status).toBe(422);
    expect(second.body.message).toContain(`folder ${FOLDER} already has one: webhook ${hookFor(first.id)!.id} for FILE.UPLOADED, for another trigger subscription of this service`);

    box.rateLimitNext(30);
    expect((await subscribe('BOX_TRIGGER_FOLDER_CREATED', { folderId: '8290186265' })).status).toBe(429);

    expect((await configure({ webhookSecret: null })).status).toBe(200);
    const noKey = await subscribe('BOX_TRIGGER_FOLDER_CREATED', { folderId: '8290186265' });
    expect(noKey.status).toBe(422);
    expect(noKey.body.message).toContain("set webhookSecret in this project's box integration configuration to the Box app's primary or secondary signature key");
    expect(noKey.text).not.toContain(box.primaryKey);

    expect([...box.hooks.values()].map((h) => h.address)).toEqual([`${t.url}/hooks/s/${first.id}`]);
    // Listed by integration: only the one subscription that was accepted.
    const listed = (await user.get(`${base}/trigger-subscriptions`)).body.triggers as Record<string, Array<{ id: string }>>;
    expect(Object.values(listed).flat().map((s) => s.id)).toEqual([first.id]);
  });

  it('connects with OAuth (no PKCE, client secret in the body), then refreshes with the single-use refresh token', async () => {
    const start = await user.post(`${base}/connect/box`, { redirectUrl: 'https://app.example.com/connected' });
    expect(start.status, start.text).toBe(200);
    const authorize = new URL(start.body.authorizationUrl);
    expect(`${authorize.origin}${authorize.pathname}`).toBe('https://account.box.com/api/oauth2/authorize');
    expect(authorize.searchParams.get('response_type')).toBe('code');
    expect(authorize.searchParams.get('client_id')).toBe(box.clientId);
    expect(authorize.searchParams.get('scope')).toBe('root_readonly manage_webhook');
    expect(authorize.searchParams.has('code_challenge')).toBe(false);
    box.codes.add('auth-code-1');
    const cb = await t.admin.get(`/oauth/callback?code=auth-code-1&state=${encodeURIComponent(authorize.searchParams.get('state')!)}`);
    expect(cb.status, cb.text).toBe(302);
    const connected = new URL(String(cb.headers.location)).searchParams.get('credentialId')!;
    const exchange = box.requests.find((r) => r.path === '/oauth2/token')!;
    expect(exchange.body).toMatchObject({ grant_type: 'authorization_code', code: 'auth-code-1', client_id: box.clientId, client_secret: box.clientSecret });
    const stored = (await t.svc.storage.credentials.get(connected))!;
    expect(stored.providerAccountId).toBe(box.userId);
    const firstRefresh = stored.secrets.refreshToken!;
    expect(box.refreshTokens.has(firstRefresh)).toBe(true);

    // The access token expired (Box: 60 minutes): refreshed once, the new refresh token stored, then subscribed.
    box.validTokens.delete(stored.secrets.accessToken!);
    const r = await subscribe('BOX_TRIGGER_FILE_UPLOADED', { folderId: FOLDER }, { 'x-paragon-credential': connected });
    expect(r.status, r.text).toBe(200);
    const refresh = box.requests.filter((q) => q.path === '/oauth2/token').at(-1)!;
    expect(refresh.body).toMatchObject({ grant_type: 'refresh_token', refresh_token: firstRefresh, client_id: box.clientId, client_secret: box.clientSecret });
    expect(box.refreshTokens.has(firstRefresh)).toBe(false);
    const after = (await t.svc.storage.credentials.get(connected))!;
    expect(after.secrets.refreshToken).not.toBe(firstRefresh);
    expect(box.refreshTokens.has(after.secrets.refreshToken!)).toBe(true);
    expect(box.requests.filter((q) => q.path === '/2.0/webhooks').at(-1)!.auth).toBe(`Bearer ${after.secrets.accessToken}`);
    expect(hookFor(r.body.id)).toBeDefined();
  });

  it('checks the webhook every hour: one Box deleted is created again and delivers; events of the old one are ignored', async () => {
    const sub = await subscribed('BOX_TRIGGER_FILE_UPLOADED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });
    const logs = async () => JSON.stringify((await t.admin.get(`/admin/v1/projects/${project.id}/subscriptions/${sub.id}/logs`)).body);

    const first = hookFor(sub.id)!;
    const before = box.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(box.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /2.0/webhooks/${first.id}`]);

    // Box deleted it (tokens revoked, or 30 days without a successful delivery): a new one on the same folder.
    box.hooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect(second.id).not.toBe(first.id);
    expect(second).toMatchObject({ target: { id: FOLDER, type: 'folder' }, triggers: ['FILE.UPLOADED'] });
    expect(await logs()).toContain('the webhook was deleted at the provider (found by the hourly check); registered it again');
    expect((await box.deliver(second.id, fileUploaded, { eventId: 'after-recreate' })).status).toBe(200);
    // A late retry of an event of the deleted webhook, signed by Box but for another webhook id: not this one's.
    box.hooks.set(first.id, { ...first });
    expect((await box.deliver(first.id, fileUploaded, { eventId: 'old-webhook-event' })).status).toBe(200);
    await worker.drain();
    const got = await receiver.waitFor(1);
    expect(got.map((g) => (g.json as { payload: { id: string } }).payload.id)).toEqual(['after-recreate']);
    expect(await events()).toHaveLength(1);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });
});
