// Harvest triggers at the source level: real HTTP against the fake Harvest, with a harness that plays the engine's
// part (the baseline is recorded as seen, each key is kept once, the cursor is stored as JSON).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { accountIdOf, harvestError, nextQueryOf } from '../../src/integrations/harvest/api.js';
import { harvestIntegration } from '../../src/integrations/harvest/integration.js';
import { MAX_PAGES, OVERLAP_MS } from '../../src/integrations/harvest/poll.js';
import { ProviderError, type AnyTriggerDefinition, type CredentialView, type HttpClient, type Item, type PollSource } from '../../src/sdk/index.js';
import { recordPoll } from '../helpers/poll-harness.js';
import { startFakeHarvest, type FakeHarvest } from '../providers/harvest.js';

const SEC = 1000;
const T0 = Date.UTC(2026, 10, 27, 15, 0, 0);
const silent = { debug() {}, info() {}, warn() {} };

function trigger(type: string): AnyTriggerDefinition {
  const t = harvestIntegration.triggers.find((x) => x.type === type);
  if (!t) throw new Error(`no trigger ${type}`);
  return t;
}

class Harness {
  seen = new Set<string>();
  cursor: unknown = null;
  now = T0;
  constructor(private readonly httpFor: (credential: CredentialView) => HttpClient, private readonly type: string, private readonly params: Record<string, unknown> = {}, private readonly extra: Record<string, unknown> = { accountId: '123456' }) {}
  async poll(): Promise<Item[]> {
    const source = trigger(this.type).source as PollSource;
    const credential = { id: 'cred-1', providerAccountId: null, extra: this.extra };
    const r = await source.poll({
      http: this.httpFor(credential), params: this.params, credential,
      log: silent, signal: AbortSignal.timeout(10_000), now: () => this.now, cursor: this.cursor,
    });
    return recordPoll(this, r);
  }
}

