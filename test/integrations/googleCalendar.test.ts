// Google Calendar, source level: the triggers' poll / register / toItems / renew / unregister against the
// fake Google Calendar over real HTTP (sync tokens, paging, 410 Gone, push channels with X-Goog-* headers),
// and the pure rules (keys, creation vs update, past events).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CREATION_GRACE_MS, isModification, isPastEvent, listEvents, watchEvents, type CalendarEvent } from '../../src/integrations/googleCalendar/calendar.js';
import eventsList from '../../src/integrations/googleCalendar/fixtures/events-list.json' with { type: 'json' };
import notificationHeaders from '../../src/integrations/googleCalendar/fixtures/notification-headers.json' with { type: 'json' };
import rateLimitedBody from '../../src/integrations/googleCalendar/fixtures/rate-limited.json' with { type: 'json' };
import syncTokenGone from '../../src/integrations/googleCalendar/fixtures/sync-token-gone.json' with { type: 'json' };
import watchResponse from '../../src/integrations/googleCalendar/fixtures/watch-response.json' with { type: 'json' };
import { channelTokenScheme, googleCalendarIntegration } from '../../src/integrations/googleCalendar/integration.js';
import { ProviderError, schemeProblems, verifyRequest, type PollSource, type WebhookSource } from '../../src/sdk/index.js';
import { TestClock } from '../helpers/clock.js';
import {
  HookRunner,
  PollRunner,
  httpFor,
  rateLimited,
  sourceContext,
  startFakeGoogleCalendar,
  withDefaults,
  type FakeGoogleCalendar,
} from '../providers/google-calendar.js';

const MIN = 60_000;

function trigger(type: string) {
  const t = googleCalendarIntegration.triggers.find((x) => x.type === type);
  if (!t) throw new Error(`no trigger ${type}`);
  return t;
}

