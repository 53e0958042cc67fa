// Eventbrite end to end through the public API, on SQLite and PostgreSQL: subscribe → the fake Eventbrite gets an
// organization webhook for our per-subscription URL with `?token=<secret>` and the trigger's one action → Eventbrite
// posts `{config, api_url}` there → we read the object back from the configured API host → exactly one signed
// delivery → a retry adds nothing → unsubscribe → the webhook is deleted. Plus wrong or missing tokens refused, an
// api_url on a foreign host never followed, the event filter, errors mapped at subscribe time, the hourly check
// re-creating a deleted webhook, and connecting through OAuth (user and organization read at connect).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import attendeeFixture from '../../src/integrations/eventbrite/fixtures/attendee.json' with { type: 'json' };
import eventFixture from '../../src/integrations/eventbrite/fixtures/event.json' with { type: 'json' };
import orderFixture from '../../src/integrations/eventbrite/fixtures/order.json' with { type: 'json' };
import { eventbriteIntegration } from '../../src/integrations/eventbrite/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeEventbrite, type EbHook, type FakeEventbrite } from '../providers/eventbrite.js';

const TOKEN = 'eb-access-token-1';
const ORG = '698566935713';
const EVENT = eventFixture.id;

describe.each(DIALECTS)('Eventbrite end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let eb: FakeEventbrite;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribe = (type: string, parameters: Record<string, unknown> = {}) => user.post(`${base}/trigger-subscriptions`, { integration: 'eventbrite', type, parameters });
  const subscribed = async (type: string, parameters?: Record<string, unknown>) => {
    const r = await subscribe(type, parameters);
    expect(r.status, r.text).toBe(200);
    return r.body as { id: string; status: string; credentialId: string };
  };
  const hookFor = (id: string): EbHook | undefined => [...eb.hooks.values()].find((h) => h.endpoint_url.startsWith(`${t.url}/hooks/s/${id}?`));
  const tokenOf = (hook: EbHook) => new URL(hook.endpoint_url).searchParams.get('token')!;
  const payloads = () => receiver.requests.map((r) => (r.json as { payload: unknown }).payload);
  const delivery = (hook: EbHook, action: string, apiUrl: string) => ({ config: { action, user_id: eb.userId, endpoint_url: hook.endpoint_url, webhook_id: hook.id }, api_url: apiUrl });

  beforeEach(async () => {
    eb = await startFakeEventbrite();
    eb.tokens.add(TOKEN);
    eb.orders.set(orderFixture.id, orderFixture);
    eb.events.set(EVENT, eventFixture);
    eb.attendees.set(`${EVENT}/${attendeeFixture.id}`, attendeeFixture);
    w = await startIntegrationWorld({
      dialect,
      integration: eventbriteIntegration,
      config: { apiBaseUrl: `${eb.url}/v3`, authorizationUrl: `${eb.url}/oauth/authorize`, tokenUrl: `${eb.url}/oauth/token`, clientId: eb.clientId, clientSecret: eb.clientSecret },
      credential: { accessToken: TOKEN, providerAccountId: eb.userId, extra: { organizationId: ORG } },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await eb.close();
  });

  it('order placed: webhook created for the action, the order read back, one signed delivery, retry deduplicated, webhook deleted', async () => {
    const sub = await subscribed('EVENTBRITE_TRIGGER_ORDER_PLACED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ organizationId: ORG, actions: ['order.placed'], event_id: null });
    expect(tokenOf(hook)).toMatch(/^[0-9a-f]{64}$/);
    expect(eb.requests[0]).toMatchObject({ method: 'POST', path: `/v3/organizations/${ORG}/webhooks/`, token: TOKEN });

    expect(await eb.fire('order.placed', `/orders/${orderFixture.id}/`)).toEqual([{ hook: hook.id, status: 200 }]);
    expect(eb.requests.at(-1)).toMatchObject({ method: 'GET', path: `/v3/orders/${orderFixture.id}/`, token: TOKEN });
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({ integration: 'eventbrite', triggerType: 'EVENTBRITE_TRIGGER_ORDER_PLACED', triggerSubscriptionId: sub.id, credentialId, projectId: project.id, payload: { action: 'order.placed', ...orderFixture } });
    expectSignedDelivery(sent!, project.signingSecret);

    // Eventbrite retries; its "Test" button posts action "test"; an unknown order is gone: nothing more.
    await eb.fire('order.placed', `/orders/${orderFixture.id}/`);
    expect((await eb.post(hook.id, delivery(hook, 'test', `${eb.url}/v3/orders/${orderFixture.id}/`))).status).toBe(200);
    await eb.fire('order.placed', '/orders/999/');
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(eb.hooks.size).toBe(0);
    expect(eb.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
    expect(eb.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/v3/webhooks/${hook.id}/` });
  });

  it('never follows an api_url to another host: only its path names the object, read from the configured API', async () => {
    const hook = hookFor((await subscribed('EVENTBRITE_TRIGGER_ORDER_PLACED')).id)!;
    // A host nobody listens on: following it would fail; the order is read from apiBaseUrl instead.
    expect((await eb.post(hook.id, delivery(hook, 'order.placed', `http://127.0.0.1:1/v3/orders/${orderFixture.id}/`))).status).toBe(200);
    // An api_url that is not an order (the user, another resource) is ignored without any request.
    const before = eb.requests.length;
    expect((await eb.post(hook.id, delivery(hook, 'order.placed', `${eb.url}/v3/users/me/`))).status).toBe(200);
    expect((await eb.post(hook.id, delivery(hook, 'order.placed', 'not a url'))).status).toBe(200);
    expect(eb.requests.length).toBe(before);
    await worker.drain();
    await receiver.waitFor(1);
    expect(payloads()).toEqual([{ action: 'order.placed', ...orderFixture }]);
    expect(eb.requests.every((r) => r.host === new URL(eb.url).host)).toBe(true);
  });

  it('attendee updated (per version), checked in, event created and published; eventId scopes the webhook', async () => {
    const updated = hookFor((await subscribed('EVENTBRITE_TRIGGER_ATTENDEE_UPDATED', { eventId: EVENT })).id)!;
    const checkedIn = hookFor((await subscribed('EVENTBRITE_TRIGGER_ATTENDEE_CHECKED_IN')).id)!;
    const created = hookFor((await subscribed('EVENTBRITE_TRIGGER_EVENT_CREATED')).id)!;
    const published = hookFor((await subscribed('EVENTBRITE_TRIGGER_EVENT_PUBLISHED', { organizationId: ORG })).id)!;
    expect([updated.actions, checkedIn.actions, created.actions, published.actions]).toEqual([['attendee.updated'], ['attendee.checked_in'], ['event.created'], ['event.published']]);
    expect(updated.event_id).toBe(EVENT);

    const attendeePath = `/events/${EVENT}/attendees/${attendeeFixture.id}/`;
    await eb.fire('attendee.updated', attendeePath, { eventId: EVENT });
    await eb.fire('attendee.updated', attendeePath, { eventId: EVENT }); // same version: deduplicated
    const v2 = { ...attendeeFixture, checked_in: true, changed: '2026-04-05T02:10:00Z' };
    eb.attendees.set(`${EVENT}/${attendeeFixture.id}`, v2);
    await eb.fire('attendee.updated', attendeePath, { eventId: EVENT });
    await eb.fire('attendee.checked_in', attendeePath, { eventId: EVENT });
    await eb.fire('event.created', `/events/${EVENT}/`);
    await eb.fire('event.published', `/events/${EVENT}/`);
    await worker.drain();
    await receiver.waitFor(5);
    expect(payloads()).toEqual([
      { action: 'attendee.updated', ...attendeeFixture },
      { action: 'attendee.updated', ...v2 },
      { action: 'attendee.checked_in', ...v2 },
      { action: 'event.created', ...eventFixture },
      { action: 'event.published', ...eventFixture },
    ]);
  });

  it('refuses deliveries with a wrong, foreign or missing token with 401 and reads nothing', async () => {
    const hook = hookFor((await subscribed('EVENTBRITE_TRIGGER_ORDER_PLACED')).id)!;
    const other = hookFor((await subscribed('EVENTBRITE_TRIGGER_ORDER_PLACED')).id)!;
    const forged = (token: string | null) => {
      const u = new URL(hook.endpoint_url);
      if (token === null) u.searchParams.delete('token');
      else u.searchParams.set('token', token);
      return u.toString();
    };
    const before = eb.requests.length;
    const body = delivery(hook, 'order.placed', `${eb.url}/v3/orders/${orderFixture.id}/`);
    expect((await eb.post(hook.id, body, { url: forged('0'.repeat(64)) })).status).toBe(401);
    expect((await eb.post(hook.id, body, { url: forged(tokenOf(other)) })).status).toBe(401);
    expect((await eb.post(hook.id, body, { url: forged(null) })).status).toBe(401);
    await worker.drain();
    expect(eb.requests.length).toBe(before);
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('maps errors at subscribe time and stores nothing: bad parameters, unknown organization, forbidden, rate limit, 5xx, revoked token', async () => {
    for (const [parameters, field] of [[{ organizationId: '../x' }, 'organizationId'], [{ eventId: 'abc' }, 'eventId'], [{ eventId: 12 }, 'eventId']] as const) {
      const r = await subscribe('EVENTBRITE_TRIGGER_ORDER_PLACED', parameters);
      expect(r.status, r.text).toBe(400);
      expect(r.text).toContain(field);
    }
    const unknown = await subscribe('EVENTBRITE_TRIGGER_ORDER_PLACED', { organizationId: '42' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toContain('Eventbrite 404');
    expect(unknown.body.message).toContain('NOT_FOUND');
    eb.failNext(1, 403, { status_code: 403, error: 'NOT_AUTHORIZED', error_description: 'You do not have permission to access the resource you requested.' });
    const forbidden = await subscribe('EVENTBRITE_TRIGGER_ORDER_PLACED');
    expect(forbidden.status).toBe(422);
    expect(forbidden.body.message).toContain('NOT_AUTHORIZED');
    eb.failNext(1, 429, { status_code: 429, error: 'HIT_RATE_LIMIT', error_description: 'Hit rate limit.' }, { 'retry-after': '2' });
    expect((await subscribe('EVENTBRITE_TRIGGER_ORDER_PLACED')).status).toBe(429);
    eb.failNext(1, 503);
    expect((await subscribe('EVENTBRITE_TRIGGER_ORDER_PLACED')).status).toBe(502);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(eb.hooks.size).toBe(0);

    eb.tokens.clear();
    const unauthorized = await subscribe('EVENTBRITE_TRIGGER_ORDER_PLACED');
    expect(unauthorized.status).toBe(422);
    expect(unauthorized.text).not.toContain(TOKEN);
    expect(await t.svc.storage.credentials.get(credentialId)).toMatchObject({ status: 'INVALID' });
  });

  it('without an organization (parameter or connect), says organizationId is required', async () => {
    const bare = await user.post(`${base}/credentials`, { integration: 'eventbrite', accessToken: TOKEN });
    expect(bare.status, bare.text).toBe(201);
    const r = await w.subscribe('EVENTBRITE_TRIGGER_EVENT_CREATED', {}, { 'x-paragon-credential': bare.body.id });
    expect(r.status).toBe(422);
    expect(r.text).toContain('organizationId');
    expect(eb.hooks.size).toBe(0);
  });

  it('checks the webhook every hour: one deleted in Eventbrite is created again with a new token', async () => {
    const sub = await subscribed('EVENTBRITE_TRIGGER_EVENT_CREATED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });
    const first = hookFor(sub.id)!;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(eb.requests.at(-1)).toMatchObject({ method: 'GET', path: `/v3/webhooks/${first.id}/` });

    eb.hooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect(second.id).not.toBe(first.id);
    expect(tokenOf(second)).not.toBe(tokenOf(first));
    expect((await eb.post(second.id, delivery(second, 'event.created', `${eb.url}/v3/events/${EVENT}/`), { url: first.endpoint_url })).status).toBe(401);
    await eb.fire('event.created', `/events/${EVENT}/`);
    await worker.drain();
    await receiver.waitFor(1);
  });

  it('unsubscribes when the webhook was already deleted in Eventbrite (404)', async () => {
    const sub = await subscribed('EVENTBRITE_TRIGGER_ORDER_PLACED');
    eb.hooks.delete(hookFor(sub.id)!.id);
    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(eb.requests.at(-1)).toMatchObject({ method: 'DELETE' });
  });

  it('connects through OAuth, keeps the user and the first organization, and subscribes with the new token', async () => {
    const start = await user.post(`${base}/connect/eventbrite`, { redirectUrl: 'https://app.example.com/connected' });
    expect(start.status, start.text).toBe(200);
    const authorizationUrl = new URL(start.body.authorizationUrl);
    expect(`${authorizationUrl.origin}${authorizationUrl.pathname}`).toBe(`${eb.url}/oauth/authorize`);
    expect(Object.fromEntries(authorizationUrl.searchParams)).toMatchObject({ client_id: eb.clientId, response_type: 'code' });

    eb.codes.set('code-1', 'eb-connected-token');
    eb.tokens.add('eb-connected-token');
    const state = encodeURIComponent(authorizationUrl.searchParams.get('state')!);
    const cb = await t.admin.get(`/oauth/callback?code=code-1&state=${state}`);
    expect(cb.status, cb.text).toBe(302);
    const connectedId = new URL(String(cb.headers.location)).searchParams.get('credentialId')!;
    expect(eb.tokenRequests).toEqual([expect.objectContaining({ grant_type: 'authorization_code', code: 'code-1', client_id: eb.clientId, client_secret: eb.clientSecret })]);
    const stored = await t.svc.storage.credentials.get(connectedId);
    expect(stored).toMatchObject({ providerAccountId: eb.userId, secrets: { accessToken: 'eb-connected-token', extra: { organizationId: ORG, organizationName: 'Backroom Comedy', userName: 'Ada Lovelace' } } });

    const r = await w.subscribe('EVENTBRITE_TRIGGER_ORDER_PLACED', {}, { 'x-paragon-credential': connectedId });
    expect(r.status, r.text).toBe(200);
    expect(eb.requests.at(-1)).toMatchObject({ method: 'POST', path: `/v3/organizations/${ORG}/webhooks/`, token: 'eb-connected-token' });
  });
});
