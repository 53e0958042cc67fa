// Gmail, source level: GMAIL_TRIGGER_NEW_EMAIL's poll against the fake Gmail over real HTTP — history
// since the stored historyId (paged), messages fetched before delivery, labels and search queries, search
// index lag, the 404 recovery of an expired historyId, the per-poll fetch budget, rate limits.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import historyExpired from '../../src/integrations/gmail/fixtures/history-expired.json' with { type: 'json' };
import historyList from '../../src/integrations/gmail/fixtures/history-list.json' with { type: 'json' };
import message from '../../src/integrations/gmail/fixtures/message.json' with { type: 'json' };
import profile from '../../src/integrations/gmail/fixtures/profile.json' with { type: 'json' };
import { currentHistoryId, messagesAddedSince } from '../../src/integrations/gmail/gmail.js';
import { gmailIntegration } from '../../src/integrations/gmail/integration.js';
import { MAX_FETCH_PER_POLL, QUERY_GRACE_MS } from '../../src/integrations/gmail/triggers/new-email.js';
import type { PollSource } from '../../src/sdk/index.js';
import { TestClock } from '../helpers/clock.js';
import { startFakeGmail, type FakeGmail } from '../providers/gmail.js';
import { PollRunner, httpFor, rateLimited, sourceContext, withDefaults } from '../providers/google-calendar.js';

const MIN = 60_000;
const trigger = gmailIntegration.triggers[0]!;