describe('harvest', () => {
  let fake: FakeHarvest;
  // As the engine makes it: bound to the credential, whose account id the integration sends as a header.
  let http: (credential: CredentialView) => HttpClient;
  beforeEach(async () => {
    fake = await startFakeHarvest();
    http = (credential) => createProviderHttp({
      integration: harvestIntegration, apiBaseUrl: `${fake.url}/v2`, credential,
      auth: { canRefresh: false, headers: async () => ({ authorization: 'Bearer hv-token-1' }) },
    });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('declares the triggers, OAuth through Harvest ID with the account in the scope, and the account parameter', () => {
    expect(harvestIntegration.triggers.map((t) => t.type)).toEqual([
      'HARVEST_TRIGGER_TIME_ENTRY_CREATED', 'HARVEST_TRIGGER_TIME_ENTRY_UPDATED', 'HARVEST_TRIGGER_PROJECT_CREATED', 'HARVEST_TRIGGER_INVOICE_CREATED',
    ]);
    expect(harvestIntegration.auth).toMatchObject({ kind: 'oauth2', authorizationUrl: 'https://id.getharvest.com/oauth2/authorize', tokenUrl: 'https://id.getharvest.com/api/v2/oauth2/token', scopes: ['harvest:{accountId}'] });
    expect(harvestIntegration.accountParameters?.map((p) => p.name)).toEqual(['accountId']);
    expect(harvestIntegration.defaultHeaders?.['user-agent']).toMatch(/OpenTriggers/);
  });

  it('time entry created: baseline not emitted, new entries once, with account header, User-Agent and filters', async () => {
    fake.add('time_entries', { createdAt: T0 - 60 * SEC });
    const h = new Harness(http, 'HARVEST_TRIGGER_TIME_ENTRY_CREATED', { projectId: '77' });
    expect(await h.poll()).toEqual([]);
    const [first] = fake.lists('time_entries');
    expect(first).toMatchObject({ auth: 'Bearer hv-token-1', accountId: '123456', query: { project_id: '77', per_page: '2000', updated_since: '2026-11-27T14:54:59Z' } });
    expect(first!.userAgent).toMatch(/OpenTriggers/);
    h.now += 10 * SEC;
    const mine = fake.add('time_entries', { createdAt: h.now, projectId: 77 });
    fake.add('time_entries', { createdAt: h.now, projectId: 78 });
    const got = await h.poll();
    expect(got.map((i) => [i.key, (i.payload as { project: { id: number } }).project.id])).toEqual([[String(mine.id), 77]]);
    fake.update(mine.id, h.now + SEC, { notes: 'edited' });
    h.now += 10 * SEC;
    expect(await h.poll()).toEqual([]); // an update is not a creation
  });

  it('time entry updated: one item per version keyed id:updated_at, the creation excluded', async () => {
    const e = fake.add('time_entries', { createdAt: T0 - 60 * SEC });
    const h = new Harness(http, 'HARVEST_TRIGGER_TIME_ENTRY_UPDATED');
    await h.poll();
    h.now += 10 * SEC;
    fake.add('time_entries', { createdAt: h.now });
    fake.update(e.id, h.now);
    expect((await h.poll()).map((i) => i.key)).toEqual([`${e.id}:${new Date(h.now).toISOString().replace('.000', '')}`]);
    expect(await h.poll()).toEqual([]);
    h.now += 5 * SEC;
    fake.update(e.id, h.now);
    expect(await h.poll()).toHaveLength(1);
  });

  it('project and invoice created: the client filter goes to Harvest, invoices can filter by project', async () => {
    const p = new Harness(http, 'HARVEST_TRIGGER_PROJECT_CREATED', { clientId: 5 });
    const i = new Harness(http, 'HARVEST_TRIGGER_INVOICE_CREATED', { projectId: '9' });
    await p.poll();
    await i.poll();
    p.now = i.now = T0 + 10 * SEC;
    const project = fake.add('projects', { createdAt: p.now, clientId: 5, notes: 'Website' });
    fake.add('projects', { createdAt: p.now, clientId: 6 });
    const invoice = fake.add('invoices', { createdAt: p.now, projectId: 9 });
    fake.add('invoices', { createdAt: p.now, projectId: 10 });
    expect((await p.poll()).map((x) => [x.key, (x.payload as { name: string }).name])).toEqual([[String(project.id), 'Website']]);
    expect((await i.poll()).map((x) => x.key)).toEqual([String(invoice.id)]);
    expect(fake.lists('projects').at(-1)!.query.client_id).toBe('5');
    expect(fake.lists('invoices').at(-1)!.query.project_id).toBe('9');
  });

  it('follows links.next (cursor pages) only by its query, and continues an unfinished read on the next poll', async () => {
    const h = new Harness(http, 'HARVEST_TRIGGER_TIME_ENTRY_CREATED');
    await h.poll();
    h.now += 10 * SEC;
    const ids = Array.from({ length: 2000 * MAX_PAGES + 3 }, () => fake.add('time_entries', { createdAt: h.now }).id);
    const first = await h.poll();
    expect(first).toHaveLength(2000 * MAX_PAGES);
    expect((h.cursor as { next?: Record<string, string> }).next).toMatchObject({ ref: 'next_cursor', per_page: '2000' });
    const second = await h.poll();
    expect([...first, ...second].map((x) => Number(x.key)).sort((a, b) => a - b)).toEqual(ids);
    expect(fake.lists('time_entries').at(-1)!.query.cursor).toBeDefined();
    expect((h.cursor as { next?: unknown }).next).toBeUndefined();
  });

  it('moves the cursor to the read start (or the newest updated_at, if older) minus the overlap', async () => {
    const h = new Harness(http, 'HARVEST_TRIGGER_TIME_ENTRY_CREATED');
    await h.poll();
    h.now = T0 + 3600 * SEC;
    fake.add('time_entries', { createdAt: T0 + 1800 * SEC });
    await h.poll();
    expect((h.cursor as { from: number }).from).toBe(T0 + 1800 * SEC - OVERLAP_MS);
    h.now += 60 * SEC;
    await h.poll(); // the entry is read again (overlap); the cursor does not pass it
    expect((h.cursor as { from: number }).from).toBe(T0 + 1800 * SEC - OVERLAP_MS);
    fake.add('time_entries', { createdAt: h.now + 120 * SEC }); // a Harvest clock ahead of ours: the read start bounds it
    await h.poll();
    expect((h.cursor as { from: number }).from).toBe(h.now - OVERLAP_MS);
  });

  it('maps errors: 401 auth, 429 rate_limited with Retry-After, 5xx transient, 422 and 403 permanent with Harvest\'s message', async () => {
    const h = new Harness(http, 'HARVEST_TRIGGER_TIME_ENTRY_CREATED');
    fake.failNext(1, 429, { 'retry-after': '7' });
    await expect(h.poll()).rejects.toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
    fake.failNext(1, 503);
    await expect(h.poll()).rejects.toMatchObject({ kind: 'transient' });
    const wrong = new Harness(http, 'HARVEST_TRIGGER_TIME_ENTRY_CREATED', {}, { accountId: '999' });
    await expect(wrong.poll()).rejects.toMatchObject({ kind: 'permanent', status: 403, message: 'Harvest 403: You do not have access to this account' });
    fake.tokens.clear();
    const err = await h.poll().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'auth', status: 401 });
    expect((err as Error).message).toContain('invalid_token');
    expect((err as Error).message).not.toContain('hv-token-1');
    expect(harvestError({ status: 422, headers: {}, body: { message: 'per_page too large' } }, T0)).toMatchObject({ kind: 'permanent', message: 'Harvest 422: per_page too large' });
  });

  it('refuses a credential without a numeric account id, naming extra.accountId, before calling Harvest', async () => {
    for (const extra of [{}, { accountId: 'abc' }, { accountId: '12 OR 1' }]) {
      expect(() => accountIdOf({ id: 'c', providerAccountId: null, extra })).toThrow(/extra\.accountId/);
    }
    expect(accountIdOf({ id: 'c', providerAccountId: null, extra: { accountId: 123456 } })).toBe('123456');
    const h = new Harness(http, 'HARVEST_TRIGGER_TIME_ENTRY_CREATED', {}, {});
    await expect(h.poll()).rejects.toMatchObject({ kind: 'permanent' });
    expect(fake.requests).toHaveLength(0);
  });

  it('reads only the query of links.next, never its host', () => {
    expect(nextQueryOf('https://evil.example/steal?cursor=abc&per_page=2000&ref=next_cursor')).toEqual({ cursor: 'abc', per_page: '2000', ref: 'next_cursor' });
    expect(nextQueryOf(null)).toBeNull();
    expect(nextQueryOf('')).toBeNull();
  });

  it('validates the id parameters with the field named', () => {
    const param = (type: string, id: string) => trigger(type).parameters.find((p) => p.id === id)!;
    expect(param('HARVEST_TRIGGER_TIME_ENTRY_CREATED', 'projectId').validate!('7 OR 1=1')).toMatch(/project id/);
    expect(param('HARVEST_TRIGGER_INVOICE_CREATED', 'clientId').validate!('-3')).toMatch(/client id/);
    expect(param('HARVEST_TRIGGER_PROJECT_CREATED', 'clientId').validate!('42')).toBeNull();
  });
});
