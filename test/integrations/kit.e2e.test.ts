// Kit end to end through the public API, on SQLite and PostgreSQL: subscribe → a webhook endpoint at the fake Kit
// (our per-subscription URL, the trigger's one event type; the API key in X-Kit-Api-Key) whose Kit-generated secret
// verifies deliveries → a signed, batched delivery → one event per Kit event at the receiver → a retried delivery
// adds nothing → unsubscribe deletes the endpoint. Plus the form filter, bad signatures (401, nothing stored),
// refusals at subscribe time (errors mapped, nothing left behind), and the hourly check re-creating a deleted or
// disabled endpoint.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import { subscriberActivated, subscriberCreated, subscriberSubscribedToForm, subscriberTagAdded } from '../../src/integrations/kit/fixtures/events.js';
import { kitIntegration } from '../../src/integrations/kit/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeKit, type FakeKit, type KitEndpoint } from '../providers/kit.js';

describe.each(DIALECTS)('Kit end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let kit: FakeKit;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribed = async (type: string, parameters: Record<string, unknown> = {}) => subscriptionOf(await w.subscribe(type, parameters));
  const endpointFor = (subscriptionId: string): KitEndpoint | undefined => [...kit.endpoints.values()].find((e) => e.url === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    kit = await startFakeKit();
    w = await startIntegrationWorld({
      dialect,
      integration: kitIntegration,
      config: { apiBaseUrl: kit.apiBaseUrl },
      credential: { apiKey: kit.apiKey, providerAccountId: String(kit.accountId) },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await kit.close();
  });

  it('subscriber created: endpoint created, a batched signed delivery gives one event each, a retry adds nothing, deleted on unsubscribe', async () => {
    const sub = await subscribed('KIT_TRIGGER_SUBSCRIBER_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const endpoint = endpointFor(sub.id)!;
    expect(endpoint).toMatchObject({ events: ['subscriber.created'], status: 'enabled' });
    const post = kit.requests.find((r) => r.method === 'POST')!;
    expect(post).toMatchObject({ path: '/v4/webhook_endpoints', apiKey: kit.apiKey });
    expect(post.body).toMatchObject({ url: `${t.url}/hooks/s/${sub.id}`, events: ['subscriber.created'] });

    const second = { ...subscriberCreated, id: '0b7e9a11-3c5d-4f6e-8a9b-1c2d3e4f5a6b', data: { subscriber: { ...subscriberCreated.data.subscriber, id: 987655, email_address: 'grace@example.com' } } };
    expect((await kit.deliver(endpoint.id, [subscriberCreated, second], { deliveryId: 500 })).status).toBe(200);
    await worker.drain();
    const sent = await receiver.waitFor(2);
    const payloads = sent.map((s) => (s.json as { payload: { id: string } }).payload.id).sort();
    expect(payloads).toEqual([subscriberCreated.id, second.id].sort());
    expect(sent[0]!.json).toMatchObject({ integration: 'kit', triggerType: 'KIT_TRIGGER_SUBSCRIBER_CREATED', triggerSubscriptionId: sub.id, credentialId, projectId: project.id });
    expect(sent.map((s) => (s.json as { payload: unknown }).payload)).toContainEqual(subscriberCreated);
    expectSignedDelivery(sent[0]!, project.signingSecret);

    // Kit retries the same delivery (re-signed, same events): acknowledged, nothing new. Another type is ignored.
    expect((await kit.deliver(endpoint.id, [subscriberCreated, second], { deliveryId: 500 })).status).toBe(200);
    expect((await kit.deliver(endpoint.id, [subscriberActivated])).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(2);
    expect(await w.events()).toHaveLength(2);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(kit.endpoints.size).toBe(0);
    expect(kit.deletedEndpoints.map((e) => e.id)).toEqual([endpoint.id]);
    expect(kit.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/v4/webhook_endpoints/${endpoint.id}` });
  });

  it('one form: only that form\'s events are delivered; tag added delivers its own event', async () => {
    const formSub = await subscribed('KIT_TRIGGER_FORM_SUBSCRIBED', { formId: '4521' });
    const form = endpointFor(formSub.id)!;
    expect(form.events).toEqual(['subscriber.subscribed_to_form']);
    const otherForm = { ...subscriberSubscribedToForm, id: '5d1c0e2f-7a8b-4c9d-8e0f-1a2b3c4d5e6f', data: { ...subscriberSubscribedToForm.data, form: { id: 9999, name: 'Other' } } };
    expect((await kit.deliver(form.id, [otherForm, subscriberSubscribedToForm])).status).toBe(200);
    const tag = endpointFor((await subscribed('KIT_TRIGGER_TAG_ADDED')).id)!;
    expect((await kit.deliver(tag.id, [subscriberTagAdded])).status).toBe(200);
    await worker.drain();
    const sent = await receiver.waitFor(2);
    expect(sent.map((s) => (s.json as { payload: { id: string } }).payload.id).sort()).toEqual([subscriberSubscribedToForm.id, subscriberTagAdded.id].sort());
    expect(await w.events()).toHaveLength(2);
  });

  it('refuses a bad signature, another endpoint\'s secret, a stale timestamp and a missing header with 401, storing nothing', async () => {
    const endpoint = endpointFor((await subscribed('KIT_TRIGGER_SUBSCRIBER_ACTIVATED')).id)!;
    const other = endpointFor((await subscribed('KIT_TRIGGER_SUBSCRIBER_ACTIVATED')).id)!;
    expect((await kit.deliver(endpoint.id, [subscriberActivated], { secret: 'not-the-secret' })).status).toBe(401);
    expect((await kit.deliver(endpoint.id, [subscriberActivated], { secret: other.secret })).status).toBe(401);
    expect((await kit.deliver(endpoint.id, [subscriberActivated], { timestamp: Math.floor(Date.now() / 1000) - 3600 })).status).toBe(401);
    expect((await kit.deliver(endpoint.id, [subscriberActivated], { headers: { 'x-kit-signature': '' } })).status).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('refuses a bad formId naming the field, and maps errors at subscribe time storing nothing', async () => {
    const bad = await w.subscribe('KIT_TRIGGER_FORM_SUBSCRIBED', { formId: '../account' });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(bad.status).toBeLessThan(500);
    expect(bad.text).toContain('formId');

    kit.failNext(1, 422, { errors: ['Url is not a valid URL'] });
    const r422 = await w.subscribe('KIT_TRIGGER_SUBSCRIBER_CREATED', {});
    expect(r422.status).toBe(422);
    expect(r422.body.message).toContain('Url is not a valid URL');
    kit.failNext(1, 429, { errors: ['Too many requests'] }, { 'retry-after': '3' });
    expect((await w.subscribe('KIT_TRIGGER_SUBSCRIBER_CREATED', {})).status).toBe(429);
    kit.failNext(1, 503);
    expect((await w.subscribe('KIT_TRIGGER_SUBSCRIBER_CREATED', {})).status).toBe(502);
    kit.failNext(1, 401, { errors: ['The API key is invalid'] });
    const r401 = await w.subscribe('KIT_TRIGGER_SUBSCRIBER_CREATED', {});
    expect(r401.status).toBeGreaterThanOrEqual(400);
    expect(r401.text).not.toContain(kit.apiKey);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(kit.endpoints.size).toBe(0);
  });

  it('checks the endpoint every hour: one deleted or disabled in Kit is created again, with its new secret', async () => {
    const sub = await subscribed('KIT_TRIGGER_SUBSCRIBER_UNSUBSCRIBED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });

    const first = endpointFor(sub.id)!;
    const before = kit.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(kit.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v4/webhook_endpoints/${first.id}`]);

    kit.endpoints.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = endpointFor(sub.id)!;
    expect([second.id === first.id, second.secret === first.secret]).toEqual([false, false]);

    second.status = 'disabled';
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const third = endpointFor(sub.id)!;
    expect([third.id === second.id, third.status]).toEqual([false, 'enabled']);
    expect(kit.deletedEndpoints.map((e) => e.id)).toEqual([second.id]);

    const unsubscribed = { id: 'b5e0c9d4-2a71-4f38-8c6e-91d04a7b2e55', type: 'subscriber.unsubscribed', created: '2026-08-02T09:12:44Z', data: { subscriber: { id: 987654, state: 'cancelled' } } };
    expect((await kit.deliver(third.id, [unsubscribed], { secret: second.secret })).status).toBe(401);
    expect((await kit.deliver(third.id, [unsubscribed])).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });
});

// The same triggers through a Kit OAuth app: the account is connected through the connect flow (authorization code at
// app.kit.com, token at the fake's /oauth/token), the token is sent as Bearer, an expired token is refreshed once,
// Kit's plain-text 429 pauses the call without a refresh, and an account given as an API key works the key's way
// until it is connected through OAuth, when the same credential (and its subscriptions) moves to the token.
describe.each(DIALECTS)('Kit with an OAuth app, end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let kit: FakeKit;

  const endpointFor = (subscriptionId: string): KitEndpoint | undefined => [...kit.endpoints.values()].find((e) => e.url === `${w.t.url}/hooks/s/${subscriptionId}`);
  const subscribeWith = (credentialId: string, type = 'KIT_TRIGGER_SUBSCRIBER_CREATED') => w.subscribe(type, {}, { 'x-paragon-credential': credentialId });

  /** Runs the connect flow for user-1 with Kit granting `token`; returns the new credential's id. */
  async function connect(token: string): Promise<string> {
    const start = await w.user.post(`${w.base}/connect/kit`, { redirectUrl: 'https://app.example.com/connected' });
    expect(start.status, start.text).toBe(200);
    const authorizationUrl = new URL(start.body.authorizationUrl);
    expect(`${authorizationUrl.origin}${authorizationUrl.pathname}`).toBe('https://app.kit.com/oauth/authorize');
    expect(Object.fromEntries(authorizationUrl.searchParams)).toMatchObject({ client_id: kit.clientId, response_type: 'code', scope: 'public' });
    kit.codes.set('kit-code-1', token);
    const cb = await w.t.admin.get(`/oauth/callback?code=kit-code-1&state=${encodeURIComponent(authorizationUrl.searchParams.get('state')!)}`);
    expect(cb.status, cb.text).toBe(302);
    const id = new URL(String(cb.headers.location)).searchParams.get('credentialId');
    expect(id).toBeTruthy();
    return id!;
  }

  beforeEach(async () => {
    kit = await startFakeKit();
    w = await startIntegrationWorld({
      dialect,
      integration: kitIntegration,
      config: { apiBaseUrl: kit.apiBaseUrl, tokenUrl: kit.tokenUrl, clientId: kit.clientId, clientSecret: kit.clientSecret },
    });
  });
  afterEach(async () => {
    await w.close();
    await kit.close();
  });

  it('lists both kinds; connects through OAuth and receives signed events with the token', async () => {
    const listed = (await w.t.admin.get(`/admin/v1/projects/${w.project.id}/integrations`)).body.integrations.find((i: { integration: string }) => i.integration === 'kit');
    expect(listed).toMatchObject({ authKind: 'apiKey', authKinds: ['apiKey', 'oauth2'] });

    const oauthId = await connect('kit-oauth-token-1');
    expect(kit.tokenRequests).toEqual([expect.objectContaining({ grant_type: 'authorization_code', code: 'kit-code-1', client_id: kit.clientId, client_secret: kit.clientSecret })]);
    expect(await w.t.svc.storage.credentials.get(oauthId)).toMatchObject({ providerAccountId: String(kit.accountId), secrets: { accessToken: 'kit-oauth-token-1', refreshToken: 'kit-refresh-1' } });
    expect(kit.requests.at(-1)).toMatchObject({ path: '/v4/account', bearer: 'kit-oauth-token-1', apiKey: undefined });

    const sub = subscriptionOf(await subscribeWith(oauthId));
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId: oauthId });
    expect(kit.requests.find((r) => r.method === 'POST')).toMatchObject({ path: '/v4/webhook_endpoints', bearer: 'kit-oauth-token-1', apiKey: undefined });
    const endpoint = endpointFor(sub.id)!;
    expect(endpoint.events).toEqual(['subscriber.created']);

    expect((await kit.deliver(endpoint.id, [subscriberCreated], { secret: 'not-the-secret' })).status).toBe(401);
    expect((await kit.deliver(endpoint.id, [subscriberCreated])).status).toBe(200);
    expect((await kit.deliver(endpoint.id, [subscriberCreated])).status).toBe(200);
    await w.worker.drain();
    const [sent] = await w.receiver.waitFor(1);
    expect(sent!.json).toMatchObject({ integration: 'kit', triggerType: 'KIT_TRIGGER_SUBSCRIBER_CREATED', triggerSubscriptionId: sub.id, credentialId: oauthId, payload: subscriberCreated });
    expect(await w.events()).toHaveLength(1);

    expect((await w.user.delete(`${w.base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(kit.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/v4/webhook_endpoints/${endpoint.id}`, bearer: 'kit-oauth-token-1' });
  });

  it('refreshes an expired token once and retries; Kit\'s plain-text 429 is rate_limited without a refresh', async () => {
    const oauthId = await connect('kit-oauth-token-2');
    kit.validTokens.delete('kit-oauth-token-2');
    const before = kit.requests.length;
    const sub = subscriptionOf(await subscribeWith(oauthId));
    expect(sub.status).toBe('ACTIVE');
    expect(kit.tokenRequests.at(-1)).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'kit-refresh-1', client_id: kit.clientId });
    const fresh = (await w.t.svc.storage.credentials.get(oauthId))!.secrets.accessToken!;
    expect(fresh).not.toBe('kit-oauth-token-2');
    expect(kit.requests.slice(before).map((r) => r.bearer)).toEqual(['kit-oauth-token-2', fresh]);

    const tokenCalls = kit.tokenRequests.length;
    kit.rateLimitNext(1);
    const limited = await subscribeWith(oauthId);
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(limited.text).not.toContain(fresh);
    expect(kit.tokenRequests).toHaveLength(tokenCalls);
    expect(kit.endpoints.size).toBe(1);
  });

  it('an API key credential sends X-Kit-Api-Key; connecting the same account through OAuth moves that credential to the token', async () => {
    const key = await w.user.post(`${w.base}/credentials`, { integration: 'kit', apiKey: kit.apiKey, providerAccountId: String(kit.accountId) });
    expect(key.status, key.text).toBe(201);
    const keyId = key.body.id as string;
    const keySub = subscriptionOf(await subscribeWith(keyId, 'KIT_TRIGGER_TAG_ADDED'));
    expect(kit.requests.at(-1)).toMatchObject({ method: 'POST', apiKey: kit.apiKey, bearer: undefined });
    const endpoint = endpointFor(keySub.id)!;
    expect((await kit.deliver(endpoint.id, [subscriberTagAdded])).status).toBe(200);
    await w.worker.drain();
    expect((await w.receiver.waitFor(1))[0]!.json).toMatchObject({ credentialId: keyId, payload: subscriberTagAdded });

    const connected = await connect('kit-oauth-token-3');
    expect(connected).toBe(keyId);
    const stored = (await w.t.svc.storage.credentials.get(keyId))!;
    expect(stored.secrets).toMatchObject({ accessToken: 'kit-oauth-token-3', refreshToken: 'kit-refresh-1' });
    expect(stored.secrets.apiKey).toBeUndefined();

    subscriptionOf(await subscribeWith(keyId, 'KIT_TRIGGER_SUBSCRIBER_ACTIVATED'));
    expect(kit.requests.at(-1)).toMatchObject({ method: 'POST', bearer: 'kit-oauth-token-3', apiKey: undefined });
    const other = { ...subscriberTagAdded, id: '7a0d4c1e-9b2f-4e3a-8c5d-6f7a8b9c0d1e' };
    expect((await kit.deliver(endpoint.id, [other])).status).toBe(200);
    await w.worker.drain();
    await w.receiver.waitFor(2);
    expect((await w.user.get(`${w.base}/trigger-subscriptions/${keySub.id}`)).body.status).toBe('ACTIVE');
  });
});
