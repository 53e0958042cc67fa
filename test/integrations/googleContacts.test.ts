// Google Contacts, source level: the three polling triggers against the fake People API over real HTTP —
// catalog, the full-sync baseline (nothing delivered, every page read), sync-token reads (created once per
// resourceName, updated once per version, deleted once), long reads carried over polls, an expired sync token
// (400 or 410) answered by a full read that delivers only what changed since the last read, and errors.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import list from '../../src/integrations/googleContacts/fixtures/list-connections.json' with { type: 'json' };
import { isExpiredSyncToken, PERSON_FIELDS } from '../../src/integrations/googleContacts/api.js';
import { googleContactsIntegration } from '../../src/integrations/googleContacts/integration.js';
import { MAX_PAGES } from '../../src/integrations/googleContacts/triggers/contacts.js';
import { ProviderError, type AnyTriggerDefinition, type PollSource } from '../../src/sdk/index.js';
import { TestClock } from '../helpers/clock.js';
import { PollRunner, httpFor, rateLimited, sourceContext } from '../providers/google-calendar.js';
import { startFakeGoogleContacts, type FakeGoogleContacts } from '../providers/googleContacts.js';

const CREATED = 'GOOGLE_CONTACTS_TRIGGER_CONTACT_CREATED';
const UPDATED = 'GOOGLE_CONTACTS_TRIGGER_CONTACT_UPDATED';
const DELETED = 'GOOGLE_CONTACTS_TRIGGER_CONTACT_DELETED';
const DAY = 86_400_000;
const trigger = (type: string): AnyTriggerDefinition => googleContactsIntegration.triggers.find((t) => t.type === type)!;

describe('Google Contacts catalog', () => {
  it('declares three polling triggers without parameters, read-only scope, People API base', () => {
    expect(googleContactsIntegration.key).toBe('googleContacts');
    expect(googleContactsIntegration.apiBaseUrl).toBe('https://people.googleapis.com');
    expect(googleContactsIntegration.auth).toMatchObject({ kind: 'oauth2', scopes: ['https://www.googleapis.com/auth/contacts.readonly'] });
    expect(googleContactsIntegration.triggers.map((t) => [t.type, t.source.kind, t.parameters.length])).toEqual([
      [CREATED, 'poll', 0], [UPDATED, 'poll', 0], [DELETED, 'poll', 0],
    ]);
    expect(trigger(CREATED).examplePayload).toMatchObject({ resourceName: list.connections[0]!.resourceName, names: [{ displayName: 'Ada Lovelace' }] });
    expect(trigger(DELETED).examplePayload).toMatchObject({ metadata: { deleted: true } });
  });

  it('recognizes the expired-sync-token answer by reason or message, and nothing else', () => {
    expect(isExpiredSyncToken({ error: { code: 400, status: 'FAILED_PRECONDITION', details: [{ reason: 'EXPIRED_SYNC_TOKEN' }] } })).toBe(true);
    expect(isExpiredSyncToken({ error: { code: 400, message: 'Sync token is expired. Clear local cache and retry call without the sync token.' } })).toBe(true);
    expect(isExpiredSyncToken({ error: { code: 400, message: 'Invalid personFields mask path' } })).toBe(false);
    expect(isExpiredSyncToken('nope')).toBe(false);
  });
});

