// Klaviyo end to end through the public API, on SQLite and PostgreSQL, against the fake Klaviyo: subscribe
// (baseline list read observed at the fake with `Klaviyo-API-Key` and the revision header, nothing delivered) → a
// new profile / a list join / a metric event → the real Poller on a test clock → exactly one signed delivery each →
// re-polls deliver nothing more → unsubscribe. Plus: many events sharing one second across pages, each delivered
// once; bad list and metric ids refused with 400 naming the parameter; 429 with Retry-After backing the credential
// off and a 5xx retried; a revoked key (401) marking the credential INVALID and the subscription ERRORED.
// (No inbound webhook exists for these triggers, so there is no signature to forge.)
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Poller } from '../../src/engine/poller.js';
import { klaviyoIntegration } from '../../src/integrations/klaviyo/integration.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestService } from '../helpers/service.js';
import { klaviyoErrorBodies, startFakeKlaviyo, type FakeKlaviyo } from '../providers/klaviyo.js';

const SEC = 1000;
const MIN = 60_000;

describe.each(DIALECTS)('Klaviyo end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let kl: FakeKlaviyo;
  let receiver: FakeReceiver;
  let worker: DeliveryWorker;
  let poller: Poller;
  let clock: TestClock;
  let credentialId: string;

  const deliveries = () => receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: any });
  const subscribed = async (type: string, parameters: Record<string, unknown> = {}) => subscriptionOf(await w.subscribe(type, parameters));
  const tick = async (ms = 2 * SEC) => {
    clock.advance(ms);
    await poller.runDue();
    await worker.drain();
  };

  beforeEach(async () => {
    clock = new TestClock(Date.now());
    kl = await startFakeKlaviyo();
    const old = kl.addProfile({ created: clock.now() - 30 * SEC, email: 'old@klaviyo-demo.com' });
    kl.addToList('Y6nRLr', old.id, clock.now() - 20 * SEC);
    kl.addEvent({ metricId: 'UMTLbD', datetime: clock.now() - 10 * SEC });
    w = await startIntegrationWorld({
      dialect,
      integration: klaviyoIntegration,
      now: clock.now,
      poller: true,
      config: { apiBaseUrl: kl.url },
      credential: { apiKey: 'pk_test_1' },
    });
    ({ t, receiver, worker } = w);
    poller = w.poller!;
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await kl.close();
  });

  it('profile created: baseline at subscribe, one signed delivery, no duplicate on re-poll, nothing after unsubscribe', async () => {
    const sub = await subscribed('KLAVIYO_TRIGGER_PROFILE_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    expect(kl.listRequests()).toHaveLength(1);
    expect(kl.listRequests()[0]).toMatchObject({ path: '/api/profiles', auth: 'Klaviyo-API-Key pk_test_1', revision: '2026-10-15', query: { sort: 'created' } });
    await tick();
    expect(receiver.requests).toHaveLength(0); // the profile created before subscribing is never delivered

    const p = kl.addProfile({ created: clock.now(), email: 'sarah.mason@klaviyo-demo.com' });
    await tick();
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({
      integration: 'klaviyo', triggerType: 'KLAVIYO_TRIGGER_PROFILE_CREATED', triggerSubscriptionId: sub.id, credentialId,
      payload: { type: 'profile', id: p.id, attributes: { email: 'sarah.mason@klaviyo-demo.com' } },
    });
    expectSignedDelivery(delivery!, w.project.signingSecret);
    await tick();
    await tick(MIN);
    expect(receiver.requests).toHaveLength(1);

    expect((await w.user.delete(`${w.base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    const calls = kl.requests.length;
    kl.addProfile({ created: clock.now() });
    await tick();
    expect(kl.requests.length).toBe(calls);
    expect(receiver.requests).toHaveLength(1);
  });

  it('profile added to list: one delivery per join, none for another list', async () => {
    const sub = await subscribed('KLAVIYO_TRIGGER_PROFILE_ADDED_TO_LIST', { listId: 'Y6nRLr' });
    await tick();
    const p = kl.addProfile({ created: clock.now() - 10 * MIN });
    kl.addToList('Y6nRLr', p.id, clock.now());
    kl.addToList('Other1', p.id, clock.now());
    await tick();
    await tick();
    expect(deliveries().map((d) => [d.triggerSubscriptionId, d.payload.id])).toEqual([[sub.id, p.id]]);
    expect(deliveries()[0]!.payload.attributes.joined_group_at).toBeTypeOf('string');
  });

  it('metric event: 450 events in one second across pages delivered once each; other metrics ignored', async () => {
    const sub = await subscribed('KLAVIYO_TRIGGER_METRIC_EVENT', { metricId: 'UMTLbD' });
    await tick();
    expect(receiver.requests).toHaveLength(0);
    const at = clock.now() + SEC;
    const ids = Array.from({ length: 450 }, (_, n) => kl.addEvent({ metricId: 'UMTLbD', datetime: at, properties: { n } }).id);
    kl.addEvent({ metricId: 'OTHER1', datetime: at });
    await tick();
    await tick();
    await receiver.waitFor(450);
    await tick(MIN);
    const got = deliveries().filter((d) => d.triggerSubscriptionId === sub.id).map((d) => d.payload.id as string);
    expect(got.sort()).toEqual([...ids].sort());
    expect(deliveries()).toHaveLength(450);
    expect(kl.listRequests().some((r) => r.query['page[cursor]'] !== undefined)).toBe(true);
  }, 60_000);

  it('refuses bad list and metric ids with 400 naming the parameter, and calls nothing', async () => {
    for (const [type, params, name] of [
      ['KLAVIYO_TRIGGER_PROFILE_ADDED_TO_LIST', { listId: 'a/b' }, 'parameters.listId'],
      ['KLAVIYO_TRIGGER_PROFILE_ADDED_TO_LIST', {}, 'parameters.listId'],
      ['KLAVIYO_TRIGGER_METRIC_EVENT', { metricId: 'x"),equals(' }, 'parameters.metricId'],
    ] as const) {
      const bad = await w.subscribe(type, params);
      expect([bad.status, bad.body.code]).toEqual([400, 'INVALID_PARAMETER']);
      expect(bad.body.message).toContain(name);
    }
    expect(kl.requests).toHaveLength(0);
  });

  it('backs the credential off on 429 (Retry-After), retries a 5xx, and marks a revoked key INVALID on 401', async () => {
    const sub = await subscribed('KLAVIYO_TRIGGER_PROFILE_CREATED');
    const p = kl.addProfile({ created: clock.now() });
    kl.failNext(1, 429, { 'retry-after': '30' }, klaviyoErrorBodies.error429);
    await tick();
    expect((await t.svc.storage.credentials.get(credentialId))!.rateLimitedUntil).toBe(clock.now() + 30_000);
    expect((await w.user.get(`${w.base}/trigger-subscriptions/${sub.id}`)).body).toMatchObject({ status: 'ACTIVE' });
    const calls = kl.requests.length;
    await tick();
    expect(kl.requests.length).toBe(calls); // paused until Retry-After
    clock.advance(30_000);
    kl.failNext(1, 503);
    await tick();
    expect((await t.svc.storage.subscriptions.get(sub.id))!.consecutiveFailures).toBe(1);
    await tick(10 * SEC);
    expect(deliveries().map((d) => d.payload.id)).toEqual([p.id]);
    expect((await t.svc.storage.subscriptions.get(sub.id))!.consecutiveFailures).toBe(0);

    kl.validKeys.clear(); // the key was revoked in Klaviyo
    await tick(10 * SEC);
    expect((await t.svc.storage.credentials.get(credentialId))!.status).toBe('INVALID');
    expect((await w.user.get(`${w.base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ERRORED');
    expect(JSON.stringify((await w.user.get(`${w.base}/trigger-subscriptions/${sub.id}`)).body)).not.toContain('pk_test_1');
  });
});

// The same triggers on a Klaviyo OAuth app's account (alternativeAuth): connected through the connect flow (PKCE,
// the client authenticated with HTTP Basic at a.klaviyo.com/oauth/token, the account named by GET /api/accounts),
// polled with `Bearer`, refreshed after a 401; a key credential of the same user keeps sending `Klaviyo-API-Key`.
describe.each(DIALECTS)('Klaviyo OAuth accounts end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let kl: FakeKlaviyo;
  let clock: TestClock;
  let poller: Poller;
  const tick = async (ms = 2 * SEC) => {
    clock.advance(ms);
    await poller.runDue();
    await w.worker.drain();
  };

  beforeEach(async () => {
    clock = new TestClock(Date.now());
    kl = await startFakeKlaviyo();
    w = await startIntegrationWorld({
      dialect,
      integration: klaviyoIntegration,
      now: clock.now,
      poller: true,
      config: { apiBaseUrl: kl.url, clientId: kl.clientId, clientSecret: kl.clientSecret, authorizationUrl: `${kl.url}/oauth/authorize`, tokenUrl: `${kl.url}/oauth/token` },
      credential: { apiKey: 'pk_test_1' },
    });
    poller = w.poller!;
  });
  afterEach(async () => {
    await w.close();
    await kl.close();
  });

  /** The connect flow up to the stored credential: start, "consent" at Klaviyo (a code for the PKCE challenge), callback. */
  async function connect(): Promise<string> {
    const start = await w.user.post(`${w.base}/connect/klaviyo`, { redirectUrl: 'https://app.example.com/connected' });
    expect(start.status, start.text).toBe(200);
    const authorizationUrl = new URL(start.body.authorizationUrl);
    const q = Object.fromEntries(authorizationUrl.searchParams);
    expect(`${authorizationUrl.origin}${authorizationUrl.pathname}`).toBe(`${kl.url}/oauth/authorize`);
    expect(q).toMatchObject({ client_id: kl.clientId, response_type: 'code', scope: 'accounts:read profiles:read lists:read events:read', code_challenge_method: 'S256' });
    expect(q.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    kl.codes.set('kl-code-1', { codeChallenge: q.code_challenge!, redirectUri: q.redirect_uri! });
    const cb = await w.t.admin.get(`/oauth/callback?code=kl-code-1&state=${encodeURIComponent(q.state!)}`);
    expect(cb.status, cb.text).toBe(302);
    const location = new URL(String(cb.headers.location));
    expect(location.searchParams.get('error'), location.toString()).toBeNull();
    return location.searchParams.get('credentialId')!;
  }

  it('connects through the OAuth app (PKCE, Basic client auth), names the account, and delivers what it polls with Bearer', async () => {
    const credentialId = await connect();
    expect(kl.tokenRequests).toHaveLength(1);
    expect(kl.tokenRequests[0]!.auth).toBe(`Basic ${Buffer.from(`${kl.clientId}:${kl.clientSecret}`).toString('base64')}`);
    expect(kl.tokenRequests[0]!.form).toMatchObject({ grant_type: 'authorization_code', code: 'kl-code-1' });
    expect(kl.tokenRequests[0]!.form.code_verifier).toBeTypeOf('string');
    const stored = (await w.t.svc.storage.credentials.get(credentialId))!;
    expect(stored).toMatchObject({ providerAccountId: kl.accountId, secrets: { accessToken: 'kl-access-1', refreshToken: 'kl-refresh-1', extra: { organizationName: 'Klaviyo Demo' } } });
    expect(stored.secrets.apiKey).toBeUndefined();
    expect(kl.requests.find((r) => r.path === '/api/accounts')).toMatchObject({ auth: 'Bearer kl-access-1', revision: '2026-10-15' });

    const sub = subscriptionOf(await w.subscribe('KLAVIYO_TRIGGER_PROFILE_CREATED', {}, { 'x-paragon-credential': credentialId }));
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    expect(kl.listRequests().at(-1)).toMatchObject({ path: '/api/profiles', auth: 'Bearer kl-access-1', revision: '2026-10-15' });
    const p = kl.addProfile({ created: clock.now(), email: 'oauth@klaviyo-demo.com' });
    await tick();
    const [delivery] = await w.receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({ triggerType: 'KLAVIYO_TRIGGER_PROFILE_CREATED', triggerSubscriptionId: sub.id, credentialId, payload: { id: p.id, attributes: { email: 'oauth@klaviyo-demo.com' } } });
    expectSignedDelivery(delivery!, w.project.signingSecret);

    // The access token expires (Klaviyo's last an hour): a 401, one refresh with the refresh token, the poll retried.
    kl.validTokens.delete('kl-access-1');
    const q = kl.addProfile({ created: clock.now(), email: 'after-refresh@klaviyo-demo.com' });
    await tick();
    await w.receiver.waitFor(2);
    expect(w.receiver.requests.map((r) => (r.json as { payload: { id: string } }).payload.id)).toEqual([p.id, q.id]);
    expect(kl.tokenRequests.slice(1).map((r) => [r.form.grant_type, r.form.refresh_token, r.auth?.startsWith('Basic ')])).toEqual([['refresh_token', 'kl-refresh-1', true]]);
    expect(kl.listRequests().at(-1)!.auth).toBe('Bearer kl-access-2');
    expect((await w.t.svc.storage.credentials.get(credentialId))!.status).toBe('VALID');
  });

  it('keeps a key credential on Klaviyo-API-Key beside an OAuth one, and never refreshes a refused key', async () => {
    const oauthId = await connect();
    const keySub = subscriptionOf(await w.subscribe('KLAVIYO_TRIGGER_METRIC_EVENT', { metricId: 'UMTLbD' }, { 'x-paragon-credential': w.credentialId! }));
    expect(kl.listRequests().at(-1)).toMatchObject({ path: '/api/events', auth: 'Klaviyo-API-Key pk_test_1' });
    subscriptionOf(await w.subscribe('KLAVIYO_TRIGGER_METRIC_EVENT', { metricId: 'UMTLbD' }, { 'x-paragon-credential': oauthId }));
    expect(kl.listRequests().at(-1)).toMatchObject({ path: '/api/events', auth: 'Bearer kl-access-1' });
    const ev = kl.addEvent({ metricId: 'UMTLbD', datetime: clock.now() });
    await tick();
    await w.receiver.waitFor(2);
    expect(w.receiver.requests.map((r) => (r.json as { credentialId: string; payload: { id: string } })).map((d) => [d.credentialId, d.payload.id]).sort())
      .toEqual([[oauthId, ev.id], [w.credentialId!, ev.id]].sort());

    kl.validKeys.clear();
    const tokenCalls = kl.tokenRequests.length;
    await tick(10 * SEC);
    expect((await w.t.svc.storage.credentials.get(w.credentialId!))!.status).toBe('INVALID');
    expect((await w.user.get(`${w.base}/trigger-subscriptions/${keySub.id}`)).body.status).toBe('ERRORED');
    expect(kl.tokenRequests).toHaveLength(tokenCalls); // a key is never "refreshed"
    expect((await w.t.svc.storage.credentials.get(oauthId))!.status).toBe('VALID');
  });
});
