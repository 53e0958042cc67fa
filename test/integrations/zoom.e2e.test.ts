// Zoom end to end through the public API, on SQLite and PostgreSQL: the app URL shown by the admin API
// answers Zoom's signed endpoint.url_validation; a user connects with OAuth (client credentials as HTTP
// Basic, GET /users/me's account_id becomes the provider account id); subscribe → the fake Zoom posts signed
// event notifications → exactly one signed delivery of the Zoom event → Zoom's retries of the same event add
// nothing → unsubscribe → nothing more. Plus routing by account, the optional filters, parameter errors,
// forged/stale requests, the 1-hour token refreshed with a rotating refresh token, and Zoom failures at
// connect time.
//
// Zoom triggers are app-level: the event subscription is configuration of the Zoom app, so subscribing and
// unsubscribing make no Zoom API call, and there is no per-subscription webhook to check or re-register.
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import { zoomIntegration } from '../../src/integrations/zoom/integration.js';
import endedFixture from '../../src/integrations/zoom/fixtures/meeting-ended.json' with { type: 'json' };
import joinedFixture from '../../src/integrations/zoom/fixtures/participant-joined.json' with { type: 'json' };
import recordingFixture from '../../src/integrations/zoom/fixtures/recording-completed.json' with { type: 'json' };
import startedFixture from '../../src/integrations/zoom/fixtures/meeting-started.json' with { type: 'json' };
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { deliverZoomEvent, sendUrlValidation, sendZoomEvent, startFakeZoom, zoomSignature, type FakeZoom, type ZoomUser } from '../providers/zoom.js';

const SECRET_TOKEN = 'zoom-app-secret-token-abc123';
const JILL: ZoomUser = { id: 'x1yCzABCDEfg23HiJKl4mN', accountId: 'AAAAAABBBB', email: 'jchill@example.com' };
const GLOBEX: ZoomUser = { id: 'KdYKjnimT4KPd8FFgQt9FQ', accountId: 'GLOBEXACCT', email: 'hank@globex.example' };

type Body = Record<string, any>;
/** A copy of a fixture for another account / meeting instance. */
const variant = (fixture: Body, patch: { accountId?: string; uuid?: string; id?: string; topic?: string }): Body => ({
  ...fixture,
  payload: {
    ...fixture.payload,
    ...(patch.accountId ? { account_id: patch.accountId } : {}),
    object: { ...fixture.payload.object, ...(patch.uuid ? { uuid: patch.uuid } : {}), ...(patch.id ? { id: patch.id } : {}), ...(patch.topic ? { topic: patch.topic } : {}) },
  },
});

