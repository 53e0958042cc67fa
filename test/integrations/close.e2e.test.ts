// Close end to end through the public API, on SQLite and PostgreSQL: subscribe → a webhook subscription at the
// fake Close (our per-subscription URL, the trigger's object_type/action; the API key as Basic user name, empty
// password) and its signature_key stored → a signed event → one delivery of the webhook body → Close's retry of
// the same event adds nothing → unsubscribe deletes the subscription. Plus bad signatures and stale timestamps
// (401, nothing stored), refusals at subscribe time, and the hourly check re-creating a deleted or paused one.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import { contactCreated, leadCreated, opportunityCreated, opportunityStatusChanged, opportunityValueChanged } from '../../src/integrations/close/fixtures/events.js';
import { closeIntegration } from '../../src/integrations/close/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeClose, type CloseHook, type FakeClose } from '../providers/close.js';

describe.each(DIALECTS)('Close end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let cl: FakeClose;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribed = async (type: string) => subscriptionOf(await w.subscribe(type, {}));
  const hookFor = (subscriptionId: string): CloseHook | undefined => [...cl.hooks.values()].find((h) => h.url === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    cl = await startFakeClose();
    w = await startIntegrationWorld({
      dialect,
      integration: closeIntegration,
      config: { apiBaseUrl: cl.apiBaseUrl },
      credential: { apiKey: cl.apiKey, providerAccountId: cl.userId },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await cl.close();
  });

  it('lead created: subscription created with the signing key stored, one delivery, retry deduplicated, deleted on unsubscribe', async () => {
    const sub = await subscribed('CLOSE_TRIGGER_LEAD_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ events: [{ object_type: 'lead', action: 'created' }], status: 'active' });
    const post = cl.requests.find((r) => r.method === 'POST')!;
    expect(post.auth).toBe(`Basic ${Buffer.from(`${cl.apiKey}:`).toString('base64')}`);
    expect(post.body).toEqual({ url: `${t.url}/hooks/s/${sub.id}`, events: [{ object_type: 'lead', action: 'created' }] });
    const stored = await t.svc.storage.subscriptions.get(sub.id);
    expect(JSON.stringify(stored)).toContain(hook.id);

    expect((await cl.deliver(hook.id, leadCreated)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      integration: 'close', triggerType: 'CLOSE_TRIGGER_LEAD_CREATED', triggerSubscriptionId: sub.id, credentialId, projectId: project.id,
      payload: { ...leadCreated, subscription_id: hook.id },
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // Close retries the same event (our answer was lost), signed at a later time: acknowledged, nothing new.
    expect((await cl.deliver(hook.id, leadCreated, { timestamp: Math.floor(Date.now() / 1000) + 30 })).status).toBe(200);
    // A contact event reaching this URL is acknowledged and ignored.
    expect((await cl.deliver(hook.id, contactCreated)).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(cl.hooks.size).toBe(0);
    expect(cl.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
    expect(cl.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/api/v1/webhook/${hook.id}/` });
  });

  it('opportunity status changed: only updates naming status_id are delivered', async () => {
    const sub = await subscribed('CLOSE_TRIGGER_OPPORTUNITY_STATUS_CHANGED');
    const hook = hookFor(sub.id)!;
    expect(hook.events).toEqual([{ object_type: 'opportunity', action: 'updated' }]);
    expect((await cl.deliver(hook.id, opportunityValueChanged)).status).toBe(200);
    expect((await cl.deliver(hook.id, opportunityStatusChanged)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect((sent!.json as { payload: any }).payload.event.id).toBe('ev_2sYKRjcrA79yKxi3S4Crd7');
    expect(receiver.requests).toHaveLength(1);
  });

  it('refuses a bad signature, another subscription\'s key, a stale or future timestamp and missing headers with 401, storing nothing', async () => {
    const sub = await subscribed('CLOSE_TRIGGER_CONTACT_CREATED');
    const hook = hookFor(sub.id)!;
    const other = hookFor((await subscribed('CLOSE_TRIGGER_CONTACT_CREATED')).id)!;
    const now = Math.floor(Date.now() / 1000);
    expect((await cl.deliver(hook.id, contactCreated, { key: 'ab'.repeat(32) })).status).toBe(401);
    expect((await cl.deliver(hook.id, contactCreated, { key: other.signature_key })).status).toBe(401);
    expect((await cl.deliver(hook.id, contactCreated, { timestamp: now - 3600 })).status).toBe(401);
    expect((await cl.deliver(hook.id, contactCreated, { timestamp: now + 3600 })).status).toBe(401);
    expect((await cl.deliver(hook.id, contactCreated, { headers: { 'close-sig-hash': '' } })).status).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('maps errors at subscribe time and stores nothing: 401 auth, 429 with rate_reset, 5xx, 400 with Close\'s message', async () => {
    cl.failNext(1, 400, { errors: [], 'field-errors': { url: 'Enter a valid URL.' } });
    const r400 = await w.subscribe('CLOSE_TRIGGER_LEAD_UPDATED', {});
    expect(r400.status).toBe(422);
    expect(r400.body.message).toContain('Enter a valid URL.');
    cl.failNext(1, 429, { error: { message: 'API call count exceeded for this period', rate_reset: 2.5 } });
    expect((await w.subscribe('CLOSE_TRIGGER_LEAD_UPDATED', {})).status).toBe(429);
    cl.failNext(1, 503);
    expect((await w.subscribe('CLOSE_TRIGGER_LEAD_UPDATED', {})).status).toBe(502);
    cl.failNext(1, 401, { error: 'The API key is invalid or has been revoked.' });
    const r401 = await w.subscribe('CLOSE_TRIGGER_LEAD_UPDATED', {});
    expect(r401.status).toBeGreaterThanOrEqual(400);
    expect(r401.text).not.toContain(cl.apiKey);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(cl.hooks.size).toBe(0);
  });

  it('checks the subscription every hour: one deleted or paused in Close is created again and delivers', async () => {
    const sub = await subscribed('CLOSE_TRIGGER_OPPORTUNITY_CREATED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });

    const first = hookFor(sub.id)!;
    const before = cl.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(cl.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /api/v1/webhook/${first.id}/`]);

    cl.hooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect(second.id).not.toBe(first.id);
    expect(second.signature_key).not.toBe(first.signature_key);

    second.status = 'paused';
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const third = hookFor(sub.id)!;
    expect([third.id === second.id, third.status]).toEqual([false, 'active']);
    expect(cl.deletedHooks.map((h) => h.id)).toEqual([second.id]);
    // The old key no longer verifies; the new one does.

    expect((await cl.deliver(third.id, opportunityCreated, { key: second.signature_key })).status).toBe(401);
    expect((await cl.deliver(third.id, opportunityCreated)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });
});

// The same triggers on a Close OAuth app's account (alternativeAuth): connected through the connect flow (client id
// and secret in the token request's form body; the account named by GET /me/ and the organization the token answer
// names), webhook subscriptions managed with `Bearer`, the token refreshed after a 401; a key credential of the same
// user keeps sending the key as HTTP Basic.
describe.each(DIALECTS)('Close OAuth accounts end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let cl: FakeClose;
  const hookFor = (subscriptionId: string): CloseHook | undefined => [...cl.hooks.values()].find((h) => h.url === `${w.t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    cl = await startFakeClose();
    w = await startIntegrationWorld({
      dialect,
      integration: closeIntegration,
      config: { apiBaseUrl: cl.apiBaseUrl, clientId: cl.clientId, clientSecret: cl.clientSecret, authorizationUrl: cl.authorizationUrl, tokenUrl: cl.tokenUrl },
      // Another user of the organization, holding the key.
      credential: { apiKey: cl.apiKey, providerAccountId: 'user_KeyHolder0000000000000000000000000000000000' },
    });
  });
  afterEach(async () => {
    await w.close();
    await cl.close();
  });

  /** The connect flow up to the stored credential: start, "consent" at Close (a code), callback. */
  async function connect(): Promise<string> {
    const start = await w.user.post(`${w.base}/connect/close`, { redirectUrl: 'https://app.example.com/connected' });
    expect(start.status, start.text).toBe(200);
    const authorizationUrl = new URL(start.body.authorizationUrl);
    const q = Object.fromEntries(authorizationUrl.searchParams);
    expect(`${authorizationUrl.origin}${authorizationUrl.pathname}`).toBe(cl.authorizationUrl);
    expect(q).toMatchObject({ client_id: cl.clientId, response_type: 'code', scope: 'all.full_access offline_access' });
    cl.codes.set('close-code-1', { redirectUri: q.redirect_uri! });
    const cb = await w.t.admin.get(`/oauth/callback?code=close-code-1&state=${encodeURIComponent(q.state!)}`);
    expect(cb.status, cb.text).toBe(302);
    const location = new URL(String(cb.headers.location));
    expect(location.searchParams.get('error'), location.toString()).toBeNull();
    return location.searchParams.get('credentialId')!;
  }

  it('connects through the OAuth app, manages webhook subscriptions with Bearer, delivers signed events, refreshes after a 401', async () => {
    // The connecting user had stored a key for the same Close user: connecting makes that credential an OAuth one.
    const keyFirst = await w.user.post(`${w.base}/credentials`, { integration: 'close', apiKey: cl.apiKey, providerAccountId: cl.userId });
    expect(keyFirst.status, keyFirst.text).toBe(201);
    const credentialId = await connect();
    expect(credentialId).toBe(keyFirst.body.id);
    expect(cl.tokenRequests).toEqual([expect.objectContaining({ grant_type: 'authorization_code', code: 'close-code-1', client_id: cl.clientId, client_secret: cl.clientSecret })]);
    const stored = (await w.t.svc.storage.credentials.get(credentialId))!;
    // The organization chosen on Close's consent screen (the token answer's), not the first of /me/'s.
    expect(stored).toMatchObject({ providerAccountId: cl.userId, secrets: { accessToken: 'close-access-1', refreshToken: 'close-refresh-1', extra: { organizationId: cl.organizationId } } });
    expect(stored.secrets.apiKey).toBeUndefined();
    expect(cl.requests.find((r) => r.path === '/api/v1/me/')!.auth).toBe('Bearer close-access-1');

    const sub = subscriptionOf(await w.subscribe('CLOSE_TRIGGER_LEAD_CREATED', {}, { 'x-paragon-credential': credentialId }));
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = hookFor(sub.id)!;
    expect(cl.requests.find((r) => r.method === 'POST' && r.path === '/api/v1/webhook/')!.auth).toBe('Bearer close-access-1');
    expect((await cl.deliver(hook.id, leadCreated, { key: 'ab'.repeat(32) })).status).toBe(401);
    expect((await cl.deliver(hook.id, leadCreated)).status).toBe(200);
    await w.worker.drain();
    const [sent] = await w.receiver.waitFor(1);
    expect(sent!.json).toMatchObject({ triggerType: 'CLOSE_TRIGGER_LEAD_CREATED', triggerSubscriptionId: sub.id, credentialId, payload: { ...leadCreated, subscription_id: hook.id } });
    expectSignedDelivery(sent!, w.project.signingSecret);
    expect(w.receiver.requests).toHaveLength(1);

    // The access token expires: the hourly check gets a 401, refreshes once (form body), and checks again.
    cl.validTokens.delete('close-access-1');
    const renewals = new Renewals(w.t.svc.deps, { catalog: (p) => w.t.svc.subscriptions.catalogFor(p) });
    await w.t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(cl.tokenRequests.slice(1)).toEqual([expect.objectContaining({ grant_type: 'refresh_token', refresh_token: 'close-refresh-1', client_id: cl.clientId, client_secret: cl.clientSecret })]);
    expect(cl.requests.filter((r) => r.path === `/api/v1/webhook/${hook.id}/`).map((r) => r.auth)).toEqual(['Bearer close-access-1', 'Bearer close-access-2']);
    expect((await w.t.svc.storage.credentials.get(credentialId))!.status).toBe('VALID');

    expect((await w.user.delete(`${w.base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(cl.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/api/v1/webhook/${hook.id}/`, auth: 'Bearer close-access-2' });
  });

  it('keeps a key credential on HTTP Basic beside an OAuth one, and never refreshes a refused key', async () => {
    const oauthId = await connect();
    const basic = `Basic ${Buffer.from(`${cl.apiKey}:`).toString('base64')}`;
    subscriptionOf(await w.subscribe('CLOSE_TRIGGER_CONTACT_CREATED', {}, { 'x-paragon-credential': w.credentialId! }));
    expect(cl.requests.at(-1)).toMatchObject({ method: 'POST', path: '/api/v1/webhook/', auth: basic });
    subscriptionOf(await w.subscribe('CLOSE_TRIGGER_CONTACT_CREATED', {}, { 'x-paragon-credential': oauthId }));
    expect(cl.requests.at(-1)).toMatchObject({ method: 'POST', path: '/api/v1/webhook/', auth: 'Bearer close-access-1' });

    cl.apiKey = 'api_revoked';
    const tokenCalls = cl.tokenRequests.length;
    const before = cl.requests.length;
    const refused = await w.subscribe('CLOSE_TRIGGER_LEAD_CREATED', {}, { 'x-paragon-credential': w.credentialId! });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.text).toContain('The API key is invalid or has been revoked.');
    expect(cl.requests.slice(before).map((r) => r.auth)).toEqual([basic]); // one call: a key cannot be refreshed
    expect(cl.tokenRequests).toHaveLength(tokenCalls);
  });
});
