// Google Calendar end to end through the public API, on SQLite and PostgreSQL, against the fake Google
// Calendar: subscribe → full list + events.watch observed at the fake → an event changes → Google's
// notification (no body, X-Goog-* headers, channel token) → incremental sync → exactly one signed delivery
// → Google re-sending the message / more notifications → no duplicate → 410 resync → nothing re-emitted →
// renewal (new channel, old stopped) → unsubscribe → channels.stop observed. Plus a wrong channel token
// (401, nothing stored), an expired access token refreshed, 429 / 403 usageLimits backed off, 5xx. The
// polling trigger runs through the real Poller.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Poller } from '../../src/engine/poller.js';
import { Renewals } from '../../src/engine/renewals.js';
import { pollerRole } from '../../src/roles.js';
import { googleCalendarIntegration } from '../../src/integrations/googleCalendar/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS, testKeyring } from '../helpers/databases.js';
import { headerMap, type FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { rateLimited, startFakeGoogleCalendar, type FakeGoogleCalendar } from '../providers/google-calendar.js';

const MIN = 60_000;

describe.each(DIALECTS)('Google Calendar end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let google: FakeGoogleCalendar;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let poller: Poller;
  let clock: TestClock;
  let base: string;
  let credentialId: string;

  const events = () => w.events(200);
  const subscribe = async (type: string, parameters: Record<string, unknown> = {}) => {
    const r = await user.post(`${base}/trigger-subscriptions`, { integration: 'googleCalendar', type, parameters });
    expect(r.status, r.text).toBe(200);
    return r.body as { id: string; parameters: Record<string, unknown> };
  };
  const channelOf = (subscriptionId: string) => [...google.channels.values()].find((c) => c.address === `${t.url}/hooks/s/${subscriptionId}` && !c.stopped);
  const deliveries = () => receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: any });

  beforeEach(async () => {
    clock = new TestClock(Date.now());
    google = await startFakeGoogleCalendar({ now: clock.now });
    google.insertEvent({ id: 'existing1', summary: 'Standup' });
    google.insertEvent({ id: 'existing2', summary: 'Planning' });
    w = await startIntegrationWorld({
      dialect,
      integration: googleCalendarIntegration,
      now: clock.now,
      poller: true,
      config: {
        clientId: 'google-client', clientSecret: 'google-client-secret', apiBaseUrl: google.url, tokenUrl: `${google.url}/token`,
      },
      credential: { accessToken: 'valid-token', refreshToken: 'valid-refresh-token', providerAccountId: 'lpage@example.com' },
    });
    ({ t, receiver, project, base, user, worker } = w);
    poller = w.poller!;
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await google.close();
  });

  it('webhook created: channel opened, notification synced, one signed delivery, retries deduped, channel stopped', async () => {
    const sub = await subscribe('GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_CREATED');
    expect(sub.parameters).toEqual({ calendarId: 'primary', collapseRecurringEventUpdates: true });
    const ch = channelOf(sub.id);
    expect(ch).toBeDefined();
    expect(ch!.token).toMatch(/^[0-9a-f]{64}$/);
    expect(google.requests.filter((q) => q.path.endsWith('/events')).map((q) => q.auth)).toEqual(['Bearer valid-token']);

    const created = google.insertEvent({ summary: 'Launch review' });
    expect((await google.notify()).map((n) => n.status)).toEqual([200]);
    await worker.drain();
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({
      integration: 'googleCalendar', triggerType: 'GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_CREATED', triggerSubscriptionId: sub.id,
      credentialId, userId: 'user-1', projectId: project.id, payload: { id: created.id, summary: 'Launch review', status: 'confirmed' },
    });
    expectSignedDelivery(delivery!, project.signingSecret);

    // Google re-sends the same message, then notifies for an edit of the same event: no second delivery.
    expect((await google.notify('primary', { repeatMessage: true })).map((n) => n.status)).toEqual([200]);
    google.updateEvent(created.id, { summary: 'Launch review (room 2)' });
    await google.notify();
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(google.channels.get(ch!.id)!.stopped).toBe(true);
    expect(google.activeChannels()).toEqual([]);
  });

  it('webhook updated and cancelled: one delivery per version and per cancellation; a 410 resync re-emits nothing', async () => {
    const updated = await subscribe('GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_UPDATED');
    const cancelled = await subscribe('GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_CANCELLED');
    clock.advance(MIN);
    const v1 = google.updateEvent('existing1', { summary: 'Standup v1' });
    google.insertEvent({ summary: 'brand new' }); // a creation, not an update
    await google.notify();
    // Let deliveries in flight finish before moving the clock past their lease.
    await worker.drain();
    clock.advance(MIN);
    google.deleteEvent('existing2');
    google.expireSyncTokens();
    expect((await google.notify()).map((n) => n.status)).toEqual([200, 200]);
    await google.notify();
    await worker.drain();
    await receiver.waitFor(2);
    await worker.drain();
    const got = deliveries();
    expect(got.filter((d) => d.triggerSubscriptionId === updated.id).map((d) => [d.payload.id, d.payload.updated])).toEqual([['existing1', v1.updated]]);
    expect(got.filter((d) => d.triggerSubscriptionId === cancelled.id).map((d) => [d.payload.id, d.payload.status])).toEqual([['existing2', 'cancelled']]);
    expect(got).toHaveLength(2);
  });

  it('refuses a notification with a wrong channel token (401) and stores nothing', async () => {
    const sub = await subscribe('GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_CREATED');
    const before = (await t.svc.storage.subscriptions.get(sub.id))!.state;
    google.insertEvent({ summary: 'x' });
    expect((await google.notify('primary', { token: 'forged-token' })).map((n) => n.status)).toEqual([401]);
    const ch = channelOf(sub.id)!;
    const bare = await fetch(ch.address, { method: 'POST', headers: { 'x-goog-channel-id': ch.id, 'x-goog-resource-state': 'exists', 'x-goog-resource-id': ch.resourceId } });
    expect(bare.status).toBe(401);
    expect(google.requests.filter((q) => q.query.has('syncToken'))).toHaveLength(0);
    expect((await t.svc.storage.subscriptions.get(sub.id))!.state).toEqual(before);
    await worker.drain();
    expect(await events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('refreshes an expired access token during a notification and delivers', async () => {
    const sub = await subscribe('GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_CREATED');
    google.validTokens.delete('valid-token');
    const e = google.insertEvent({ summary: 'after expiry' });
    expect((await google.notify()).map((n) => n.status)).toEqual([200]);
    expect(google.tokenRequests).toEqual([expect.objectContaining({ grant_type: 'refresh_token', refresh_token: 'valid-refresh-token', client_id: 'google-client' })]);
    expect(google.requests.at(-1)!.auth).toBe('Bearer ya29.fresh-1');
    await worker.drain();
    expect(deliveries().map((d) => [d.triggerSubscriptionId, d.payload.id])).toEqual([[sub.id, e.id]]);
  });

  it('answers 503 on a rate-limited or failing sync so Google retries, and delivers once on the retry', async () => {
    await subscribe('GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_CREATED');
    const e = google.insertEvent({ summary: 'busy' });
    google.failNext(1, { ...rateLimited.userRateLimit(), path: /\/events$/ });
    expect((await google.notify()).map((n) => n.status)).toEqual([503]);
    google.failNext(1, { ...rateLimited.backendError(500), path: /\/events$/ });
    expect((await google.notify('primary', { repeatMessage: true })).map((n) => n.status)).toEqual([503]);
    expect((await google.notify('primary', { repeatMessage: true })).map((n) => n.status)).toEqual([200]);
    await worker.drain();
    expect(deliveries().map((d) => d.payload.id)).toEqual([e.id]);
  });

  it('reports provider failures at subscribe and stores nothing', async () => {
    google.failNext(1, rateLimited.backendError(503));
    const down = await user.post(`${base}/trigger-subscriptions`, { type: 'GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_UPDATED', parameters: {} });
    expect(down.status).toBe(502);
    google.failNext(1, rateLimited.userRateLimit());
    const limited = await user.post(`${base}/trigger-subscriptions`, { type: 'GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_UPDATED', parameters: {} });
    expect(limited.status).toBe(429);
    google.failNext(1, { status: 404, body: { error: { errors: [{ domain: 'global', reason: 'notFound', message: 'Not Found' }], code: 404, message: 'Not Found' } } });
    const missing = await user.post(`${base}/trigger-subscriptions`, { type: 'GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_UPDATED', parameters: { calendarId: 'nope@group.calendar.google.com' } });
    expect(missing.status).toBe(422);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(google.channels.size).toBe(0);
  });

  it('renews the channel before it expires: a new channel with a new token, the old one stopped', async () => {
    const sub = await subscribe('GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_CREATED');
    const old = channelOf(sub.id)!;
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    expect((await renewals.runOnce()).subscriptions).toEqual({});
    clock.advance(old.expiration - clock.now() - 30 * MIN); // inside the renewal margin
    expect((await renewals.runOnce()).subscriptions).toEqual({ renewed: 1 });
    const now = channelOf(sub.id)!;
    expect(now.id).not.toBe(old.id);
    expect(google.channels.get(old.id)!.stopped).toBe(true);
    expect(now.token).not.toBe(old.token);
    const stored = (await t.svc.storage.subscriptions.get(sub.id))!;
    expect(stored.secret).toBe(now.token);
    expect(stored.state).toMatchObject({ channelId: now.id });
    // The renewed channel delivers.
    const e = google.insertEvent({ summary: 'after renewal' });
    expect((await google.notify()).map((n) => n.status)).toEqual([200]);
    await worker.drain();
    expect((await events()).map((ev) => ev.payload.id)).toEqual([e.id]);
  });

  it('backstop sync: a change whose notification never came is delivered once, after one interval (15 min by default)', async () => {
    const sub = await subscribe('GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_CREATED');
    const scheduled = (await t.svc.storage.subscriptions.get(sub.id))!.nextPollAt!;
    expect(scheduled - clock.now()).toBeGreaterThanOrEqual(0.9 * 15 * MIN);
    expect(scheduled - clock.now()).toBeLessThanOrEqual(1.1 * 15 * MIN);
    const missed = google.insertEvent({ summary: 'notification lost' }); // Google never notifies
    await poller.runDue();
    await worker.drain();
    expect(receiver.requests).toHaveLength(0);

    clock.advance(17 * MIN);
    await poller.runDue();
    await worker.drain();
    expect(deliveries().map((d) => [d.triggerSubscriptionId, d.payload.id])).toEqual([[sub.id, missed.id]]);
    const logs = (await t.admin.get(`/admin/v1/projects/${project.id}/subscriptions/${sub.id}/logs`)).body;
    expect(JSON.stringify(logs)).toContain('backstop sync found 1 event(s) the provider had not notified');
    const metrics = (await t.admin.get('/metrics')).text;
    expect(metrics).toMatch(/opentriggers_events_detected_total\{integration="googleCalendar",source="backstop"\} 1\n/);

    // The late notification, and the next interval's sync, find nothing new.
    await google.notify();
    clock.advance(17 * MIN);
    const syncsBefore = google.requests.filter((q) => q.query.has('syncToken')).length;
    await poller.runDue();
    await worker.drain();
    expect(google.requests.filter((q) => q.query.has('syncToken')).length).toBe(syncsBefore + 1);
    expect(receiver.requests).toHaveLength(1);

    // A failing sync is logged and tried again next interval; the subscription stays ACTIVE.
    const later = google.insertEvent({ summary: 'also lost' });
    google.failNext(1, { ...rateLimited.backendError(500), path: /\/events$/ });
    clock.advance(17 * MIN);
    await poller.runDue();
    const after = (await t.svc.storage.subscriptions.get(sub.id))!;
    expect([after.status, after.consecutiveFailures]).toEqual(['ACTIVE', 0]);
    clock.advance(17 * MIN);
    await poller.runDue();
    await worker.drain();
    expect(deliveries().map((d) => d.payload.id)).toEqual([missed.id, later.id]);
  });

  it('a sync that was running while the channel was renewed does not write the old channel back', async () => {
    const sub = await subscribe('GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_CREATED');
    const old = channelOf(sub.id)!;
    const e = google.insertEvent({ summary: 'during renewal' });
    const hold = google.holdNext(/\/events$/);
    const notified = google.notify();
    await hold.reached; // the notification's sync is in flight
    clock.advance(old.expiration - clock.now() - 30 * MIN);
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    expect((await renewals.runOnce()).subscriptions).toEqual({ renewed: 1 });
    const renewed = channelOf(sub.id)!;
    hold.release();
    expect((await notified).map((n) => n.status)).toEqual([200]);
    expect((await t.svc.storage.subscriptions.get(sub.id))!.state).toMatchObject({ channelId: renewed.id, expiration: renewed.expiration });
    await worker.drain();
    expect(deliveries().map((d) => d.payload.id)).toEqual([e.id]);
  });

  it('webhook subscriptions without a backstop schedule (made before it existed) get one when the poller role starts', async () => {
    const sub = await subscribe('GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_CREATED');
    const polling = await subscribe('GOOGLE_CALENDAR_TRIGGER_EVENT_CREATED');
    await t.svc.storage.subscriptions.update(sub.id, { nextPollAt: null });
    const role = await pollerRole(t.svc, testKeyring());
    try {
      const at = (await t.svc.storage.subscriptions.get(sub.id))!.nextPollAt!;
      expect(at).toBeGreaterThanOrEqual(clock.now());
      expect(at).toBeLessThan(clock.now() + 15 * MIN);
      expect((await t.svc.storage.subscriptions.get(polling.id))!.nextPollAt).toBeGreaterThan(clock.now());
    } finally {
      await role.stop();
    }
  });

  it('with OPENTRIGGERS_BACKSTOP_SYNC_SECONDS=0 nothing is synced without a notification', async () => {
    await w.close();
    w = await startIntegrationWorld({
      dialect, integration: googleCalendarIntegration, now: clock.now, poller: true,
      env: { OPENTRIGGERS_BACKSTOP_SYNC_SECONDS: '0' },
      config: { clientId: 'google-client', clientSecret: 'google-client-secret', apiBaseUrl: google.url, tokenUrl: `${google.url}/token` },
      credential: { accessToken: 'valid-token', refreshToken: 'valid-refresh-token', providerAccountId: 'lpage@example.com' },
    });
    ({ t, receiver, project, base, user, worker } = w);
    poller = w.poller!;
    const sub = await subscribe('GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_CREATED');
    expect((await t.svc.storage.subscriptions.get(sub.id))!.nextPollAt).toBeNull();
    google.insertEvent({ summary: 'never notified' });
    clock.advance(24 * 60 * MIN);
    await poller.runDue();
    await worker.drain();
    expect(google.requests.filter((q) => q.query.has('syncToken'))).toHaveLength(0);
    expect(receiver.requests).toHaveLength(0);
    // One scheduled while syncs were on is taken off the schedule, without a provider call.
    await t.svc.storage.subscriptions.update(sub.id, { nextPollAt: clock.now() });
    await poller.runDue();
    expect((await t.svc.storage.subscriptions.get(sub.id))!.nextPollAt).toBeNull();
    expect(google.requests.filter((q) => q.query.has('syncToken'))).toHaveLength(0);
  });

  it('polling created: baseline at subscribe, one delivery per new event, 410 resync re-emits nothing, 429 backs off', async () => {
    const sub = await subscribe('GOOGLE_CALENDAR_TRIGGER_EVENT_CREATED');
    expect(google.requests.filter((q) => q.path.endsWith('/events')).map((q) => q.query.has('syncToken'))).toEqual([false]);
    expect(await events()).toEqual([]);
    const a = google.insertEvent({ summary: 'a' });
    clock.advance(2000);
    await poller.runDue();
    await worker.drain();
    expect(deliveries().map((d) => [d.triggerType, d.payload.id])).toEqual([['GOOGLE_CALENDAR_TRIGGER_EVENT_CREATED', a.id]]);
    expect(headerMap(receiver.requests[0]!)['webhook-id']).toBeTruthy();

    google.expireSyncTokens();
    const b = google.insertEvent({ summary: 'b' });
    clock.advance(2000);
    await poller.runDue();
    clock.advance(2000);
    await poller.runDue();
    await worker.drain();
    expect(deliveries().map((d) => d.payload.id)).toEqual([a.id, b.id]);

    // 429: the credential is paused, the subscription stays ACTIVE, the item comes later.
    const c = google.insertEvent({ summary: 'c' });
    google.failNext(1, rateLimited.tooMany(120));
    clock.advance(2000);
    await poller.runDue();
    expect((await t.svc.storage.credentials.get(credentialId))!.rateLimitedUntil).toBe(clock.now() + 120_000);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
    const calls = google.requests.length;
    clock.advance(2000);
    await poller.runDue();
    expect(google.requests.length).toBe(calls); // paused: Google is not asked again before Retry-After
    // 5xx: counted as a failure, retried with backoff.
    clock.advance(121_000);
    google.failNext(1, rateLimited.backendError(503));
    await poller.runDue();
    expect((await t.svc.storage.subscriptions.get(sub.id))!.consecutiveFailures).toBe(1);
    clock.advance(10_000);
    await poller.runDue();
    await worker.drain();
    expect(deliveries().map((d) => d.payload.id)).toEqual([a.id, b.id, c.id]);
    expect((await t.svc.storage.subscriptions.get(sub.id))!.consecutiveFailures).toBe(0);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
  });
});
