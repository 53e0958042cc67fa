// Dropbox end to end through the public API, on SQLite and PostgreSQL, against the fake Dropbox:
// - the app webhook URL shown by the admin API answers Dropbox's GET challenge (text/plain, nosniff) and
//   verifies X-Dropbox-Signature with the app secret (forged → 401);
// - a user connects with OAuth (offline, PKCE; the token response's account_id is the provider account id);
// - subscribe → get_latest_cursor observed → files are created / deleted → the real Poller → exactly one signed
//   delivery per file → edits and re-polls add nothing → unsubscribe → the cursor is no longer followed;
// - an expired access token refreshed, 429 (retry_after) backed off, 5xx.
// Dropbox notifications only say "this account changed"; until the engine hook "poll now on app event" exists
// (docs/integrations/dropbox.md) they are acknowledged and the change is picked up by the next scheduled poll.
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Poller } from '../../src/engine/poller.js';
import { dropboxIntegration } from '../../src/integrations/dropbox/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld, subscriptionOf } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeDropbox, type FakeDropbox } from '../providers/dropbox.js';

const MIN = 60_000;

describe.each(DIALECTS)('Dropbox end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let dbx: FakeDropbox;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let poller: Poller;
  let clock: TestClock;
  let base: string;
  let hookUrl: string;
  let credentialId: string;

  const events = () => w.events(200);
  const deliveries = () => receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: any });
  const subscribe = (type: string, parameters: Record<string, unknown>) => user.post(`${base}/trigger-subscriptions`, { integration: 'dropbox', type, parameters });
  const subscribed = async (type: string, parameters: Record<string, unknown> = { path: '/Homework' }) => subscriptionOf(await subscribe(type, parameters));
  const nextPoll = async () => {
    clock.advance(2000);
    await poller.runDue();
    await worker.drain();
  };
  const continues = () => dbx.requests.filter((r) => r.path === '/2/files/list_folder/continue');

  beforeEach(async () => {
    clock = new TestClock(Date.now());
    dbx = await startFakeDropbox({ now: clock.now });
    dbx.upload('/Homework/math/Old.txt', { at: clock.now() - 60 * MIN });
    w = await startIntegrationWorld({
      dialect,
      integration: dropboxIntegration,
      now: clock.now,
      poller: true,
      config: {
        clientId: dbx.appKey, clientSecret: dbx.appSecret, webhookSecret: dbx.appSecret,
        apiBaseUrl: dbx.url, tokenUrl: dbx.tokenUrl, authorizationUrl: `${dbx.url}/oauth2/authorize`,
      },
    });
    ({ t, receiver, project, base, user, worker } = w);
    poller = w.poller!;
    hookUrl = w.config.webhookUrl;
    expect(hookUrl).toBe(`${t.url}/hooks/app/${project.id}/dropbox`);
    const start = await user.post(`${base}/connect/dropbox`, { redirectUrl: 'https://app.example.com/connected' });
    expect(start.status, start.text).toBe(200);
    const authorize = new URL(start.body.authorizationUrl);
    expect(authorize.searchParams.get('token_access_type')).toBe('offline');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    dbx.codes.add('auth-code-1');
    const cb = await t.admin.get(`/oauth/callback?code=auth-code-1&state=${encodeURIComponent(authorize.searchParams.get('state')!)}`);
    expect(cb.status, cb.text).toBe(302);
    credentialId = new URL(String(cb.headers.location)).searchParams.get('credentialId')!;
  });
  afterEach(async () => {
    await w.close();
    await dbx.close();
  });

  it('the app webhook URL answers the challenge and verifies notifications with the app secret', async () => {
    const ch = await dbx.challenge(hookUrl, 'a1b2c3<script>');
    expect(ch.status).toBe(200);
    expect(ch.body).toBe('a1b2c3<script>');
    expect(String(ch.headers['content-type'])).toMatch(/^text\/plain/);
    expect(ch.headers['x-content-type-options']).toBe('nosniff');
    expect((await dbx.notify(hookUrl)).status).toBe(200);
    expect((await dbx.notify(hookUrl, undefined, { secret: 'not-the-app-secret' })).status).toBe(401);
    const body = '{"list_folder": {"accounts": ["dbid:x"]}}';
    const unsigned = await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    const tampered = await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-dropbox-signature': createHmac('sha256', dbx.appSecret).update(body).digest('hex') }, body: body.replace('x', 'y') });
    expect(tampered.status).toBe(401);
  });

  it('file created: connect, baseline cursor, one signed delivery per new file, edits and re-polls deduped, unsubscribe', async () => {
    const stored = (await t.svc.storage.credentials.get(credentialId))!;
    expect(stored.providerAccountId).toBe(dbx.accountId);
    expect(stored.expiresAt).toBe(clock.now() + 14_400_000);
    const exchange = dbx.requests.find((r) => r.path === '/oauth2/token')!;
    expect(exchange.body).toMatchObject({ grant_type: 'authorization_code', code: 'auth-code-1', client_id: dbx.appKey });
    expect(exchange.body.code_verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const sub = await subscribed('TRIGGER_DROPBOX_FILE_CREATED');
    expect(sub.parameters).toEqual({ path: '/Homework', recursive: true });
    expect(dbx.requests.filter((r) => r.path === '/2/files/list_folder/get_latest_cursor').map((r) => [r.body.path, r.body.recursive])).toEqual([['/Homework', true]]);

    const file = dbx.upload('/Homework/math/Prime_Numbers.txt');
    dbx.upload('/Homework/math/Old.txt'); // an edit of an existing file
    expect((await dbx.notify(hookUrl)).status).toBe(200); // the nudge is acknowledged
    await nextPoll();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      userId: 'user-1', integration: 'dropbox', triggerType: 'TRIGGER_DROPBOX_FILE_CREATED', triggerSubscriptionId: sub.id, credentialId, projectId: project.id, payload: file,
    });
    expectSignedDelivery(sent!, project.signingSecret);

    dbx.upload('/Homework/math/Prime_Numbers.txt'); // edited: same file
    await nextPoll();
    await nextPoll();
    expect(receiver.requests).toHaveLength(1);
    expect(await events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    const before = continues().length;
    dbx.upload('/Homework/after.txt');
    await nextPoll();
    expect(continues().length).toBe(before);
    expect(receiver.requests).toHaveLength(1);
  });

  // A notification for the account makes its Dropbox subscriptions due at once (PollSource.pollOnAppEvent).
  it('a notification for the account makes its subscriptions poll at once', async () => {
    await subscribed('TRIGGER_DROPBOX_FILE_CREATED');
    const file = dbx.upload('/Homework/now.txt');
    expect((await dbx.notify(hookUrl)).status).toBe(200);
    await poller.runDue(); // no clock advance: only a nudge makes the subscription due
    await worker.drain();
    expect(deliveries().map((d) => d.payload.id)).toEqual([file.id]);
  });

  it('file deleted: one delivery per deleted file, none for folders or new files', async () => {
    dbx.upload('/Homework/a.txt', { at: clock.now() - MIN });
    dbx.mkdir('/Homework/old-folder');
    const sub = await subscribed('TRIGGER_DROPBOX_FILE_DELETED');
    dbx.remove('/Homework/a.txt');
    dbx.remove('/Homework/old-folder');
    dbx.upload('/Homework/b.txt');
    await nextPoll();
    await nextPoll();
    await receiver.waitFor(1);
    expect(deliveries().map((d) => [d.triggerSubscriptionId, d.payload])).toEqual([
      [sub.id, { '.tag': 'deleted', name: 'a.txt', path_lower: '/homework/a.txt', path_display: '/Homework/a.txt' }],
    ]);
  });

  it('refreshes the expired access token, backs off on 429 retry_after, counts 5xx as a failure', async () => {
    const sub = await subscribed('TRIGGER_DROPBOX_FILE_CREATED', { path: '' });
    dbx.validTokens.clear(); // the 4-hour token expired
    const a = dbx.upload('/a.txt');
    await nextPoll();
    await receiver.waitFor(1);
    expect(deliveries().map((d) => d.payload.id)).toEqual([a.id]);
    const refresh = dbx.requests.filter((r) => r.path === '/oauth2/token' && r.body.grant_type === 'refresh_token');
    expect(refresh).toHaveLength(1);
    expect(refresh[0]!.body).toMatchObject({ client_id: dbx.appKey, client_secret: dbx.appSecret });

    const b = dbx.upload('/b.txt');
    dbx.rateLimitNext(120);
    await nextPoll();
    expect((await t.svc.storage.credentials.get(credentialId))!.rateLimitedUntil).toBe(clock.now() + 120_000);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
    clock.advance(120_000);
    dbx.failNext(1, 503, 'upstream unavailable');
    await nextPoll();
    expect((await t.svc.storage.subscriptions.get(sub.id))!.consecutiveFailures).toBe(1);
    clock.advance(10_000);
    await nextPoll();
    await receiver.waitFor(2);
    expect(deliveries().map((d) => d.payload.id)).toEqual([a.id, b.id]);
  });

  it('refuses bad parameters (400) and folders Dropbox does not have (422), storing nothing', async () => {
    const bad = await subscribe('TRIGGER_DROPBOX_FILE_CREATED', { path: 'Homework/' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('parameters.path');
    const missing = await subscribe('TRIGGER_DROPBOX_FILE_DELETED', { path: '/Nope' });
    expect(missing.status).toBe(422);
    expect(missing.body.message).toContain('no folder /Nope');
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
  });
});