describe.each(DIALECTS)('Zoom end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let zoom: FakeZoom;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let hookUrl: string;
  let clockOffset = 0;

  const sign = { secretToken: SECRET_TOKEN };
  const events = () => w.events();
  const deliveries = () => receiver.requests.map((r) => r.json as { userId: string; triggerType: string; triggerSubscriptionId: string; payload: Body });
  const subscribe = async (client: ApiClient, type: string, parameters: Record<string, unknown> = {}) => {
    const r = await client.post(`${base}/trigger-subscriptions`, { integration: 'zoom', type, parameters });
    expect(r.status, r.text).toBe(200);
    return r.body as { id: string; status: string; credentialId: string; parameters: Record<string, unknown> };
  };
  /** The OAuth connect flow as a browser runs it: our authorize URL → Zoom consent → our callback. */
  const connect = async (client: ApiClient, who: ZoomUser) => {
    const start = await client.post(`${base}/connect/zoom`, { redirectUrl: 'https://app.example.com/connected' });
    expect(start.status, start.text).toBe(200);
    const authorize = new URL(start.body.authorizationUrl);
    const code = `code-${who.id}-${Math.random().toString(36).slice(2)}`;
    zoom.codes.set(code, who);
    const cb = await t.admin.get(`/oauth/callback?code=${code}&state=${encodeURIComponent(authorize.searchParams.get('state')!)}`);
    expect(cb.status, cb.text).toBe(302);
    const location = new URL(String(cb.headers.location));
    return { authorize, location, credentialId: location.searchParams.get('credentialId') };
  };

  beforeEach(async () => {
    clockOffset = 0;
    zoom = await startFakeZoom();
    w = await startIntegrationWorld({
      dialect,
      integration: zoomIntegration,
      now: () => Date.now() + clockOffset,
      config: {
        clientId: zoom.clientId, clientSecret: zoom.clientSecret, webhookSecret: SECRET_TOKEN,
        apiBaseUrl: zoom.apiBaseUrl, tokenUrl: zoom.tokenUrl, authorizationUrl: zoom.authorizationUrl,
      },
    });
    ({ t, receiver, project, base, user, worker } = w);
    hookUrl = w.config.webhookUrl;
    expect(hookUrl).toBe(`${t.url}/hooks/app/${project.id}/zoom`);
  });
  afterEach(async () => {
    await w.close();
    await zoom.close();
  });

  it('answers Zoom\'s signed endpoint.url_validation at the URL the admin API shows, and refuses a forged one', async () => {
    const listed = await t.admin.get(`/admin/v1/projects/${project.id}/integrations`);
    expect(listed.body.integrations.find((i: { integration: string }) => i.integration === 'zoom')).toMatchObject({ webhookUrl: hookUrl });
    const ok = await sendUrlValidation(hookUrl, 'qgg8vlvZRS6UYooatFL8Aw', sign);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ plainToken: 'qgg8vlvZRS6UYooatFL8Aw', encryptedToken: createHmac('sha256', SECRET_TOKEN).update('qgg8vlvZRS6UYooatFL8Aw').digest('hex') });
    const forged = await sendUrlValidation(hookUrl, 'qgg8vlvZRS6UYooatFL8Aw', { secretToken: 'not-the-secret-token' });
    expect(forged.status).toBe(401);
    expect(forged.body).not.toContain('encryptedToken');
  });

  it('connects with OAuth: Basic client auth, no scope parameter, account_id as the provider account id', async () => {
    const { authorize, credentialId } = await connect(user, JILL);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(zoom.authorizationUrl);
    expect(authorize.searchParams.get('response_type')).toBe('code');
    expect(authorize.searchParams.get('client_id')).toBe(zoom.clientId);
    expect(authorize.searchParams.has('scope')).toBe(false);
    expect(credentialId).toBeTruthy();
    const creds = (await user.get(`${base}/credentials`)).body.credentials;
    expect(creds).toMatchObject([{ id: credentialId, integration: 'zoom', providerAccountId: JILL.accountId, status: 'VALID' }]);
    const exchange = zoom.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.auth).toBe(`Basic ${Buffer.from(`${zoom.clientId}:${zoom.clientSecret}`).toString('base64')}`);
    expect(exchange.form).toMatchObject({ grant_type: 'authorization_code', redirect_uri: `${t.url}/oauth/callback` });
    expect(exchange.form.client_secret).toBeUndefined();
    expect(zoom.requests.some((r) => r.path === '/v2/users/me')).toBe(true);
  });

  it('meeting started: one signed delivery; Zoom\'s retries of the event add nothing; nothing after unsubscribe', async () => {
    const { credentialId } = await connect(user, JILL);
    const sub = await subscribe(user, 'ZOOM_TRIGGER_MEETING_STARTED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });

    const [first] = await deliverZoomEvent(hookUrl, startedFixture, sign);
    expect(first!.status).toBe(200);
    await worker.drain();
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({
      userId: 'user-1', integration: 'zoom', triggerType: 'ZOOM_TRIGGER_MEETING_STARTED', triggerSubscriptionId: sub.id,
      credentialId, projectId: project.id, payload: startedFixture,
    });
    expectSignedDelivery(delivery!, project.signingSecret);

    // Zoom re-sends the same event when it did not get a 200/204 within 3 s: up to three times, each
    // attempt signed when sent (later timestamps), the event_ts of the body not promised to stay the same.
    for (const minutes of [5, 25, 85]) {
      const r = await sendZoomEvent(hookUrl, { ...startedFixture, event_ts: startedFixture.event_ts + minutes * 60_000 }, sign);
      expect(r.status).toBe(200);
    }
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect((await sendZoomEvent(hookUrl, variant(startedFixture, { uuid: 'NextInstance==' }), sign)).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    // Subscribing and unsubscribing never called Zoom's API (the event subscription is app configuration).
    expect(zoom.requests.filter((r) => r.path !== '/oauth/token' && r.path !== '/v2/users/me')).toEqual([]);
  });

  it('every trigger: each Zoom example reaches its own subscription exactly once', async () => {
    await connect(user, JILL);
    const subs = new Map<string, string>();
    for (const trigger of zoomIntegration.triggers) subs.set(trigger.type, (await subscribe(user, trigger.type)).id);
    for (const trigger of zoomIntegration.triggers) {
      const r = await sendZoomEvent(hookUrl, trigger.examplePayload as Body, sign);
      expect(r.status, trigger.type).toBe(200);
    }
    await worker.drain();
    await receiver.waitFor(zoomIntegration.triggers.length);
    await worker.drain();
    const got = deliveries();
    expect(got.map((g) => g.triggerType).sort()).toEqual(zoomIntegration.triggers.map((x) => x.type).sort());
    for (const g of got) {
      expect(g.triggerSubscriptionId).toBe(subs.get(g.triggerType));
      expect(g.payload).toEqual(zoomIntegration.triggers.find((x) => x.type === g.triggerType)!.examplePayload);
    }
    const recording = got.find((g) => g.triggerType === 'ZOOM_TRIGGER_RECORDING_COMPLETED')!;
    expect(recording.payload.download_token).toBe(recordingFixture.download_token);
  });

  it('routes by Zoom account: each user gets only the events of the account they connected; strangers are acknowledged', async () => {
    await connect(user, JILL);
    const other = await project.userClient('user-2');
    await connect(other, GLOBEX);
    const mine = await subscribe(user, 'ZOOM_TRIGGER_MEETING_PARTICIPANT_JOINED');
    const theirs = await subscribe(other, 'ZOOM_TRIGGER_MEETING_PARTICIPANT_JOINED');
    await sendZoomEvent(hookUrl, joinedFixture, sign);
    await sendZoomEvent(hookUrl, variant(joinedFixture, { accountId: GLOBEX.accountId, uuid: 'GlobexInstance==', topic: 'globex' }), sign);
    const stranger = await sendZoomEvent(hookUrl, variant(joinedFixture, { accountId: 'NOBODY', uuid: 'Nobody==' }), sign);
    expect(stranger.status).toBe(200);
    await worker.drain();
    await receiver.waitFor(2);
    await worker.drain();
    expect(deliveries().map((d) => [d.userId, d.triggerSubscriptionId, d.payload.payload.object.topic]).sort()).toEqual([
      ['user-1', mine.id, 'My Meeting'],
      ['user-2', theirs.id, 'globex'],
    ]);
  });

  it('applies the meeting and host filters, and refuses bad parameters with a 400 naming them', async () => {
    await connect(user, JILL);
    const filtered = await subscribe(user, 'ZOOM_TRIGGER_MEETING_STARTED', { meetingId: '857 4606 5432', hostId: JILL.id });
    await sendZoomEvent(hookUrl, startedFixture, sign);
    await sendZoomEvent(hookUrl, variant(startedFixture, { uuid: 'Other==', id: '99999999999' }), sign);
    await worker.drain();
    await receiver.waitFor(1);
    await worker.drain();
    expect(deliveries().map((d) => [d.triggerSubscriptionId, d.payload.payload.object.id])).toEqual([[filtered.id, '85746065432']]);

    const bad = await user.post(`${base}/trigger-subscriptions`, { integration: 'zoom', type: 'ZOOM_TRIGGER_RECORDING_COMPLETED', parameters: { meetingId: 'https://zoom.us/j/85746065432' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('parameters.meetingId');
    const badHost = await user.post(`${base}/trigger-subscriptions`, { integration: 'zoom', type: 'ZOOM_TRIGGER_MEETING_CREATED', parameters: { hostId: 'jill@example.com' } });
    expect(badHost.status).toBe(400);
    expect(badHost.body.message).toContain('parameters.hostId');
  });

  it('refuses forged, tampered, unsigned and stale requests with 401 and stores nothing', async () => {
    await connect(user, JILL);
    await subscribe(user, 'ZOOM_TRIGGER_MEETING_STARTED');
    const now = () => Math.floor(Date.now() / 1000);
    expect((await sendZoomEvent(hookUrl, startedFixture, { secretToken: 'not-the-secret-token' })).status).toBe(401);
    // 30 s past the 300 s window, so a second boundary crossed meanwhile cannot bring it back inside.
    expect((await sendZoomEvent(hookUrl, startedFixture, { ...sign, timestamp: now() - 330 })).status).toBe(401);
    expect((await sendZoomEvent(hookUrl, startedFixture, { ...sign, timestamp: now() + 330 })).status).toBe(401);
    expect((await sendZoomEvent(hookUrl, startedFixture, { ...sign, signatureOverride: 'v0=' + '0'.repeat(64) })).status).toBe(401);
    const unsigned = await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(startedFixture) });
    expect(unsigned.status).toBe(401);
    const ts = String(now());
    const tampered = await fetch(hookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-zm-request-timestamp': ts, 'x-zm-signature': zoomSignature(SECRET_TOKEN, ts, JSON.stringify(startedFixture)) },
      body: JSON.stringify(variant(startedFixture, { topic: 'changed' })),
    });
    expect(tampered.status).toBe(401);
    await worker.drain();
    expect(await events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('refreshes the 1-hour token with Basic auth and a single-use refresh token; events keep flowing', async () => {
    const { credentialId } = await connect(user, JILL);
    const sub = await subscribe(user, 'ZOOM_TRIGGER_MEETING_ENDED');
    const cred = (await t.svc.storage.credentials.get(credentialId!))!;
    expect(cred.expiresAt! - Date.now()).toBeGreaterThan(3500_000);
    expect(cred.expiresAt! - Date.now()).toBeLessThanOrEqual(3599_000);

    clockOffset = 3600_000 - 60_000;
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    expect((await renewals.runOnce()).tokens.refreshed).toBe(1);
    const refresh = zoom.requests.filter((r) => r.path === '/oauth/token' && r.form.grant_type === 'refresh_token');
    expect(refresh).toHaveLength(1);
    expect(refresh[0]!.auth).toBe(`Basic ${Buffer.from(`${zoom.clientId}:${zoom.clientSecret}`).toString('base64')}`);
    expect(zoom.refreshTokens.has(refresh[0]!.form.refresh_token!)).toBe(false); // used up: rotated
    const refreshed = (await t.svc.storage.credentials.get(credentialId!))!;
    expect(refreshed.status).toBe('VALID');
    expect(refreshed.expiresAt!).toBeGreaterThan(cred.expiresAt!);

    const ts = Math.floor((Date.now() + clockOffset) / 1000);
    expect((await sendZoomEvent(hookUrl, endedFixture, { ...sign, timestamp: ts })).status).toBe(200);
    await worker.drain();
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({ triggerSubscriptionId: sub.id, payload: endedFixture });
  });

  it('reports Zoom failures at connect time (/users/me 429 and 5xx, a refused code) and stores no credential', async () => {
    const attempt = async (code: string, register: boolean) => {
      const start = await user.post(`${base}/connect/zoom`, { redirectUrl: 'https://app.example.com/connected' });
      const state = new URL(start.body.authorizationUrl).searchParams.get('state')!;
      if (register) zoom.codes.set(code, JILL);
      const cb = await t.admin.get(`/oauth/callback?code=${code}&state=${encodeURIComponent(state)}`);
      expect(cb.status).toBe(302);
      const location = new URL(String(cb.headers.location));
      expect(location.searchParams.get('credentialId')).toBeNull();
      return location.searchParams;
    };
    zoom.failNext(1, 429, { 'retry-after': '30' }, '/v2/users/me');
    expect((await attempt('code-429', true)).get('error')).toBe('account_lookup_failed');
    zoom.failNext(1, 503, {}, '/v2/users/me');
    expect((await attempt('code-503', true)).get('error')).toBe('account_lookup_failed');
    const refused = await attempt('code-unknown', false);
    // The provider's OAuth error code is passed on (Zoom answers an unknown code with 400 invalid_request).
    expect(refused.get('error')).toBe('invalid_request');
    expect(refused.toString()).not.toContain(zoom.clientSecret);
    expect((await user.get(`${base}/credentials`)).body.credentials).toEqual([]);
  });
});