describe('Google Calendar catalog', () => {
  it('declares the binding trigger types with Paragon parameters and doc links', () => {
    expect(googleCalendarIntegration.triggers.map((t) => [t.type, t.source.kind])).toEqual([
      ['GOOGLE_CALENDAR_TRIGGER_EVENT_CREATED', 'poll'],
      ['GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_UPDATED', 'webhook'],
      ['GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_CREATED', 'webhook'],
      ['GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_CANCELLED', 'webhook'],
    ]);
    expect(trigger('GOOGLE_CALENDAR_TRIGGER_EVENT_CREATED').parameters.map((p) => [p.id, p.type, p.defaultValue])).toEqual([
      ['calendarId', 'TEXTAREA', 'primary'],
      ['collapseRecurringEventUpdates', 'BOOLEAN_INPUT', true],
    ]);
    expect(trigger('GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_UPDATED').parameters.map((p) => [p.id, p.defaultValue])).toEqual([
      ['calendarId', 'primary'],
      ['collapseRecurringEventUpdates', true],
      ['shouldTriggerOnPastEventUpdates', false],
    ]);
    for (const t of googleCalendarIntegration.triggers) expect(t.docsUrl).toMatch(/^https:\/\/developers\.google\.com\//);
    expect(googleCalendarIntegration.auth).toMatchObject({
      kind: 'oauth2', authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth', tokenUrl: 'https://oauth2.googleapis.com/token',
      extraAuthorizationParams: { access_type: 'offline', prompt: 'consent' },
    });
  });

  it('verifies push notifications by the channel token, in the documented headers', () => {
    expect(schemeProblems(channelTokenScheme)).toEqual([]);
    const req = (headers: Record<string, string>) => ({ method: 'POST', url: '/hooks/s/x', headers, rawBody: Buffer.alloc(0) });
    expect(verifyRequest(channelTokenScheme, req(notificationHeaders), { secret: '398348u3tu83ut8uu38' }, 0)).toEqual({ ok: true });
    expect(verifyRequest(channelTokenScheme, req({ ...notificationHeaders, 'x-goog-channel-token': 'guess' }), { secret: '398348u3tu83ut8uu38' }, 0).ok).toBe(false);
    const { 'x-goog-channel-token': _t, ...withoutToken } = notificationHeaders;
    expect(verifyRequest(channelTokenScheme, req(withoutToken), { secret: '398348u3tu83ut8uu38' }, 0).ok).toBe(false);
  });
});

describe('Google Calendar rules', () => {
  const ev = (o: Partial<CalendarEvent>): CalendarEvent => ({ id: 'e1', ...o });
  it('tells an update from the writes that create an event', () => {
    expect(isModification(ev({ created: '2024-01-01T10:00:00.000Z', updated: '2024-01-01T10:00:02.356Z' }))).toBe(false);
    expect(isModification(ev({ created: '2024-01-01T10:00:00.000Z', updated: new Date(Date.parse('2024-01-01T10:00:00Z') + CREATION_GRACE_MS).toISOString() }))).toBe(true);
    expect(isModification(ev({ updated: '2024-01-01T10:00:00Z' }))).toBe(true);
    expect(isModification(ev({}))).toBe(false);
  });
  it('knows when an event is over, recurring series included', () => {
    const now = Date.parse('2024-06-01T00:00:00Z');
    expect(isPastEvent(ev({ end: { dateTime: '2024-05-31T23:00:00Z' } }), now)).toBe(true);
    expect(isPastEvent(ev({ end: { dateTime: '2024-06-01T01:00:00+02:00' } }), now)).toBe(true);
    expect(isPastEvent(ev({ end: { dateTime: '2024-06-01T01:00:00Z' } }), now)).toBe(false);
    expect(isPastEvent(ev({ end: { date: '2024-06-01' } }), now)).toBe(false);
    expect(isPastEvent(ev({ end: { date: '2024-05-31' } }), now)).toBe(true);
    const old = { end: { dateTime: '2020-01-01T10:00:00Z' } };
    expect(isPastEvent(ev({ ...old, recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO'] }), now)).toBe(false);
    expect(isPastEvent(ev({ ...old, recurrence: ['RRULE:FREQ=DAILY;COUNT=5'] }), now)).toBe(false);
    expect(isPastEvent(ev({ ...old, recurrence: ['RRULE:FREQ=DAILY;UNTIL=20240101T000000Z'] }), now)).toBe(true);
    expect(isPastEvent(ev({ ...old, recurrence: ['RRULE:FREQ=DAILY;UNTIL=20250101'] }), now)).toBe(false);
  });
});

describe('Google Calendar triggers against the fake Google Calendar', () => {
  let google: FakeGoogleCalendar;
  let clock: TestClock;
  const ctxFor = (type: string, params: Record<string, unknown> = {}) => () => sourceContext(httpFor(googleCalendarIntegration, google.url), withDefaults(trigger(type), params), clock.now);

  beforeEach(async () => {
    clock = new TestClock(Date.parse('2026-03-02T09:00:00Z'));
    google = await startFakeGoogleCalendar({ now: clock.now });
    google.insertEvent({ id: 'existing1', summary: 'Standup' });
    google.insertEvent({ id: 'existing2', summary: 'Planning' });
    google.insertEvent({ id: 'series1', summary: 'Weekly 1:1', recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'] });
    clock.advance(MIN);
  });
  afterEach(async () => {
    await google.close();
  });

  it("understands Google's documented answers (fixtures): the Events page, the watch channel, 410 and 403 bodies", async () => {
    const http = httpFor(googleCalendarIntegration, google.url);
    const target = { calendarId: 'primary', singleEvents: false };
    google.failNext(1, { status: 200, body: eventsList, path: /\/events$/ });
    expect(await listEvents(http, target, null)).toEqual({ kind: 'ok', events: [], nextSyncToken: 'CPDAlvWDx70CEPDAlvWDx70CGAU=' });
    google.failNext(1, { status: 410, body: syncTokenGone, path: /\/events$/ });
    expect(await listEvents(http, target, 'CPDAlvWDx70CEPDAlvWDx70CGAU=')).toEqual({ kind: 'gone' });
    google.failNext(1, { status: 403, body: rateLimitedBody });
    await expect(listEvents(http, target, null)).rejects.toMatchObject({ kind: 'rate_limited', message: expect.stringContaining('User Rate Limit Exceeded') });
    // The doc example's expiration is a JSON number (the discovery document types it int64, i.e. a string).
    google.failNext(1, { status: 200, body: watchResponse, path: /\/watch$/ });
    expect(await watchEvents(http, 'primary', 'https://example.com/hook', 't', 1426325213000 - 86_400_000)).toEqual({ channelId: '01234567-89ab-cdef-0123456789ab', resourceId: 'o3hgv1538sdjfh', expiration: 1426325213000 });
  });

  describe('GOOGLE_CALENDAR_TRIGGER_EVENT_CREATED (polling)', () => {
    const TYPE = 'GOOGLE_CALENDAR_TRIGGER_EVENT_CREATED';
    const runner = (params: Record<string, unknown> = {}) => new PollRunner(trigger(TYPE).source as PollSource, ctxFor(TYPE, params));

    it('baselines with a full paged list, then emits each new event once from incremental syncs', async () => {
      google.pageSize = 2;
      const r = runner();
      expect(await r.poll()).toEqual([]);
      // The baseline read every page and recorded every existing event, without storing their bodies.
      const lists = google.requests.filter((q) => q.path.endsWith('/events'));
      expect(lists.map((q) => q.query.get('pageToken') !== null)).toEqual([false, true]);
      expect(lists[0]!.query.get('showDeleted')).toBe('true');
      expect([...r.seen].sort()).toEqual(['existing1', 'existing2', 'series1']);

      const created = google.insertEvent({ summary: 'Launch review' });
      google.updateEvent('existing1', { summary: 'Standup (moved)' });
      clock.advance(MIN);
      const first = await r.poll();
      expect(first.map((i) => i.key)).toEqual([created.id]);
      expect(first[0]!.payload).toMatchObject({ id: created.id, summary: 'Launch review', status: 'confirmed' });
      expect(first[0]!.occurredAt).toBe(Date.parse(created.created!));
      const incremental = google.requests.filter((q) => q.path.endsWith('/events')).at(-1)!;
      expect(incremental.query.get('syncToken')).toBeTruthy();
      expect(incremental.query.get('showDeleted')).toBeNull();

      // An update of the new event, then nothing at all: nothing new.
      google.updateEvent(created.id, { summary: 'Launch review v2' });
      expect(await r.poll()).toEqual([]);
      expect(await r.poll()).toEqual([]);
    });

    it('pages an incremental sync and never reports deletions as new events', async () => {
      const r = runner();
      await r.poll();
      google.pageSize = 2;
      const ids = [1, 2, 3, 4, 5].map((n) => google.insertEvent({ summary: `n${n}` }).id);
      google.deleteEvent(ids[4]!);
      google.deleteEvent('existing2');
      expect((await r.poll()).map((i) => i.key).sort()).toEqual(ids.slice(0, 4).sort());
    });

    it('on 410 Gone lists in full again and re-emits nothing it already knew', async () => {
      const r = runner();
      await r.poll();
      const a = google.insertEvent({ summary: 'a' });
      expect((await r.poll()).map((i) => i.key)).toEqual([a.id]);
      google.expireSyncTokens();
      const b = google.insertEvent({ summary: 'b' });
      expect((await r.poll()).map((i) => i.key)).toEqual([b.id]);
      const lists = google.requests.filter((q) => q.path.endsWith('/events')).slice(-2);
      expect(lists.map((q) => q.query.has('syncToken'))).toEqual([true, false]);
      // The new token from the full list works incrementally again.
      const c = google.insertEvent({ summary: 'c' });
      expect((await r.poll()).map((i) => i.key)).toEqual([c.id]);
    });

    it('collapses a new recurring series into one event by default, and expands it into instances when asked', async () => {
      const collapsed = runner();
      const expanded = runner({ collapseRecurringEventUpdates: false });
      await collapsed.poll();
      await expanded.poll();
      expect(google.requests.filter((q) => q.path.endsWith('/events')).map((q) => q.query.get('singleEvents'))).toEqual(['false', 'true']);
      const series = google.insertEvent({ summary: 'Daily sync', recurrence: ['RRULE:FREQ=DAILY;COUNT=3'] });
      expect((await collapsed.poll()).map((i) => i.key)).toEqual([series.id]);
      expect((await expanded.poll()).map((i) => i.key)).toHaveLength(3);
      // One instance of an existing series moved: an exception with its own id, not a new event when collapsed.
      google.insertEvent({ id: 'series1_20260309T090000Z', recurringEventId: 'series1', summary: 'Weekly 1:1 (moved)' });
      expect(await collapsed.poll()).toEqual([]);
    });

    it('classifies Google rate limits (403 usageLimits, 429) and 5xx for the engine', async () => {
      const r = runner();
      google.failNext(1, rateLimited.userRateLimit());
      await expect(r.poll()).rejects.toMatchObject({ kind: 'rate_limited', status: 403 });
      google.failNext(1, rateLimited.tooMany(30));
      await expect(r.poll()).rejects.toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 30_000 });
      google.failNext(1, rateLimited.backendError(503));
      await expect(r.poll()).rejects.toMatchObject({ kind: 'transient', status: 503 });
      google.failNext(1, { status: 403, body: { error: { errors: [{ domain: 'global', reason: 'forbidden', message: 'Forbidden' }], code: 403, message: 'Forbidden' } } });
      const err = await r.poll().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect(err).toMatchObject({ kind: 'permanent', message: expect.stringContaining('Forbidden') });
      expect(await r.poll()).toEqual([]);
    });

    it('finds the account id (the primary calendar id)', async () => {
      expect(await googleCalendarIntegration.accountId!({ http: httpFor(googleCalendarIntegration, google.url), token: { accessToken: 'valid-token' } })).toEqual({ providerAccountId: 'lpage@example.com' });
    });
  });

  describe('push-channel triggers', () => {
    const runners: HookRunner[] = [];
    const hook = async (type: string, params: Record<string, unknown> = {}) => {
      const h = new HookRunner(trigger(type).source as WebhookSource, ctxFor(type, params), clock.now);
      await h.start();
      runners.push(h);
      return h;
    };
    afterEach(async () => {
      for (const h of runners.splice(0)) await h.close();
    });

    it('registers: a full paged list for the sync token, then a channel carrying our secret as its token', async () => {
      google.pageSize = 2;
      const h = await hook('GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_CREATED', { calendarId: 'team@group.calendar.google.com' });
      const reg = await h.register('s3cret-token');
      const [ch] = google.activeChannels('team@group.calendar.google.com');
      expect(ch).toMatchObject({ address: h.url, token: 's3cret-token' });
      expect(ch!.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(reg.expiresAt).toBe(ch!.expiration);
      expect(reg.expiresAt).toBe(clock.now() + 604_800_000);
      const watch = google.requests.find((q) => q.path.endsWith('/events/watch'))!;
      expect(watch.path).toBe('/calendar/v3/calendars/team%40group.calendar.google.com/events/watch');
      expect(watch.body).toEqual({ id: ch!.id, type: 'web_hook', address: h.url, token: 's3cret-token', params: { ttl: '604800' } });
      expect(h.state).toMatchObject({ channelId: ch!.id, resourceId: ch!.resourceId, syncToken: expect.any(String), baselineAt: clock.now() });
      // The list came first, and was read to its last page.
      const order = google.requests.map((q) => (q.path.endsWith('/watch') ? 'watch' : 'list'));
      expect(order.at(-1)).toBe('watch');
    });

    it('created: the sync message yields nothing; each notification syncs incrementally and stores the new token', async () => {
      const h = await hook('GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_CREATED');
      await h.register();
      await new Promise((r) => setTimeout(r, 50));
      expect(google.notifications.map((n) => [n.resourceState, n.status])).toEqual([['sync', 200]]);
      expect(google.requests.filter((q) => q.query.has('syncToken'))).toHaveLength(0);

      const a = google.insertEvent({ summary: 'Kickoff' });
      google.updateEvent('existing1', { summary: 'Standup!' }); // an old event edited: not created
      const token = h.state.syncToken;
      expect((await google.notify()).map((n) => n.status)).toEqual([200]);
      expect(h.take().map((i) => [i.key, (i.payload as { summary: string }).summary])).toEqual([[a.id, 'Kickoff']]);
      expect(h.state.syncToken).not.toBe(token);
      expect(google.requests.filter((q) => q.query.has('syncToken')).map((q) => q.query.get('syncToken'))).toEqual([token]);

      // Google re-sending the same message (retry) and more edits of the new event: nothing new.
      google.updateEvent(a.id, { summary: 'Kickoff (room 2)' });
      await google.notify('primary', { repeatMessage: true });
      await google.notify();
      expect(h.take()).toEqual([]);
    });

    it('updated: versions of existing events, not creations, and not past events unless asked', async () => {
      const h = await hook('GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_UPDATED');
      const past = await hook('GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_UPDATED', { shouldTriggerOnPastEventUpdates: true });
      await h.register('s-1');
      await past.register('s-2');
      clock.advance(MIN);
      const fresh = google.insertEvent({ summary: 'Just created' });
      const v1 = google.updateEvent('existing1', { summary: 'Standup v1' });
      const over = google.insertEvent({ id: 'over1', created: '2026-01-01T00:00:00.000Z', start: { dateTime: '2026-01-05T10:00:00Z' }, end: { dateTime: '2026-01-05T11:00:00Z' } });
      const overEdit = google.updateEvent(over.id, { summary: 'notes added after the meeting' });
      google.deleteEvent('existing2');
      await google.notify();
      expect(h.take().map((i) => i.key)).toEqual([`existing1:${v1.updated}`]);
      expect(past.take().map((i) => i.key)).toEqual([`existing1:${v1.updated}`, `over1:${overEdit.updated}`]);
      expect(fresh.id).toBeTruthy();

      clock.advance(MIN);
      const v2 = google.updateEvent('existing1', { summary: 'Standup v2' });
      await google.notify();
      expect(h.take().map((i) => i.key)).toEqual([`existing1:${v2.updated}`]);
      // A new event edited well after its creation is an update too.
      clock.advance(MIN);
      const edited = google.updateEvent(fresh.id, { summary: 'Just created, renamed' });
      await google.notify();
      expect(h.take().map((i) => i.key)).toEqual([`${fresh.id}:${edited.updated}`]);
    });

    it('cancelled: deleted events and cancelled instances, once', async () => {
      const h = await hook('GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_CANCELLED');
      await h.register();
      clock.advance(MIN);
      google.deleteEvent('existing1');
      google.insertEvent({ id: 'series1_20260316T090000Z', recurringEventId: 'series1', status: 'cancelled', originalStartTime: { dateTime: '2026-03-16T09:00:00Z' } });
      google.updateEvent('existing2', { summary: 'not a cancellation' });
      await google.notify();
      const items = h.take();
      expect(items.map((i) => (i.payload as { id: string }).id).sort()).toEqual(['existing1', 'series1_20260316T090000Z']);
      expect(items.find((i) => (i.payload as { id: string }).id === 'existing1')!.payload).toMatchObject({ id: 'existing1', status: 'cancelled' });
      await google.notify();
      expect(h.take()).toEqual([]);
    });

    it('on 410 Gone during a notification: a full list, nothing known re-emitted, changes since the last sync reported', async () => {
      const created = await hook('GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_CREATED');
      const updated = await hook('GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_UPDATED');
      const cancelled = await hook('GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_CANCELLED');
      for (const [i, h] of [created, updated, cancelled].entries()) await h.register(`secret-${i}`);
      clock.advance(MIN);
      const a = google.insertEvent({ summary: 'a' });
      const u1 = google.updateEvent('existing1', { summary: 'edit 1' });
      await google.notify();
      expect(created.take().map((i) => i.key)).toEqual([a.id]);
      expect(updated.take().map((i) => i.key)).toEqual([`existing1:${u1.updated}`]);

      clock.advance(MIN);
      google.expireSyncTokens();
      const b = google.insertEvent({ summary: 'b' });
      const u2 = google.updateEvent('existing2', { summary: 'edit 2' });
      google.deleteEvent('series1');
      expect((await google.notify()).map((n) => n.status)).toEqual([200, 200, 200]);
      expect(created.take().map((i) => i.key)).toEqual([b.id]);
      expect(updated.take().map((i) => i.key)).toEqual([`existing2:${u2.updated}`]);
      expect(cancelled.take().map((i) => (i.payload as { id: string }).id)).toEqual(['series1']);
      // And the fresh token is used from then on.
      const c = google.insertEvent({ summary: 'c' });
      await google.notify();
      expect(created.take().map((i) => i.key)).toEqual([c.id]);
    });

    it('refuses a notification with a wrong channel token, and ignores another resource', async () => {
      const h = await hook('GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_CREATED');
      await h.register('right-token');
      google.insertEvent({ summary: 'x' });
      expect((await google.notify('primary', { token: 'wrong-token' })).map((n) => n.status)).toEqual([401]);
      expect(h.take()).toEqual([]);
      const ctx = ctxFor('GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_CREATED')();
      const other = await (trigger('GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_CREATED').source as WebhookSource).toItems(
        { method: 'POST', url: '/', headers: { 'x-goog-resource-state': 'exists', 'x-goog-resource-id': 'someone-else' }, rawBody: Buffer.alloc(0), body: null },
        { ...ctx, state: h.state },
      );
      expect(other).toEqual([]);
    });

    it('answers 503 (so Google retries) when the sync hits a rate limit, and catches up on the retry', async () => {
      const h = await hook('GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_CREATED');
      await h.register();
      const a = google.insertEvent({ summary: 'a' });
      google.failNext(1, { ...rateLimited.userRateLimit(), path: /\/events$/ });
      expect((await google.notify()).map((n) => n.status)).toEqual([503]);
      expect(h.take()).toEqual([]);
      await google.notify('primary', { repeatMessage: true });
      expect(h.take().map((i) => i.key)).toEqual([a.id]);
    });

    it('renews with a new channel and token, then stops the old channel; unregister stops it (404 tolerated)', async () => {
      const h = await hook('GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_UPDATED');
      await h.register('first-token');
      const [old] = google.activeChannels();
      const syncToken = h.state.syncToken;
      clock.advance(6 * 24 * 60 * MIN);
      const renewed = await h.renew();
      const active = google.activeChannels();
      expect(active).toHaveLength(1);
      expect(active[0]!.id).not.toBe(old!.id);
      expect(old!.stopped).toBe(true);
      expect(active[0]!.token).toBe(renewed.secret);
      expect(renewed.secret).toMatch(/^[0-9a-f]{64}$/);
      expect(renewed.expiresAt).toBe(clock.now() + 604_800_000);
      expect(h.state).toMatchObject({ channelId: active[0]!.id, resourceId: old!.resourceId, syncToken });
      expect(google.requests.find((q) => q.path === '/calendar/v3/channels/stop')!.body).toEqual({ id: old!.id, resourceId: old!.resourceId });
      // The new channel works with the new secret.
      clock.advance(MIN);
      const v = google.updateEvent('existing1', { summary: 'after renewal', end: { dateTime: new Date(clock.now() + 60 * MIN).toISOString() } });
      expect((await google.notify()).map((n) => n.status)).toEqual([200]);
      expect(h.take().map((i) => i.key)).toEqual([`existing1:${v.updated}`]);

      await h.unregister();
      expect(google.activeChannels()).toEqual([]);
      await expect(h.unregister()).resolves.toBeUndefined();
    });
  });
});
