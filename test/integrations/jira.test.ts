// Jira triggers at the source level: real HTTP against the fake Jira, with a harness that plays the engine's
// part (the baseline is recorded as seen, each key is kept once, the cursor is stored as JSON).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { jiraIntegration } from '../../src/integrations/jira/integration.js';
import { jqlDate, validateJqlFragment } from '../../src/integrations/jira/jql.js';
import { ProviderError, type AnyTriggerDefinition, type HttpClient, type Item, type PollSource } from '../../src/sdk/index.js';
import { jiraRateLimitHeaders, localToInstant, startFakeJira, type FakeJira } from '../providers/jira.js';
import { recordPoll } from '../helpers/poll-harness.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 27, 15, 0, 0); // 10:00 in New York
const silent = { debug() {}, info() {}, warn() {} };

function trigger(type: string): AnyTriggerDefinition {
  const t = jiraIntegration.triggers.find((x) => x.type === type);
  if (!t) throw new Error(`no trigger ${type}`);
  return t;
}

/** Plays the engine: baseline seen-only, each key once per subscription, cursor stored as JSON. */
class Harness {
  seen = new Set<string>();
  cursor: unknown = null;
  now = T0;
  constructor(
    private readonly http: HttpClient,
    private readonly type: string,
    private readonly params: Record<string, unknown> = {},
    private readonly credential = { id: 'cred-1', providerAccountId: '1324a887-45db-1bf4-1e99-ef0ff456d421', extra: { cloudId: '1324a887-45db-1bf4-1e99-ef0ff456d421' } },
  ) {}
  async poll(): Promise<Item[]> {
    const source = trigger(this.type).source as PollSource;
    const r = await source.poll({
      http: this.http, params: this.params, credential: this.credential, log: silent, signal: AbortSignal.timeout(10_000),
      now: () => this.now, cursor: this.cursor,
    });
    return recordPoll(this, r);
  }
}