describe('Google Contacts triggers against the fake People API', () => {
  let g: FakeGoogleContacts;
  let clock: TestClock;
  const runner = (type: string) =>
    new PollRunner(trigger(type).source as PollSource, () => sourceContext(httpFor(googleContactsIntegration, g.url), {}, clock.now));
  const later = (ms = 60_000) => clock.advance(ms);
  const keys = (items: Array<{ key: string }>) => items.map((i) => i.key);

  beforeEach(async () => {
    clock = new TestClock(Date.parse('2024-03-24T03:00:00Z'));
    g = await startFakeGoogleContacts({ now: clock.now });
  });
  afterEach(async () => {
    await g.close();
  });

  it('baseline: a full sync of every page with the documented query, nothing delivered; then changes only', async () => {
    g.maxPageSize = 2;
    for (const id of ['a', 'b', 'c', 'd', 'e']) g.create(id, {}, clock.now() - 30 * DAY);
    const run = runner(CREATED);
    expect(await run.poll()).toEqual([]);
    const calls = g.listCalls();
    expect(calls).toHaveLength(3);
    expect(calls[0]).toEqual({ personFields: PERSON_FIELDS, pageSize: '1000', requestSyncToken: 'true' });
    expect(calls[1]!.pageToken).toBeDefined();
    expect([...run.seen].sort()).toEqual(['people/a', 'people/b', 'people/c', 'people/d', 'people/e']);

    later();
    g.update('a', { name: 'Renamed' });
    const fresh = g.create('new', { email: 'new@example.com', org: 'Acme' });
    const got = await run.poll();
    expect(keys(got)).toEqual(['people/new']);
    expect(got[0]!.payload).toEqual(fresh);
    expect(got[0]!.occurredAt).toBe(clock.now());
    const incremental = g.listCalls().at(-1)!;
    expect(incremental).toMatchObject({ syncToken: expect.stringMatching(/^sync-/), requestSyncToken: 'true', personFields: PERSON_FIELDS });
    later();
    expect(await run.poll()).toEqual([]);
  });

  it('created: a contact added and deleted between two polls is not reported', async () => {
    const run = runner(CREATED);
    await run.poll();
    later();
    g.create('brief');
    g.remove('brief');
    expect(await run.poll()).toEqual([]);
  });

  it('updated: each version once, keyed by resourceName:updateTime; deletions are not updates', async () => {
    g.create('a', {}, clock.now() - DAY);
    const run = runner(UPDATED);
    expect(await run.poll()).toEqual([]);
    later();
    const v1 = g.update('a', { phone: '+1 555 0100' });
    const got = await run.poll();
    expect(keys(got)).toEqual([`people/a:${v1.metadata.sources[0]!.updateTime}`]);
    expect(got[0]!.payload).toMatchObject({ phoneNumbers: [{ value: '+1 555 0100' }] });
    expect(await run.poll()).toEqual([]);
    later();
    const v2 = g.update('a', { name: 'Two' });
    expect(keys(await run.poll())).toEqual([`people/a:${v2.metadata.sources[0]!.updateTime}`]);
    later();
    g.remove('a');
    expect(await run.poll()).toEqual([]);
  });

  it('deleted: a deletion is delivered once with metadata.deleted', async () => {
    g.create('a');
    g.create('b');
    const run = runner(DELETED);
    await run.poll();
    later();
    g.remove('b');
    g.update('a', { name: 'still here' });
    const got = await run.poll();
    expect(keys(got)).toEqual(['people/b']);
    expect(got[0]!.payload).toMatchObject({ resourceName: 'people/b', metadata: { deleted: true } });
    later();
    expect(await run.poll()).toEqual([]);
  });

  it('a long change list is bounded per poll and carried on with its page token and the same sync token', async () => {
    const run = runner(UPDATED);
    await run.poll();
    g.maxPageSize = 2;
    later();
    const ids = Array.from({ length: 2 * MAX_PAGES + 3 }, (_, i) => `bulk-${String(i).padStart(2, '0')}`);
    for (const id of ids) g.create(id);
    const before = g.listCalls().length;
    const first = await run.poll();
    expect(g.listCalls().length - before).toBe(MAX_PAGES);
    const next = g.listCalls().length;
    const second = await run.poll();
    expect(g.listCalls()[next]!.pageToken).toBeDefined();
    expect(g.listCalls()[next]!.syncToken).toBe(g.listCalls()[before]!.syncToken);
    expect([...first, ...second].map((i) => i.key.split(':')[0]).sort()).toEqual(ids.map((i) => `people/${i}`));
    expect(await run.poll()).toEqual([]);
  });

  for (const status of [400, 410] as const) {
    it(`an expired sync token (HTTP ${status}) is answered by a full read: old contacts are not delivered, changes since the last read are`, async () => {
      g.expiredStatus = status;
      g.create('old', {}, clock.now() - 60 * DAY);
      const created = runner(CREATED);
      const updated = runner(UPDATED);
      await created.poll();
      await updated.poll();
      later(8 * DAY); // polling paused past the token's 7 days
      g.create('gap', {});
      g.update('old', { name: 'edited in the gap' });
      const before = g.listCalls().length;
      expect(keys(await created.poll())).toEqual(['people/gap']);
      const calls = g.listCalls().slice(before);
      expect(calls[0]!.syncToken).toBeDefined();
      expect(calls[1]!.syncToken).toBeUndefined(); // full sync
      expect(keys(await updated.poll()).map((k) => k.split(':')[0]).sort()).toEqual(['people/gap', 'people/old']);
      later();
      g.create('after');
      expect(keys(await created.poll())).toEqual(['people/after']);
      expect(g.listCalls().at(-1)!.syncToken).toBeDefined();
    });
  }

  it('a full read after expiry does not re-deliver contacts unchanged since the last read, even if never seen by this trigger', async () => {
    g.create('old', {}, clock.now() - 60 * DAY);
    const run = runner(UPDATED);
    await run.poll();
    run.seen.clear(); // as if keys were gone: the floor alone must keep old contacts out
    later(8 * DAY);
    expect(await run.poll()).toEqual([]);
  });

  it('classifies 429, 403 rate limits, 401, 5xx and other 400s; a bad stored cursor is permanent; no token in messages', async () => {
    const run = runner(UPDATED);
    await run.poll();
    const kinds: unknown[] = [];
    for (const failure of [rateLimited.tooMany(30), rateLimited.userRateLimit(), rateLimited.backendError(503)]) {
      g.failNext(1, failure);
      kinds.push(await run.poll().catch((e: ProviderError) => [e.kind, e.retryAfterMs]));
    }
    expect(kinds).toEqual([['rate_limited', 30_000], ['rate_limited', undefined], ['transient', undefined]]);
    g.failNext(1, { status: 400, body: { error: { code: 400, message: 'Request contains an invalid argument.', status: 'INVALID_ARGUMENT' } } });
    const bad = await run.poll().catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ProviderError);
    expect(bad).toMatchObject({ kind: 'permanent', status: 400 });
    expect((bad as Error).message).toContain('invalid argument');
    expect((bad as Error).message).not.toContain('sync-');
    g.validTokens.clear();
    expect(await run.poll().catch((e: ProviderError) => e.kind)).toBe('auth');
    run.cursor = { syncToken: 42 };
    await expect(run.poll()).rejects.toMatchObject({ kind: 'permanent' });
  });
});
