// Scenario 5 — retry storm: two groups of GitHub subscriptions under the same steady load, one delivering
// to a receiver that fails 100 % (HTTP 503) for a while and then recovers, the other to a healthy
// receiver. Reported: time from recovery until every event sent before it has arrived, lost events (must
// be 0), failed attempts absorbed, and the healthy receiver's latency before, during and after the storm.
// The service runs with a short retry schedule (OPENTRIGGERS_RETRY_SCHEDULE) that outlasts the outage, so
// nothing is exhausted: a real outage longer than the schedule would end FAILED/ERRORED by design.
import type { WebhookRun, WebhookRunResult } from '../procs/loadgen.js';
import { newRun, recv, type BenchContext, type Percentiles } from '../lib/context.js';
import type { Dialect } from '../lib/db.js';
import { ProcMonitor, sleep, waitUntil } from '../lib/procs.js';
import { wallMs, fx } from '../lib/stats.js';
import { seedGithub, startWorld } from '../lib/world.js';
import { drained, warmup } from './throughput.js';

const FAILING = 1;
const HEALTHY = 2;

export interface StormResult {
  ratePerClass: number;
  outageMs: number;
  schedule: string;
  /** Recovery → the last event sent before recovery arrived, ms. */
  drainMs: number | null;
  lost: number;
  failedAttempts: number;
  healthy: { before: Percentiles; during: Percentiles; after: Percentiles };
  duplicates: number;
  cpuPercent: number | null;
  rssMaxMb: number | null;
}

export async function storm(ctx: BenchContext, dialect: Dialect, repeat: number): Promise<StormResult> {
  const s = ctx.settings.storm;
  const world = await startWorld({
    dialect, runtime: ctx.runtime, label: `storm-${dialect}-${repeat}`, webhookUrl: ctx.receiverUrls[HEALTHY]!,
    env: { OPENTRIGGERS_RETRY_SCHEDULE: s.schedule },
    ...(ctx.cpuProfDir ? { cpuProfDir: ctx.cpuProfDir } : {}),
  });
  try {
    const healthySubs = await seedGithub(world, s.subscriptions);
    const failingSubs = await seedGithub(world, s.subscriptions, { webhookUrl: `${ctx.receiverUrls[FAILING]!}/failing` });
    const healthyTargets = healthySubs.map((x) => ({ path: `/hooks/s/${x.id}`, secret: x.secret }));
    const failingTargets = failingSubs.map((x) => ({ path: `/hooks/s/${x.id}`, secret: x.secret }));
    await warmup(ctx, world.url, [...healthyTargets, ...failingTargets], 2 * s.ratePerClass, 2 * s.ratePerClass);
    const failedBefore = (await recv.endpointStats(ctx, FAILING)).byStatus['503'] ?? 0;

    const totalMs = s.baselineMs + s.outageMs + s.afterMs;
    const count = Math.round((s.ratePerClass * totalMs) / 1000);
    const runs = { healthy: newRun('storm-ok'), failing: newRun('storm-fail') };
    const mon = new ProcMonitor(world.service.pid).start();
    const t0 = wallMs();
    const send = (run: string, targets: WebhookRun['targets']) =>
      ctx.helpers.loadgen.rpc.call<WebhookRunResult>('webhooks', { baseUrl: world.url, kind: 'github', targets, run, rate: s.ratePerClass, count } satisfies WebhookRun, totalMs + 120_000);
    const sending = Promise.all([send(runs.healthy, healthyTargets), send(runs.failing, failingTargets)]);
    await sleep(s.baselineMs);
    const outageAt = wallMs();
    await recv.setStatus(ctx, FAILING, 503);
    ctx.log(`    receiver failing (503) for ${s.outageMs / 1000} s`);
    await sleep(s.outageMs);
    await recv.setStatus(ctx, FAILING, 200);
    const recoveredAt = wallMs();
    const [healthyRun, failingRun] = await sending;
    // Everything must arrive: the largest retry delay (+20 % jitter) bounds how long that can take.
    const maxDelayMs = Math.max(...s.schedule.split(',').map(Number)) * 1200;
    const ok = await waitUntil(async () => (await recv.stats(ctx, runs.failing)).distinctSeqs >= failingRun.accepted, maxDelayMs + 60_000, 100);
    if (!ok || !(await drained(world, 30_000))) ctx.failures.push(`retry storm ${dialect}: not drained within ${(maxDelayMs + 60_000) / 1000} s of the end of sending`);
    const res = mon.stop();
    const backlog = await ctx.helpers.receiver.rpc.call<{ count: number; lastAt: number }>('arrivedBy', { run: runs.failing, sentBefore: recoveredAt });
    const healthy = {
      before: await recv.latency(ctx, runs.healthy, t0, outageAt),
      during: await recv.latency(ctx, runs.healthy, outageAt, recoveredAt),
      after: await recv.latency(ctx, runs.healthy, recoveredAt),
    };
    let lost = 0;
    for (const [run, r] of [[runs.healthy, healthyRun], [runs.failing, failingRun]] as const) {
      const m = await recv.missing(ctx, run, r.sent, r.notAccepted);
      lost += m.total;
      if (m.total > 0) ctx.failures.push(`retry storm ${dialect}: ${m.total} accepted events never delivered (${run})`);
    }
    const failedAttempts = ((await recv.endpointStats(ctx, FAILING)).byStatus['503'] ?? 0) - failedBefore;
    const duplicates = (await recv.stats(ctx, runs.failing)).duplicates + (await recv.stats(ctx, runs.healthy)).duplicates;
    await recv.drop(ctx, runs.healthy);
    await recv.drop(ctx, runs.failing);
    const result: StormResult = {
      ratePerClass: s.ratePerClass, outageMs: s.outageMs, schedule: s.schedule,
      drainMs: backlog.lastAt > 0 ? Math.max(0, backlog.lastAt - recoveredAt) : null,
      lost, failedAttempts, healthy, duplicates, cpuPercent: res.cpuPercent, rssMaxMb: res.rssMaxMb,
    };
    ctx.log(`    drained ${fx((result.drainMs ?? Number.NaN) / 1000)} s after recovery, ${failedAttempts} failed attempts, lost ${lost}; healthy p99 before/during/after: ${fx(healthy.before.p99)} / ${fx(healthy.during.p99)} / ${fx(healthy.after.p99)} ms`);
    if (world.service.exit?.crashed) ctx.failures.push(`retry storm ${dialect}: service crashed`);
    return result;
  } finally {
    await recv.setStatus(ctx, FAILING, 200);
    await world.close();
  }
}