describe('Gmail catalog', () => {
  it('declares GMAIL_TRIGGER_NEW_EMAIL (polling) with labelIds and query', () => {
    expect(gmailIntegration.triggers.map((t) => [t.type, t.source.kind])).toEqual([['GMAIL_TRIGGER_NEW_EMAIL', 'poll']]);
    expect(trigger.parameters.map((p) => [p.id, p.type, p.required])).toEqual([['labelIds', 'TEXTAREA', false], ['query', 'TEXTAREA', false]]);
    expect(trigger.examplePayload).toEqual(message);
    expect(trigger.docsUrl).toMatch(/^https:\/\/developers\.google\.com\/workspace\/gmail\//);
    expect(gmailIntegration.apiBaseUrl).toBe('https://gmail.googleapis.com');
  });
});

describe('GMAIL_TRIGGER_NEW_EMAIL against the fake Gmail', () => {
  let gmail: FakeGmail;
  let clock: TestClock;
  const runner = (params: Record<string, unknown> = {}) =>
    new PollRunner(trigger.source as PollSource, () => sourceContext(httpFor(gmailIntegration, gmail.url), withDefaults(trigger, params), clock.now));
  const subjects = (items: Array<{ payload: unknown }>) => items.map((i) => (i.payload as { payload: { headers: Array<{ name: string; value: string }> } }).payload.headers.find((h) => h.name === 'Subject')!.value);

  beforeEach(async () => {
    clock = new TestClock(Date.parse('2026-03-02T09:00:00Z'));
    gmail = await startFakeGmail({ now: clock.now });
    gmail.receive({ subject: 'old 1' });
    gmail.receive({ subject: 'old 2' });
    clock.advance(MIN);
  });
  afterEach(async () => {
    await gmail.close();
  });

  it("understands Google's documented answers (fixtures): profile, history page, expired history", async () => {
    const http = httpFor(gmailIntegration, gmail.url);
    gmail.failNext(1, { status: 200, body: profile });
    expect(await currentHistoryId(http)).toEqual({ historyId: '4210', emailAddress: 'me@example.com' });
    gmail.failNext(1, { status: 200, body: historyList });
    expect(await messagesAddedSince(http, '4210', { maxIds: 100, maxPages: 5 })).toEqual({ kind: 'ok', messageIds: ['18c1f2a3b4d5e6f7'], historyId: '4218', complete: true });
    gmail.failNext(1, { status: 404, body: historyExpired });
    expect(await messagesAddedSince(http, '1', { maxIds: 100, maxPages: 5 })).toEqual({ kind: 'expired' });
  });

  it('baselines at the profile historyId, then delivers each new message fetched in full, once', async () => {
    const r = runner();
    expect(await r.poll()).toEqual([]);
    expect(r.cursor).toMatchObject({ historyId: String(gmail.historyId) });
    expect(gmail.requests.map((q) => q.path)).toEqual(['/gmail/v1/users/me/profile']);

    clock.advance(MIN);
    const m = gmail.receive({ subject: 'Quarterly report', from: 'Some User <someuser@example.com>' });
    const items = await r.poll();
    expect(items.map((i) => i.key)).toEqual([m.id]);
    expect(items[0]!.payload).toEqual(m);
    expect(items[0]!.occurredAt).toBe(Number(m.internalDate));
    const history = gmail.requests.find((q) => q.path.endsWith('/history'))!;
    expect(Object.fromEntries(history.query)).toMatchObject({ historyTypes: 'messageAdded', maxResults: '500' });
    expect(gmail.requests.find((q) => q.path.endsWith(`/messages/${m.id}`))!.query.get('format')).toBe('full');
    expect(await r.poll()).toEqual([]);
    expect(r.cursor).toMatchObject({ historyId: String(gmail.historyId), queue: [] });
  });

  it('follows history pages and keeps mail that shares a timestamp', async () => {
    const r = runner();
    await r.poll();
    gmail.pageSize = 2;
    const ids = [1, 2, 3, 4, 5].map((n) => gmail.receive({ subject: `same second ${n}` }).id);
    expect((await r.poll()).map((i) => i.key)).toEqual(ids);
    expect(gmail.requests.filter((q) => q.path.endsWith('/history'))).toHaveLength(3);
  });

  it('never reports drafts, spam, trash or (without labels or query) sent mail; labels must all be present', async () => {
    const all = runner();
    const important = runner({ labelIds: 'INBOX, IMPORTANT' });
    await all.poll();
    await important.poll();
    const plain = gmail.receive({ subject: 'plain' });
    const imp = gmail.receive({ subject: 'important', labelIds: ['INBOX', 'IMPORTANT', 'UNREAD'] });
    gmail.receive({ subject: 'draft', labelIds: ['DRAFT'] });
    gmail.receive({ subject: 'spam', labelIds: ['SPAM', 'UNREAD'] });
    gmail.receive({ subject: 'sent', labelIds: ['SENT'] });
    const toSelf = gmail.receive({ subject: 'note to self', labelIds: ['SENT', 'INBOX'] });
    expect((await all.poll()).map((i) => i.key)).toEqual([plain.id, imp.id, toSelf.id]);
    expect((await important.poll()).map((i) => i.key)).toEqual([imp.id]);
    // history.list is narrowed by the first label.
    expect(gmail.requests.filter((q) => q.path.endsWith('/history')).at(-1)!.query.get('labelId')).toBe('INBOX');
  });

  it('asks Gmail whether a new message matches the search query (rfc822msgid), waiting out search index lag', async () => {
    const r = runner({ query: 'from:billing@example.com' });
    await r.poll();
    const invoice = gmail.receive({ subject: 'Invoice 42', from: 'Billing <billing@example.com>' });
    const lunch = gmail.receive({ subject: 'Lunch?', from: 'friend@example.com' });
    expect((await r.poll()).map((i) => i.key)).toEqual([invoice.id]);
    // A non-match is asked again for a while (it may just not be searchable yet).
    expect((r.cursor as { queue: Array<{ id: string }> }).queue.map((q) => q.id)).toEqual([lunch.id]);
    const search = gmail.requests.filter((q) => q.path.endsWith('/messages')).map((q) => q.query.get('q'));
    expect(search).toContain(`(from:billing@example.com) rfc822msgid:<${invoice.id}@mail.example.com>`);

    // Not searchable yet: kept in the queue, found on a later poll.
    gmail.indexLag = true;
    const late = gmail.receive({ subject: 'Invoice 43', from: 'billing@example.com' });
    const never = gmail.receive({ subject: 'Newsletter', from: 'news@example.com' });
    clock.advance(MIN);
    expect(await r.poll()).toEqual([]);
    expect((r.cursor as { queue: Array<{ id: string }> }).queue.map((q) => q.id)).toEqual([lunch.id, late.id, never.id]);
    gmail.indexAll();
    clock.advance(MIN);
    expect((await r.poll()).map((i) => i.key)).toEqual([late.id]);
    // The non-matching one is given up after the grace period.
    clock.advance(QUERY_GRACE_MS);
    await r.poll();
    expect((r.cursor as { queue: unknown[] }).queue).toEqual([]);

    // A message without a Message-ID header is matched by a date window instead.
    gmail.indexLag = false;
    const noId = gmail.receive({ subject: 'Invoice 44', from: 'billing@example.com', messageId: null });
    expect((await r.poll()).map((i) => i.key)).toEqual([noId.id]);
  });

  it('recovers from an expired historyId (404) with messages.list, losing and repeating nothing', async () => {
    const r = runner({ query: 'subject:report' });
    await r.poll();
    clock.advance(MIN);
    const delivered = gmail.receive({ subject: 'report A' });
    expect((await r.poll()).map((i) => i.key)).toEqual([delivered.id]);
    clock.advance(5 * MIN);
    const missed = gmail.receive({ subject: 'report B' });
    gmail.receive({ subject: 'unrelated' });
    gmail.expireHistory();
    clock.advance(MIN);
    const items = await r.poll();
    expect(items.map((i) => i.key)).toEqual([missed.id]);
    const recovery = gmail.requests.filter((q) => q.path.endsWith('/messages')).at(-1)!;
    expect(recovery.query.get('q')).toMatch(/^\(subject:report\) after:\d+$/);
    expect(r.cursor).toMatchObject({ historyId: String(gmail.historyId) });
    // History works again from the new id.
    const next = gmail.receive({ subject: 'report C' });
    expect((await r.poll()).map((i) => i.key)).toEqual([next.id]);
  });

  it('never reports mail from before the subscription when recovering', async () => {
    const r = runner();
    await r.poll();
    clock.advance(MIN);
    const after = gmail.receive({ subject: 'after the baseline' });
    gmail.expireHistory();
    expect((await r.poll()).map((i) => i.key)).toEqual([after.id]);
    expect(gmail.requests.filter((q) => q.path.endsWith('/messages')).at(-1)!.query.get('q')).toMatch(/^after:\d+$/);
  });

  it('skips a message deleted before it could be fetched', async () => {
    const r = runner();
    await r.poll();
    const gone = gmail.receive({ subject: 'gone' });
    const kept = gmail.receive({ subject: 'kept' });
    gmail.deleteMessage(gone.id);
    expect((await r.poll()).map((i) => i.key)).toEqual([kept.id]);
  });

  it(`fetches at most ${MAX_FETCH_PER_POLL} messages per poll and carries the rest over`, async () => {
    const r = runner();
    await r.poll();
    const ids = Array.from({ length: MAX_FETCH_PER_POLL + 30 }, (_, n) => gmail.receive({ subject: `bulk ${n}` }).id);
    expect((await r.poll()).map((i) => i.key)).toEqual(ids.slice(0, MAX_FETCH_PER_POLL));
    expect((await r.poll()).map((i) => i.key)).toEqual(ids.slice(MAX_FETCH_PER_POLL));
    expect(subjects(r.delivered).at(-1)).toBe(`bulk ${MAX_FETCH_PER_POLL + 29}`);
  });

  it('classifies Google rate limits and keeps the cursor for the retry', async () => {
    const r = runner();
    await r.poll();
    const m = gmail.receive({ subject: 'x' });
    gmail.failNext(1, { ...rateLimited.userRateLimit(), path: /\/messages\// });
    await expect(r.poll()).rejects.toMatchObject({ kind: 'rate_limited', status: 403 });
    gmail.failNext(1, rateLimited.tooMany());
    await expect(r.poll()).rejects.toMatchObject({ kind: 'rate_limited', status: 429 });
    expect((await r.poll()).map((i) => i.key)).toEqual([m.id]);
  });

  it('finds the account id (the mailbox address)', async () => {
    expect(await gmailIntegration.accountId!({ http: httpFor(gmailIntegration, gmail.url), token: { accessToken: 'valid-token' } })).toEqual({ providerAccountId: 'me@example.com' });
  });
});
