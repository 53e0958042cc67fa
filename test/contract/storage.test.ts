// The storage contract: the same behaviour on SQLite and PostgreSQL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { Storage, Subscription } from '../../src/storage/port.js';
import { DIALECTS, openTestStorage } from '../helpers/databases.js';

describe.each(DIALECTS)('storage contract on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestStorage>>;
  let s: Storage;
  beforeEach(async () => {
    t = await openTestStorage(dialect);
    s = t.storage;
  });
  afterEach(async () => {
    await t.close();
  });

  async function subscription(overrides: Partial<Subscription> = {}): Promise<Subscription> {
    const project = await s.projects.create({ name: 'p', webhookUrl: 'https://example.com/hook', signingSecret: 'whsec_x' });
    await s.users.touch(project.id, 'user-1');
    return s.subscriptions.create({
      projectId: project.id, userId: 'user-1', credentialId: null, integration: 'github', triggerType: 'GITHUB_TRIGGER_PUSH',
      parameters: { owner: 'o' }, webhookOverride: null, status: 'ACTIVE', error: null, state: {}, secret: 'inbound-secret',
      nextPollAt: null, renewAt: null, ...overrides,
    });
  }

  it('round-trips a project and keeps its signing secret sealed at rest', async () => {
    const p = await s.projects.create({ name: 'Acme', webhookUrl: null, signingSecret: 'whsec_topsecret' });
    expect((await s.projects.get(p.id))?.signingSecret).toBe('whsec_topsecret');
    const raw = await rawRows(t.db.url, 'projects');
    expect(JSON.stringify(raw)).not.toContain('topsecret');
    const updated = await s.projects.update(p.id, { name: 'Acme 2', previousSigningSecret: 'whsec_old', previousSecretExpiresAt: 5 });
    expect(updated).toMatchObject({ name: 'Acme 2', previousSigningSecret: 'whsec_old', previousSecretExpiresAt: 5 });
    expect(await s.projects.list()).toHaveLength(1);
    expect(await s.projects.delete(p.id)).toBe(true);
    expect(await s.projects.get(p.id)).toBeNull();
  });

  it('stores credentials encrypted with the key id and finds them by provider account', async () => {
    const p = await s.projects.create({ name: 'p', webhookUrl: null, signingSecret: 'whsec_x' });
    const c = await s.credentials.create({
      projectId: p.id, userId: 'u', integration: 'slack', providerAccountId: 'T123',
      secrets: { accessToken: 'xoxb-very-secret' }, expiresAt: null,
    });
    expect(c.keyId).toBe(t.keyring.currentKeyId);
    expect(JSON.stringify(await rawRows(t.db.url, 'credentials'))).not.toContain('xoxb-very-secret');
    expect((await s.credentials.findByProviderAccount(p.id, 'slack', 'T123')).map((x) => x.id)).toEqual([c.id]);
    expect(await s.credentials.tryLockRefresh(c.id, 1000, 2000)).toBe(true);
    expect(await s.credentials.tryLockRefresh(c.id, 1500, 2500)).toBe(false);
    expect(await s.credentials.tryLockRefresh(c.id, 2001, 3000)).toBe(true);
  });

  it('records an event once per dedupe key, with its delivery in the same call', async () => {
    const sub = await subscription();
    const first = await s.events.record([{ subscription: sub, dedupeKey: 'k1', payload: { a: 1 } }, { subscription: sub, dedupeKey: 'k2', payload: { a: 2 } }], 1000);
    expect(first.map((e) => e.dedupeKey)).toEqual(['k1', 'k2']);
    const again = await s.events.record([{ subscription: sub, dedupeKey: 'k1', payload: { a: 1 } }], 2000);
    expect(again).toEqual([]);
    const claimed = await s.deliveries.claimDue(5000, 65000, 'w1', 10);
    expect(claimed.map((c) => c.event.dedupeKey).sort()).toEqual(['k1', 'k2']);
    expect(claimed[0]?.event.payload).toEqual({ a: claimed[0]?.event.dedupeKey === 'k1' ? 1 : 2 });
    expect((await s.subscriptions.get(sub.id))?.dateLastReceivedEvent).toBe(1000);
  });

  it('leases a due delivery to one worker until the lease expires', async () => {
    const sub = await subscription();
    await s.events.record([{ subscription: sub, dedupeKey: 'k', payload: {} }], 1000);
    expect(await s.deliveries.claimDue(1000, 31000, 'w1', 10)).toHaveLength(1);
    expect(await s.deliveries.claimDue(2000, 32000, 'w2', 10)).toHaveLength(0);
    const reclaimed = await s.deliveries.claimDue(31001, 61001, 'w2', 10);
    expect(reclaimed).toHaveLength(1);
    expect(reclaimed[0]?.delivery.leaseOwner).toBe('w2');
  });

  it('completes deliveries: retry, success, failure turns the subscription ERRORED', async () => {
    const sub = await subscription();
    const [ev] = await s.events.record([{ subscription: sub, dedupeKey: 'k', payload: {} }], 1000);
    const attempt = { startedAt: 1000, url: 'https://example.com/hook', statusCode: 500, latencyMs: 12, responseExcerpt: 'oops', error: null };
    let [c] = await s.deliveries.claimDue(1000, 31000, 'w1', 10);
    await s.deliveries.complete([{ claimed: c!.delivery, attempt: { ...attempt, outcome: 'retry' }, next: { kind: 'retry', runAt: 6000 } }], 1010);
    expect(await s.deliveries.claimDue(5999, 40000, 'w1', 10)).toHaveLength(0);
    [c] = await s.deliveries.claimDue(6000, 36000, 'w1', 10);
    expect(c?.delivery.attemptCount).toBe(1);
    await s.deliveries.complete([{ claimed: c!.delivery, attempt: { ...attempt, outcome: 'failed' }, next: { kind: 'failed', reason: 'gave up' } }], 6010);
    expect((await s.events.get(sub.projectId, ev!.id))?.status).toBe('FAILED');
    expect(await s.subscriptions.get(sub.id)).toMatchObject({ status: 'ERRORED', error: 'gave up' });
    const attempts = await s.attempts.listForEvent(ev!.id);
    expect(attempts.map((a) => [a.attemptNumber, a.outcome, a.statusCode])).toEqual([[1, 'retry', 500], [2, 'failed', 500]]);
    expect((await s.logs.list(sub.id, 10)).map((l) => l.message)).toEqual(['gave up']);

    // Events detected while ERRORED are held, then released on re-activation.
    const [held] = await s.events.record([{ subscription: { ...sub, status: 'ERRORED' }, dedupeKey: 'k2', payload: {} }], 7000);
    expect(held?.status).toBe('HELD');
    expect(await s.deliveries.claimDue(8000, 38000, 'w1', 10)).toHaveLength(0);
    expect(await s.deliveries.releaseHeld(sub.id, 9000)).toBe(1);
    expect((await s.deliveries.claimDue(9000, 39000, 'w1', 10)).map((x) => x.event.id)).toEqual([held!.id]);

    // Bulk redeliver of failed events creates new deliveries for the same event id.
    expect(await s.deliveries.redeliverFailed(sub.projectId, { subscriptionId: sub.id }, 10000)).toBe(1);
    expect((await s.deliveries.listForEvent(ev!.id))).toHaveLength(2);
  });

  it('ignores a completion from a worker that lost its lease', async () => {
    const sub = await subscription();
    await s.events.record([{ subscription: sub, dedupeKey: 'k', payload: {} }], 1000);
    const [mine] = await s.deliveries.claimDue(1000, 2000, 'w1', 10);
    const [theirs] = await s.deliveries.claimDue(2001, 32001, 'w2', 10);
    await s.deliveries.complete([{ claimed: mine!.delivery, next: { kind: 'succeeded' }, attempt: { startedAt: 1, url: 'u', statusCode: 200, latencyMs: 1, responseExcerpt: null, error: null, outcome: 'succeeded' } }], 2500);
    const [d] = await s.deliveries.listForEvent(theirs!.event.id);
    expect(d).toMatchObject({ status: 'SENDING', leaseOwner: 'w2' });
  });

  it('claims each due poll for one poller at a time', async () => {
    const sub = await subscription({ nextPollAt: 1000 });
    expect((await s.subscriptions.claimDuePolls(1000, 5000, 10)).map((x) => x.id)).toEqual([sub.id]);
    expect(await s.subscriptions.claimDuePolls(2000, 6000, 10)).toHaveLength(0);
    await s.subscriptions.releasePoll(sub.id, 9000);
    expect(await s.subscriptions.claimDuePolls(8999, 12000, 10)).toHaveLength(0);
    expect(await s.subscriptions.claimDuePolls(9000, 12000, 10)).toHaveLength(1);
  });

  it('hands out an OAuth state once and never after expiry', async () => {
    const p = await s.projects.create({ name: 'p', webhookUrl: null, signingSecret: 'whsec_x' });
    await s.oauthStates.create({ id: 'st1', projectId: p.id, userId: 'u', integration: 'slack', redirectUrl: 'https://app/cb', codeVerifier: 'v', expiresAt: 5000 });
    expect(await s.oauthStates.consume('st1', 6000)).toBeNull();
    await s.oauthStates.create({ id: 'st2', projectId: p.id, userId: 'u', integration: 'slack', redirectUrl: 'https://app/cb', codeVerifier: 'v', expiresAt: 5000 });
    expect((await s.oauthStates.consume('st2', 1000))?.codeVerifier).toBe('v');
    expect(await s.oauthStates.consume('st2', 1000)).toBeNull();
  });

  it('rolls a transaction back as a whole', async () => {
    const sub = await subscription();
    await expect(
      s.transaction(async (tx) => {
        await tx.events.record([{ subscription: sub, dedupeKey: 'tx', payload: {} }], 1000);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await s.events.list({ projectId: sub.projectId, limit: 10 })).toHaveLength(0);
    expect(await s.deliveries.claimDue(5000, 6000, 'w', 10)).toHaveLength(0);
  });

  it('searches users literally, wildcards included', async () => {
    const p = await s.projects.create({ name: 'p', webhookUrl: null, signingSecret: 'whsec_x' });
    for (const id of ['alice', 'a_b', 'axb', '100%']) await s.users.touch(p.id, id);
    expect((await s.users.list(p.id, { search: 'a_b', limit: 10 })).map((u) => u.id)).toEqual(['a_b']);
    expect((await s.users.list(p.id, { search: '%', limit: 10 })).map((u) => u.id)).toEqual(['100%']);
    expect((await s.users.list(p.id, { afterId: 'a_b', limit: 10 })).map((u) => u.id)).toEqual(['alice', 'axb']);
  });
});

async function rawRows(url: string, table: string): Promise<unknown[]> {
  if (url.startsWith('sqlite:')) {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(url.slice('sqlite:'.length), { readonly: true });
    try {
      return db.prepare(`SELECT * FROM ${table}`).all();
    } finally {
      db.close();
    }
  }
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(`SELECT * FROM ${table}`)).rows;
  } finally {
    await c.end();
  }
}
