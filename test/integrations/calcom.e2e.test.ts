// Cal.com end to end through the public API, on SQLite and PostgreSQL: subscribe → a webhook at the fake Cal.com
// (our per-subscription URL, the trigger's one event, active, the secret we chose; the API key as Bearer) → a
// signed delivery → one event at the receiver → a repeat of the same booking event adds nothing → unsubscribe
// deletes the webhook. Plus the per-event-type webhook, bad signatures (401, nothing stored), refusals at subscribe
// time (errors mapped, nothing left behind), and the hourly check re-creating a deleted or deactivated webhook.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import { bookingCancelled, bookingCreated, bookingRescheduled, meetingEnded } from '../../src/integrations/calcom/fixtures/events.js';
import { calcomIntegration } from '../../src/integrations/calcom/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeCalcom, type CalcomHook, type FakeCalcom } from '../providers/calcom.js';

describe.each(DIALECTS)('Cal.com end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let cal: FakeCalcom;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribed = async (type: string, parameters: Record<string, unknown> = {}) => subscriptionOf(await w.subscribe(type, parameters));
  const hookFor = (subscriptionId: string): CalcomHook | undefined => [...cal.hooks.values()].find((h) => h.subscriberUrl === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    cal = await startFakeCalcom();
    w = await startIntegrationWorld({
      dialect,
      integration: calcomIntegration,
      config: { apiBaseUrl: cal.apiBaseUrl },
      credential: { apiKey: cal.apiKey, providerAccountId: String(cal.userId) },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await cal.close();
  });

  it('booking created: webhook created with our secret, one signed delivery, repeat deduplicated, deleted on unsubscribe', async () => {
    const sub = await subscribed('CALCOM_TRIGGER_BOOKING_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ triggers: ['BOOKING_CREATED'], active: true, eventTypeId: null, payloadTemplate: null });
    expect(hook.secret).toMatch(/.{16,}/);
    const post = cal.requests.find((r) => r.method === 'POST')!;
    expect(post).toMatchObject({ path: '/v2/webhooks', auth: `Bearer ${cal.apiKey}` });
    expect(post.body).toEqual({ subscriberUrl: `${t.url}/hooks/s/${sub.id}`, triggers: ['BOOKING_CREATED'], active: true, secret: hook.secret });

    expect((await cal.deliver(hook.id, bookingCreated)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      integration: 'calcom', triggerType: 'CALCOM_TRIGGER_BOOKING_CREATED', triggerSubscriptionId: sub.id, credentialId, projectId: project.id,
      payload: bookingCreated,
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // Cal.com sends the same booking event again: acknowledged, nothing new. Another event reaching this URL is ignored.
    expect((await cal.deliver(hook.id, bookingCreated)).status).toBe(200);
    expect((await cal.deliver(hook.id, bookingCancelled)).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(cal.hooks.size).toBe(0);
    expect(cal.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
    expect(cal.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/v2/webhooks/${hook.id}` });
  });

  it('one event type: the webhook lives under /v2/event-types/{id}/webhooks and is deleted there', async () => {
    const sub = await subscribed('CALCOM_TRIGGER_BOOKING_RESCHEDULED', { eventTypeId: '7' });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ eventTypeId: 7, triggers: ['BOOKING_RESCHEDULED'] });
    expect(cal.requests.find((r) => r.method === 'POST')!.path).toBe('/v2/event-types/7/webhooks');
    expect((await cal.deliver(hook.id, bookingRescheduled)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect((sent!.json as { payload: any }).payload.payload.rescheduleUid).toBe('bFJeNb2uX8ANpT3JL5EfXw');

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(cal.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/v2/event-types/7/webhooks/${hook.id}` });
    expect(cal.hooks.size).toBe(0);
  });

  it('meeting ended and booking cancelled deliver their own events', async () => {
    const ended = hookFor((await subscribed('CALCOM_TRIGGER_MEETING_ENDED')).id)!;
    const cancelled = hookFor((await subscribed('CALCOM_TRIGGER_BOOKING_CANCELLED')).id)!;
    expect((await cal.deliver(ended.id, meetingEnded)).status).toBe(200);
    expect((await cal.deliver(cancelled.id, bookingCancelled)).status).toBe(200);
    await worker.drain();
    const sent = await receiver.waitFor(2);
    expect(sent.map((s) => (s.json as { triggerType: string }).triggerType).sort()).toEqual(['CALCOM_TRIGGER_BOOKING_CANCELLED', 'CALCOM_TRIGGER_MEETING_ENDED']);
  });

  it('refuses a bad signature, another webhook\'s secret, an unsigned delivery and a missing header with 401, storing nothing', async () => {
    const hook = hookFor((await subscribed('CALCOM_TRIGGER_BOOKING_CREATED')).id)!;
    const other = hookFor((await subscribed('CALCOM_TRIGGER_BOOKING_CREATED')).id)!;
    expect((await cal.deliver(hook.id, bookingCreated, { secret: 'not-the-secret' })).status).toBe(401);
    expect((await cal.deliver(hook.id, bookingCreated, { secret: other.secret! })).status).toBe(401);
    expect((await cal.deliver(hook.id, bookingCreated, { headers: { 'x-cal-signature-256': 'no-secret-provided' } })).status).toBe(401);
    expect((await cal.deliver(hook.id, bookingCreated, { headers: { 'x-cal-signature-256': '' } })).status).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('refuses a bad eventTypeId naming the field, and maps errors at subscribe time storing nothing', async () => {
    const bad = await w.subscribe('CALCOM_TRIGGER_BOOKING_CREATED', { eventTypeId: '../me' });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(bad.status).toBeLessThan(500);
    expect(bad.text).toContain('eventTypeId');

    const unknown = await w.subscribe('CALCOM_TRIGGER_BOOKING_CREATED', { eventTypeId: '99' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toContain('Event type with id 99 not found');
    cal.failNext(1, 400, { status: 'error', error: { code: 'BadRequestException', message: 'subscriberUrl must be a string' } });
    const r400 = await w.subscribe('CALCOM_TRIGGER_BOOKING_CREATED', {});
    expect(r400.status).toBe(422);
    expect(r400.body.message).toContain('subscriberUrl must be a string');
    cal.failNext(1, 429, { status: 'error', error: { code: 'ThrottlerException', message: 'Too many requests' } }, { 'retry-after': '3' });
    expect((await w.subscribe('CALCOM_TRIGGER_BOOKING_CREATED', {})).status).toBe(429);
    cal.failNext(1, 503);
    expect((await w.subscribe('CALCOM_TRIGGER_BOOKING_CREATED', {})).status).toBe(502);
    cal.failNext(1, 401, { status: 'error', error: { code: 'UnauthorizedException', message: 'Invalid Access Token.' } });
    const r401 = await w.subscribe('CALCOM_TRIGGER_BOOKING_CREATED', {});
    expect(r401.status).toBeGreaterThanOrEqual(400);
    expect(r401.text).not.toContain(cal.apiKey);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(cal.hooks.size).toBe(0);
  });

  it('checks the webhook every hour: one deleted or deactivated in Cal.com is created again and delivers', async () => {
    const sub = await subscribed('CALCOM_TRIGGER_BOOKING_CREATED', { eventTypeId: '8' });
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });

    const first = hookFor(sub.id)!;
    const before = cal.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(cal.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v2/event-types/8/webhooks/${first.id}`]);

    cal.hooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect([second.id === first.id, second.secret === first.secret, second.eventTypeId]).toEqual([false, false, 8]);

    second.active = false;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const third = hookFor(sub.id)!;
    expect([third.id === second.id, third.active]).toEqual([false, true]);
    expect(cal.deletedHooks.map((h) => h.id)).toEqual([second.id]);

    expect((await cal.deliver(third.id, bookingCreated, { secret: second.secret! })).status).toBe(401);
    expect((await cal.deliver(third.id, bookingCreated)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });
});

// The same triggers through a Cal.com OAuth client: connected through the connect flow (authorization at
// app.cal.com with the four scopes, token at the fake's /v2/auth/oauth2/token), the token sent as Bearer and
// refreshed once when Cal.com refuses it (30-minute tokens), a token without the webhook scope refused (403), and the
// API key credential of the same project still working the key's way.
describe.each(DIALECTS)('Cal.com with an OAuth client, end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let cal: FakeCalcom;
  const SCOPES = ['PROFILE_READ', 'EVENT_TYPE_READ', 'EVENT_TYPE_WRITE', 'BOOKING_READ'];
  const hookFor = (subscriptionId: string): CalcomHook | undefined => [...cal.hooks.values()].find((h) => h.subscriberUrl === `${w.t.url}/hooks/s/${subscriptionId}`);
  const subscribeWith = (credentialId: string) => w.subscribe('CALCOM_TRIGGER_BOOKING_CREATED', {}, { 'x-paragon-credential': credentialId });

  async function connect(token: string, scopes?: string[]): Promise<string> {
    const start = await w.user.post(`${w.base}/connect/calcom`, { redirectUrl: 'https://app.example.com/connected' });
    expect(start.status, start.text).toBe(200);
    const authorizationUrl = new URL(start.body.authorizationUrl);
    expect(`${authorizationUrl.origin}${authorizationUrl.pathname}`).toBe('https://app.cal.com/auth/oauth2/authorize');
    expect(Object.fromEntries(authorizationUrl.searchParams)).toMatchObject({ client_id: cal.clientId, scope: SCOPES.join(' ') });
    cal.codes.set('cal-code-1', { token, scopes: scopes ?? authorizationUrl.searchParams.get('scope')!.split(' ') });
    const cb = await w.t.admin.get(`/oauth/callback?code=cal-code-1&state=${encodeURIComponent(authorizationUrl.searchParams.get('state')!)}`);
    expect(cb.status, cb.text).toBe(302);
    return new URL(String(cb.headers.location)).searchParams.get('credentialId')!;
  }

  beforeEach(async () => {
    cal = await startFakeCalcom();
    w = await startIntegrationWorld({
      dialect,
      integration: calcomIntegration,
      config: { apiBaseUrl: cal.apiBaseUrl, tokenUrl: cal.tokenUrl, clientId: cal.clientId, clientSecret: cal.clientSecret },
      credential: { apiKey: cal.apiKey, providerAccountId: 'key-account' },
    });
  });
  afterEach(async () => {
    await w.close();
    await cal.close();
  });

  it('connects through OAuth, creates the webhook with the token, receives signed events, refreshes a refused token once', async () => {
    const listed = (await w.t.admin.get(`/admin/v1/projects/${w.project.id}/integrations`)).body.integrations.find((i: { integration: string }) => i.integration === 'calcom');
    expect(listed).toMatchObject({ authKind: 'apiKey', authKinds: ['apiKey', 'oauth2'] });

    const oauthId = await connect('cal-oauth-token-1');
    expect(cal.tokenRequests).toEqual([expect.objectContaining({ grant_type: 'authorization_code', code: 'cal-code-1', client_id: cal.clientId, client_secret: cal.clientSecret })]);
    expect(await w.t.svc.storage.credentials.get(oauthId)).toMatchObject({ providerAccountId: String(cal.userId), secrets: { accessToken: 'cal-oauth-token-1', refreshToken: 'cal-refresh-1' } });

    const sub = subscriptionOf(await subscribeWith(oauthId));
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId: oauthId });
    expect(cal.requests.find((r) => r.method === 'POST')).toMatchObject({ path: '/v2/webhooks', auth: 'Bearer cal-oauth-token-1' });
    const hook = hookFor(sub.id)!;
    expect((await cal.deliver(hook.id, bookingCreated, { secret: 'wrong' })).status).toBe(401);
    expect((await cal.deliver(hook.id, bookingCreated)).status).toBe(200);
    expect((await cal.deliver(hook.id, bookingCreated)).status).toBe(200);
    await w.worker.drain();
    expect((await w.receiver.waitFor(1))[0]!.json).toMatchObject({ triggerType: 'CALCOM_TRIGGER_BOOKING_CREATED', credentialId: oauthId, payload: bookingCreated });
    expect(await w.events()).toHaveLength(1);

    // The 30-minute token is refused: one refresh, the call made again with the new token.
    cal.tokens.delete('cal-oauth-token-1');
    const before = cal.requests.length;
    subscriptionOf(await subscribeWith(oauthId));
    expect(cal.tokenRequests.at(-1)).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'cal-refresh-1' });
    const fresh = (await w.t.svc.storage.credentials.get(oauthId))!.secrets.accessToken!;
    expect(cal.requests.slice(before).map((r) => r.auth)).toEqual(['Bearer cal-oauth-token-1', `Bearer ${fresh}`]);

    // The API key credential still works, as Bearer <key>, never refreshed.
    const keySub = subscriptionOf(await subscribeWith(w.credentialId!));
    expect(keySub.credentialId).toBe(w.credentialId);
    expect(cal.requests.at(-1)).toMatchObject({ method: 'POST', auth: `Bearer ${cal.apiKey}` });
  });

  it('a token granted without the webhook scope is refused at subscribe time (403), nothing left behind', async () => {
    const oauthId = await connect('cal-oauth-token-2', ['PROFILE_READ', 'BOOKING_READ']);
    const r = await subscribeWith(oauthId);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.text).toContain('EVENT_TYPE_WRITE');
    expect(r.text).not.toContain('cal-oauth-token-2');
    expect(cal.hooks.size).toBe(0);
    expect(cal.tokenRequests.filter((t) => t.grant_type === 'refresh_token')).toHaveLength(0);
  });
});
