// Scenario 6 — soak (long mode only): a steady 500 events/s of GitHub deliveries for 10 minutes → RSS
// growth and p99 drift, minute by minute.
import type { WebhookRun, WebhookRunResult } from '../procs/loadgen.js';
import { newRun, recv, type BenchContext } from '../lib/context.js';
import type { Dialect } from '../lib/db.js';
import { fx } from '../lib/stats.js';
import { ProcMonitor, waitUntil } from '../lib/procs.js';
import { seedGithub, startWorld } from '../lib/world.js';
import { drained, warmup } from './throughput.js';

export interface SoakResult {
  rate: number;
  durationMs: number;
  minutes: Array<{ minute: number; p50: number; p99: number; count: number; rssMb: number | null }>;
  rssStartMb: number | null;
  rssEndMb: number | null;
  rssGrowthMb: number | null;
  p99FirstMinute: number | null;
  p99LastMinute: number | null;
  lost: number;
  cpuPercent: number | null;
}

export async function soak(ctx: BenchContext, dialect: Dialect): Promise<SoakResult> {
  const s = ctx.settings.soak!;
  const world = await startWorld({
    dialect, runtime: ctx.runtime, label: `soak-${dialect}`, webhookUrl: ctx.receiverUrls[0]!,
    ...(ctx.cpuProfDir ? { cpuProfDir: ctx.cpuProfDir } : {}),
  });
  try {
    const subs = await seedGithub(world, 100);
    const targets = subs.map((x) => ({ path: `/hooks/s/${x.id}`, secret: x.secret }));
    await warmup(ctx, world.url, targets, 500, 2000);
    const run = newRun('soak');
    const mon = new ProcMonitor(world.service.pid, 5_000).start();
    const startedAt = performance.now();
    const r = await ctx.helpers.loadgen.rpc.call<WebhookRunResult>(
      'webhooks',
      { baseUrl: world.url, kind: 'github', targets, run, rate: s.rate, count: Math.round((s.rate * s.durationMs) / 1000) } satisfies WebhookRun,
      s.durationMs + 300_000,
    );
    await waitUntil(async () => (await recv.stats(ctx, run)).distinctSeqs >= r.accepted, 120_000, 200);
    await drained(world, 60_000);
    const res = mon.stop();
    const series = await ctx.helpers.receiver.rpc.call<Array<{ bucket: number; p50: number; p99: number; count: number }>>('series', { run, bucketMs: s.bucketMs });
    const rssAt = (minute: number): number | null => {
      const t = startedAt + (minute + 1) * s.bucketMs;
      const near = mon.rssSeries.filter((x) => x.t <= t).at(-1);
      return near?.rssMb ?? null;
    };
    const minutes = series.map((b) => ({ minute: b.bucket + 1, p50: b.p50, p99: b.p99, count: b.count, rssMb: rssAt(b.bucket) }));
    const m = await recv.missing(ctx, run, r.sent, r.notAccepted);
    if (m.total > 0) ctx.failures.push(`soak ${dialect}: ${m.total} accepted events never delivered`);
    await recv.drop(ctx, run);
    const full = minutes.filter((x) => x.count >= (s.rate * s.bucketMs) / 1000 / 2);
    const result: SoakResult = {
      rate: s.rate, durationMs: s.durationMs, minutes,
      rssStartMb: full[0]?.rssMb ?? null, rssEndMb: res.rssEndMb,
      rssGrowthMb: full[0]?.rssMb != null && res.rssEndMb != null ? res.rssEndMb - full[0].rssMb : null,
      p99FirstMinute: full[0]?.p99 ?? null, p99LastMinute: full.at(-1)?.p99 ?? null,
      lost: m.total, cpuPercent: res.cpuPercent,
    };
    ctx.log(`    ${minutes.length} minutes: p99 first/last ${fx(result.p99FirstMinute)} / ${fx(result.p99LastMinute)} ms, RSS ${fx(result.rssStartMb, 0)} → ${fx(result.rssEndMb, 0)} MB, lost ${m.total}`);
    if (world.service.exit?.crashed) ctx.failures.push(`soak ${dialect}: service crashed`);
    return result;
  } finally {
    await world.close();
  }
}