describe('jira', () => {
  let fake: FakeJira;
  let http: HttpClient;
  beforeEach(async () => {
    fake = await startFakeJira({ timeZone: 'America/New_York' });
    http = createProviderHttp({ integration: jiraIntegration, apiBaseUrl: fake.url, auth: { canRefresh: false, headers: async () => ({ authorization: 'Bearer valid-token' }) } });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('declares the binding trigger types, Atlassian 3LO auth and the API host', () => {
    expect(jiraIntegration.triggers.map((t) => t.type)).toEqual(['JIRA_TRIGGER_ISSUE_CREATED', 'JIRA_TRIGGER_ISSUE_UPDATED', 'JIRA_TRIGGER_PROJECT_CREATED']);
    expect(jiraIntegration.auth).toMatchObject({
      kind: 'oauth2', authorizationUrl: 'https://auth.atlassian.com/authorize', tokenUrl: 'https://auth.atlassian.com/oauth/token',
      extraAuthorizationParams: { audience: 'api.atlassian.com' },
    });
    expect(jiraIntegration.apiBaseUrl).toBe('https://api.atlassian.com');
    for (const t of jiraIntegration.triggers) expect(t.docsUrl).toMatch(/^https:\/\/developer\.atlassian\.com\//);
  });

  it('finds the cloud id through accessible-resources', async () => {
    const r = await jiraIntegration.accountId!({ http, token: { accessToken: 'valid-token' } });
    expect(r.providerAccountId).toBe(fake.cloudId);
    expect(r.extra).toMatchObject({ cloudId: fake.cloudId, siteUrl: 'https://your-domain.atlassian.net' });
  });

  describe('JIRA_TRIGGER_ISSUE_CREATED', () => {
    it('records existing issues at baseline, emits a new one once, and a second run emits nothing', async () => {
      fake.addIssue({ id: '10001', created: T0 - 2 * MIN });
      const h = new Harness(http, 'JIRA_TRIGGER_ISSUE_CREATED');
      expect(await h.poll()).toEqual([]);
      expect(h.seen.has('10001')).toBe(true);
      fake.addIssue({ id: '10002', key: 'ED-1', created: T0 + 30_000 });
      h.now = T0 + MIN;
      const first = await h.poll();
      expect(first.map((i) => i.key)).toEqual(['10002']);
      expect(first[0]!.payload).toMatchObject({ id: '10002', key: 'ED-1', fields: { created: '2026-11-27T10:00:30.000-0500' } });
      h.now = T0 + 2 * MIN;
      expect(await h.poll()).toEqual([]);
    });

    it('writes JQL dates in the account time zone (Jira reads them there), bounded and oldest first', async () => {
      const h = new Harness(http, 'JIRA_TRIGGER_ISSUE_CREATED');
      await h.poll();
      const [search] = fake.searches();
      // T0 - 5 min = 14:55Z = 09:55 in New York.
      expect(search!.body).toMatchObject({ jql: 'created >= "2026-11-27 09:55" ORDER BY created ASC, key ASC', maxResults: 100, fields: ['*navigable'] });
      expect(fake.requests.some((r) => r.path.endsWith('/rest/api/3/myself'))).toBe(true);
      expect(fake.requests.every((r) => !/\/rest\/api\/3\/search(\?|$)/.test(r.path))).toBe(true);
    });

    it('emits every one of many issues created in the same minute, across pages, exactly once', async () => {
      fake.maxPageSize = 3;
      const h = new Harness(http, 'JIRA_TRIGGER_ISSUE_CREATED');
      await h.poll();
      const ids = Array.from({ length: 8 }, () => fake.addIssue({ created: T0 + 10_000 }).id); // same millisecond
      h.now = T0 + MIN;
      const got = await h.poll();
      expect(got.map((i) => i.key).sort()).toEqual([...ids].sort());
      // The crowded minute was paged with tokens and is read once more, bounded, by the next poll.
      const before = fake.searches().length;
      h.now = T0 + 2 * MIN;
      expect(await h.poll()).toEqual([]);
      const recheck = fake.searches().slice(before).map((s) => s.body.jql as string);
      expect(recheck[0]).toBe('created >= "2026-11-27 10:00" AND created < "2026-11-27 10:01" ORDER BY created ASC, key ASC');
    });

    it('loses nothing when issues shift between page requests and finds a token-paged straggler on recheck', async () => {
      fake.maxPageSize = 3;
      const h = new Harness(http, 'JIRA_TRIGGER_ISSUE_CREATED');
      await h.poll();
      // Six issues in one minute: past the first page of that minute only tokens can page them (searches: 0 =
      // baseline, 1 = from 09:55, 2 = re-anchored at 10:00, 3 = its token page). Just before the token page is
      // served an issue we already read is deleted, so the next one slides back onto the page we have read:
      // the token (an offset) skips it in this poll.
      const ids = Array.from({ length: 6 }, (_, n) => fake.addIssue({ created: T0 + 5_000 + n }).id);
      fake.onSearch = (n) => {
        if (n === 3) fake.issues.splice(fake.issues.findIndex((i) => i.id === ids[1]), 1);
      };
      h.now = T0 + MIN;
      const first = (await h.poll()).map((i) => i.key);
      fake.onSearch = undefined;
      expect(first).not.toContain(ids[3]);
      h.now = T0 + 2 * MIN;
      const second = (await h.poll()).map((i) => i.key);
      expect(second).toEqual([ids[3]]);
      const all = [...first, ...second];
      expect(new Set(all).size).toBe(all.length);
      for (const id of ids.filter((_, n) => n !== 1)) expect(all).toContain(id);
    });

    it('returns issues read out of order once each', async () => {
      fake.maxPageSize = 2;
      fake.reversePages = true;
      const h = new Harness(http, 'JIRA_TRIGGER_ISSUE_CREATED');
      await h.poll();
      const ids = [1, 2, 3, 4, 5].map((n) => fake.addIssue({ created: T0 + n * MIN }).id);
      h.now = T0 + 6 * MIN;
      expect((await h.poll()).map((i) => i.key).sort()).toEqual([...ids].sort());
      h.now = T0 + 7 * MIN;
      expect(await h.poll()).toEqual([]);
    });

    it('finds an issue that appears in search late (eventual consistency) within the overlap', async () => {
      const h = new Harness(http, 'JIRA_TRIGGER_ISSUE_CREATED');
      await h.poll();
      fake.addIssue({ id: '20001', created: T0 + 3 * MIN });
      h.now = T0 + 4 * MIN;
      expect((await h.poll()).map((i) => i.key)).toEqual(['20001']);
      // Indexed only now, with a creation time two minutes before the newest issue already seen.
      fake.addIssue({ id: '20002', created: T0 + MIN });
      h.now = T0 + 5 * MIN;
      expect((await h.poll()).map((i) => i.key)).toEqual(['20002']);
    });

    it('ANDs the user JQL as one parenthesised condition', async () => {
      const h = new Harness(http, 'JIRA_TRIGGER_ISSUE_CREATED', { jqlQuery: 'project = EX OR project = ABC' });
      await h.poll();
      expect(fake.searches()[0]!.body.jql).toBe('(project = EX OR project = ABC) AND created >= "2026-11-27 09:55" ORDER BY created ASC, key ASC');
      fake.addIssue({ id: '30001', projectKey: 'EX', created: T0 + 10_000 });
      fake.addIssue({ id: '30002', projectKey: 'ABC', created: T0 + 20_000 });
      fake.addIssue({ id: '30003', projectKey: 'OTHER', created: T0 + 30_000 });
      h.now = T0 + MIN;
      expect((await h.poll()).map((i) => i.key).sort()).toEqual(['30001', '30002']);
    });
  });

  describe('JIRA_TRIGGER_ISSUE_UPDATED', () => {
    it('emits each new version once, never the creation, and nothing on a re-poll', async () => {
      const issue = fake.addIssue({ created: T0 - 10 * MIN });
      const h = new Harness(http, 'JIRA_TRIGGER_ISSUE_UPDATED');
      await h.poll();
      const fresh = fake.addIssue({ created: T0 + 5_000 });
      fake.touch(issue.id, T0 + 20_000);
      h.now = T0 + MIN;
      const first = await h.poll();
      expect(first.map((i) => i.key)).toEqual([`${issue.id}:${T0 + 20_000}`]);
      expect(first.some((i) => i.key.startsWith(`${fresh.id}:`))).toBe(false);
      fake.touch(issue.id, T0 + 80_000);
      h.now = T0 + 2 * MIN;
      expect((await h.poll()).map((i) => i.key)).toEqual([`${issue.id}:${T0 + 80_000}`]);
      h.now = T0 + 3 * MIN;
      expect(await h.poll()).toEqual([]);
    });

    it('does not skip the issue at a page boundary when an earlier one is updated between page requests', async () => {
      fake.maxPageSize = 3;
      const issues = Array.from({ length: 7 }, () => fake.addIssue({ created: T0 - 60 * MIN }));
      const h = new Harness(http, 'JIRA_TRIGGER_ISSUE_UPDATED');
      await h.poll();
      issues.forEach((i, n) => fake.touch(i.id, T0 + (n + 1) * MIN)); // one per minute: 10:01 … 10:07
      let moved = false;
      fake.onSearch = () => {
        // After the first page is read, the first issue is edited again: it moves to the end of the results.
        if (!moved && fake.searches().length === 3) {
          moved = true;
          fake.touch(issues[0]!.id, T0 + 9 * MIN);
        }
      };
      h.now = T0 + 10 * MIN;
      const got = (await h.poll()).map((i) => i.key);
      for (const [n, i] of issues.entries()) if (n > 0) expect(got).toContain(`${i.id}:${T0 + (n + 1) * MIN}`);
      expect(got).toContain(`${issues[0]!.id}:${T0 + 9 * MIN}`);
    });
  });

  describe('JIRA_TRIGGER_PROJECT_CREATED', () => {
    it('emits projects not listed before, once, even when a new project shifts the pages', async () => {
      fake.maxPageSize = 2;
      fake.projects.push({ id: '10000', key: 'EX', name: 'Example' }, { id: '10001', key: 'ABC', name: 'Alphabetical' }, { id: '10002', key: 'MKT', name: 'Marketing' });
      const h = new Harness(http, 'JIRA_TRIGGER_PROJECT_CREATED');
      expect(await h.poll()).toEqual([]);
      // Two projects are created; one of them, whose key sorts first, while we read page 2 (requests 0-1 were
      // the baseline): everything shifts by one, so this listing never sees AAA; the next one does.
      fake.onProjectSearch = (n) => {
        if (n === 3) fake.projects.push({ id: '10003', key: 'AAA', name: 'New' });
      };
      fake.projects.push({ id: '10004', key: 'ZED', name: 'Zed' });
      const first = (await h.poll()).map((i) => i.key);
      const second = (await h.poll()).map((i) => i.key);
      expect(first).toEqual(['10004']);
      expect([...first, ...second].sort()).toEqual(['10003', '10004']);
      expect(await h.poll()).toEqual([]);
    });
  });

  it('reads JQL dates with the widest margin (UTC-12) when /myself is not allowed, and still finds new issues', async () => {
    const h = new Harness(http, 'JIRA_TRIGGER_ISSUE_CREATED');
    fake.failNext(1, 403, {}, { errorMessages: ['Unauthorized; scope does not match'] });
    await h.poll();
    // T0 - 5 min = 14:55Z, written as UTC-12 wall clock: 02:55 the same day.
    expect(fake.searches()[0]!.body.jql).toBe('created >= "2026-11-27 02:55" ORDER BY created ASC, key ASC');
    fake.addIssue({ id: '40001', created: T0 + 10_000 });
    h.now = T0 + MIN;
    expect((await h.poll()).map((i) => i.key)).toEqual(['40001']);
  });

  it('turns a 429 into a rate_limited error carrying Retry-After', async () => {
    fake.failNext(1, 429, jiraRateLimitHeaders(7));
    const h = new Harness(http, 'JIRA_TRIGGER_ISSUE_CREATED');
    const err = await h.poll().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 7000 });
  });

  it('reports a JQL error as a permanent provider error naming the problem', async () => {
    const h = new Harness(http, 'JIRA_TRIGGER_ISSUE_CREATED', { jqlQuery: 'colour = red' });
    await expect(h.poll()).rejects.toMatchObject({ kind: 'permanent', status: 400, message: expect.stringContaining("Field 'colour' does not exist") });
  });
});

describe('jqlQuery validation', () => {
  it.each([
    ['project = EX', null],
    ['project = EX AND (status = "In Progress" OR status = Done)', null],
    ['summary ~ "a ) or ( b"', null],
    ["summary ~ 'it\\'s (fine'", null],
    ['project = A) OR (project = B', 'without a matching "("'],
    ['(project = A', 'without a matching ")"'],
    ['project = A ORDER BY created DESC', 'must not contain ORDER BY'],
    ['project = A order\n by key', 'must not contain ORDER BY'],
    ['summary ~ "open', 'unterminated'],
    ['   ', 'must contain a JQL condition'],
    ['project = A\u0000', 'control characters'],
  ])('%j', (jql, problem) => {
    const r = validateJqlFragment(jql);
    if (problem === null) expect(r).toBeNull();
    else expect(r).toContain(problem);
  });
});

describe('JQL dates in the account time zone', () => {
  // Every reading Jira could give the literal (the fake takes the later one when ambiguous) must be at
  // or before the instant we mean, whatever the zone and across DST changes.
  const zones = ['America/New_York', 'Europe/Berlin', 'Australia/Sydney', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Chatham', 'UTC', 'Etc/GMT+12'];
  const starts = [Date.UTC(2026, 2, 8, 5, 0), Date.UTC(2026, 10, 1, 4, 0), Date.UTC(2026, 3, 5, 14, 0), Date.UTC(2026, 9, 4, 14, 0), Date.UTC(2026, 2, 29, 0, 0), Date.UTC(2026, 9, 25, 0, 0)];
  it('renders down so no reading is later than the instant, and up so none is earlier', () => {
    for (const zone of zones) {
      for (const start of starts) {
        for (let t = start; t < start + 4 * 3600_000; t += 7 * MIN + 13_000) {
          const down = jqlDate(t, zone, 'down');
          const downAt = localToInstant(down.wall, zone);
          expect(downAt, `${zone} ${new Date(t).toISOString()} → "${down.literal}"`).toBeLessThanOrEqual(t);
          expect(t - downAt).toBeLessThan(2 * 3600_000 + MIN);
          const up = jqlDate(t, zone, 'up');
          expect(localToInstant(up.wall, zone), `${zone} ${new Date(t).toISOString()} → "${up.literal}" (up)`).toBeGreaterThanOrEqual(t);
        }
      }
    }
  });

  it('renders whole minutes of the zone', () => {
    expect(jqlDate(Date.UTC(2026, 10, 27, 14, 55, 42), 'America/New_York', 'down').literal).toBe('2026-11-27 09:55');
    expect(jqlDate(Date.UTC(2026, 10, 27, 14, 55, 42), 'America/New_York', 'up').literal).toBe('2026-11-27 09:56');
    expect(jqlDate(Date.UTC(2026, 10, 27, 14, 55, 42), 'Asia/Kolkata', 'down').literal).toBe('2026-11-27 20:25');
  });
});
