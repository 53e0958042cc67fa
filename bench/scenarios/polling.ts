// Scenario 3 — polling capacity: N polling subscriptions (10,000 in full mode) at one poll interval each
// (60 s), against a fake provider whose list endpoint answers in 20 ms → achieved polls/s against the
// needed N / interval, schedule lag p99 (how late a poll starts after its next_poll_at), service RSS.
//
// The trigger is a custom polling trigger (admin API) of a bench-only integration, so the provider can be a
// tiny fake; it runs through exactly the engine every built-in polling trigger uses (lease → provider call
// → one transaction → release). First polls are spread evenly over one interval, the steady state a
// long-running deployment reaches (the poller's ±10 % jitter keeps it spread).
import type { BenchContext } from '../lib/context.js';
import type { Dialect } from '../lib/db.js';
import { fx } from '../lib/stats.js';
import { ProcMonitor, sleep } from '../lib/procs.js';
import { openSql } from '../lib/sql.js';
import { adminCall, seedPolling, startWorld } from '../lib/world.js';

export const POLL_TYPE = 'BENCHPOLL_TRIGGER_ITEM_CREATED';
const FAR = 10_000_000_000_000; // year 2286: seeded schedules wait here until shifted to the start time
const SAMPLE_MS = 200;

export interface PollingResult {
  subscriptions: number;
  intervalSec: number;
  neededPollsPerSec: number;
  pollsPerSec: number;
  /** Upper bound of the 99th percentile of (poll claimed − next_poll_at), ms. */
  lagP99Ms: number;
  lagMaxMs: number;
  /** Polls observed overdue by at least one sample (the rest were claimed within SAMPLE_MS). */
  overdueObserved: number;
  polls: number;
  failedPolls: number;
  rssMaxMb: number | null;
  rssEndMb: number | null;
  cpuPercent: number | null;
  pollerConcurrency: string;
}

export async function polling(ctx: BenchContext, dialect: Dialect, repeat: number, env: Record<string, string> = {}): Promise<PollingResult> {
  const s = ctx.settings.polling;
  const world = await startWorld({
    dialect, runtime: ctx.runtime, label: `polling-${dialect}-${repeat}`, webhookUrl: ctx.receiverUrls[0]!,
    env: { OPENTRIGGERS_POLL_INTERVAL_SECONDS: String(s.intervalSec), ...env },
    ...(ctx.cpuProfDir ? { cpuProfDir: ctx.cpuProfDir } : {}),
  });
  const sql = await openSql(world.db);
  try {
    await adminCall(world, 'PUT', `/projects/${world.projectId}/custom-triggers/${POLL_TYPE}`, {
      integration: 'benchpoll', integrationName: 'Bench poll', auth: { kind: 'bearer' }, apiBaseUrl: ctx.providerUrl,
      title: 'New item', description: 'Benchmark polling trigger', parameters: [{ id: 'feed', title: 'Feed', type: 'TEXT', required: true }],
      examplePayload: { id: 'item_1', createdAt: '2026-01-01T00:00:00Z' },
      source: { kind: 'poll', path: '/feeds/{feed}/items', itemsPath: 'data', keyField: 'id', timestampField: 'createdAt', timestampFormat: 'iso' },
    });
    const intervalMs = s.intervalSec * 1000;
    const seeded = await seedPolling(world, s.subscriptions, { integration: 'benchpoll', type: POLL_TYPE, intervalMs, firstAt: FAR });
    // Let the process settle after seeding, then start every schedule relative to now in one statement.
    await sleep(500);
    const start = Date.now() + 1_000;
    await sql.run('UPDATE subscriptions SET next_poll_at = next_poll_at - ? + ? WHERE next_poll_at >= ?', [FAR, start, FAR]);
    const before = await ctx.helpers.provider.rpc.call<{ requests: number; unauthorized: number }>('stats');
    await sleep(Math.max(0, start - Date.now()));
    const mon = new ProcMonitor(world.service.pid).start();
    const t0 = Date.now();
    const end = t0 + s.measureMs;
    // Overdue polls: due, not leased. Each (subscription, next_poll_at) seen here is a poll that started
    // late; its lag is at least the largest age observed and at most that plus one sampling period.
    const overdue = new Map<string, number>();
    while (Date.now() < end) {
      const now = Date.now();
      const rows = await sql.query<{ id: string; next_poll_at: number | string }>(
        'SELECT id, next_poll_at FROM subscriptions WHERE next_poll_at <= ? AND (poll_lease_until IS NULL OR poll_lease_until < ?)',
        [now, now],
      );
      for (const r of rows) {
        const due = Number(r.next_poll_at);
        const key = `${r.id}:${due}`;
        overdue.set(key, Math.max(overdue.get(key) ?? 0, now - due));
      }
      await sleep(Math.max(0, SAMPLE_MS - (Date.now() - now)));
    }
    const elapsed = Date.now() - t0;
    const after = await ctx.helpers.provider.rpc.call<{ requests: number; unauthorized: number }>('stats');
    const res = mon.stop();
    const polls = after.requests - before.requests;
    // Upper bounds, sorted descending; p99 = the (1 % of polls)-th largest lag, or below one sample period.
    const lags = [...overdue.values()].map((v) => v + SAMPLE_MS).sort((a, b) => b - a);
    const rank = Math.max(1, Math.ceil(polls * 0.01));
    const lagP99Ms = lags.length >= rank ? lags[rank - 1]! : SAMPLE_MS;
    const failed = await sql.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM subscriptions WHERE consecutive_failures > 0');
    const result: PollingResult = {
      subscriptions: seeded,
      intervalSec: s.intervalSec,
      neededPollsPerSec: seeded / s.intervalSec,
      pollsPerSec: polls / (elapsed / 1000),
      lagP99Ms,
      lagMaxMs: lags[0] ?? 0,
      overdueObserved: lags.length,
      polls,
      failedPolls: Number(failed[0]?.n ?? 0) + after.unauthorized - before.unauthorized,
      rssMaxMb: res.rssMaxMb,
      rssEndMb: res.rssEndMb,
      cpuPercent: res.cpuPercent,
      pollerConcurrency: env.OPENTRIGGERS_POLL_CONCURRENCY ?? 'default',
    };
    ctx.log(`    ${seeded} subscriptions / ${s.intervalSec} s: ${fx(result.pollsPerSec)} polls/s (needed ${fx(result.neededPollsPerSec)}), lag p99 ≤ ${fx(lagP99Ms / 1000, 2)} s, max ${fx(result.lagMaxMs / 1000, 2)} s, RSS max ${fx(res.rssMaxMb, 0)} MB, cpu ${fx(res.cpuPercent, 0)} %`);
    if (world.service.exit?.crashed) ctx.failures.push(`polling ${dialect}: service crashed`);
    return result;
  } finally {
    await sql.close();
    await world.close();
  }
}
