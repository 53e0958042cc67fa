// Scenario 1 — webhook to webhook: signed GitHub repository-hook deliveries posted to the inbound
// endpoint at fixed offered rates, stepping up until saturation, delivered to the fake receiver; and the
// same ladder through the baseline forwarder in the same run.
import type { WebhookRun, WebhookRunResult } from '../procs/loadgen.js';
import { newRun, recv, type BenchContext, type Percentiles } from '../lib/context.js';
import type { Dialect } from '../lib/db.js';
import { cpus } from 'node:os';
import { MachineMonitor, ProcMonitor, sleep, waitUntil } from '../lib/procs.js';
import { fx } from '../lib/stats.js';
import { seedGithub, startWorld, type World } from '../lib/world.js';

export interface Step {
  rate: number;
  sent: number;
  accepted: number;
  /** Achieved send rate of the load generator, events/s. */
  sentRate: number;
  /** Events delivered / (last arrival − first send), events/s. */
  deliveredRate: number;
  latency: Percentiles;
  inbound: Percentiles;
  /** Accepted by the inbound endpoint but never received (checked after the queue drained). */
  lost: number | null;
  duplicates: number;
  cpuPercent: number | null;
  /** Service CPU time (user + system) per delivered event, ms: efficiency, far less noisy than rates. */
  cpuMsPerEvent: number | null;
  rssMaxMb: number | null;
  loadgenCpuPercent: number | null;
  receiverCpuPercent: number | null;
  /** Whole machine (all processes, PostgreSQL and other users' work included), % of one core. */
  machineCpuPercent: number | null;
  sustained: boolean;
  why: string;
  run: string;
  notAccepted: number[];
}

export interface Ladder {
  steps: Step[];
  /** Highest offered rate that was sustained (null if none was). */
  sustained: number | null;
  /** Highest delivered rate seen in any step (≈ capacity once saturated). */
  peak: number;
  p99At1000: number | null;
  lost: number;
}

const SUSTAINED = 0.95;
const P99_LIMIT_MS = 1_000;

function judge(rate: number, r: WebhookRunResult, deliveredRate: number, latency: Percentiles, undelivered: number): { sustained: boolean; why: string } {
  if (r.sentRate < SUSTAINED * rate || r.skipped > 0) return { sustained: false, why: `load generator reached only ${Math.round(r.sentRate)}/s${r.skipped ? ` (${r.skipped} sends skipped: too many requests outstanding)` : ''}` };
  if (r.accepted < r.sent) return { sustained: false, why: `${r.sent - r.accepted} inbound requests refused or failed` };
  if (undelivered > 0) return { sustained: false, why: `${undelivered} events not delivered within the drain window` };
  if (deliveredRate < SUSTAINED * rate) return { sustained: false, why: `delivered ${Math.round(deliveredRate)}/s < ${SUSTAINED * 100} % of offered` };
  if (!(latency.p99 < P99_LIMIT_MS)) return { sustained: false, why: `p99 ${Math.round(latency.p99)} ms ≥ ${P99_LIMIT_MS} ms (backlog)` };
  return { sustained: true, why: 'ok' };
}

async function step(
  ctx: BenchContext,
  opts: { label: string; baseUrl: string; targets: WebhookRun['targets']; rate: number; stepMs: number; servicePid: number | null },
): Promise<Step> {
  const run = newRun(opts.label);
  const count = Math.round((opts.rate * opts.stepMs) / 1000);
  const monitors = {
    service: opts.servicePid ? new ProcMonitor(opts.servicePid).start() : null,
    loadgen: new ProcMonitor(ctx.helpers.loadgen.pid).start(),
    receiver: new ProcMonitor(ctx.helpers.receiver.pid).start(),
    machine: new MachineMonitor().start(),
  };
  const r = await ctx.helpers.loadgen.rpc.call<WebhookRunResult>(
    'webhooks',
    { baseUrl: opts.baseUrl, kind: 'github', targets: opts.targets, run, rate: opts.rate, count } satisfies WebhookRun,
    opts.stepMs + 120_000,
  );
  // Wait for everything accepted to arrive; a saturated step drains its backlog here (bounded).
  const drainMs = Math.max(3_000, opts.stepMs) + (opts.rate * opts.stepMs) / 1000 / 2;
  await waitUntil(async () => (await recv.stats(ctx, run)).distinctSeqs >= r.accepted, drainMs, 50);
  const svc = monitors.service?.stop() ?? { cpuPercent: null, cpuMs: null, rssMaxMb: null };
  const lg = monitors.loadgen.stop();
  const rc = monitors.receiver.stop();
  const machine = monitors.machine.stop(cpus().length);
  const stats = await recv.stats(ctx, run);
  const latency = await recv.latency(ctx, run);
  const deliveredRate = stats.lastAt > r.firstSentAt ? stats.distinctSeqs / ((stats.lastAt - r.firstSentAt) / 1000) : 0;
  const undelivered = Math.max(0, r.accepted - stats.distinctSeqs);
  const verdict = judge(opts.rate, r, deliveredRate, latency, undelivered);
  ctx.log(`    ${String(opts.rate).padStart(5)}/s offered: sent ${Math.round(r.sentRate)}/s, delivered ${Math.round(deliveredRate)}/s, inbound p50/p99 ${fx(r.inbound.p50)}/${fx(r.inbound.p99)} ms, p50 ${fx(latency.p50)} ms, p99 ${fx(latency.p99)} ms, cpu ${fx(svc.cpuPercent, 0)} % = ${fx(svc.cpuMs !== null && stats.distinctSeqs > 0 ? svc.cpuMs / stats.distinctSeqs : null, 2)} ms/event (machine ${fx(machine, 0)} %), ${verdict.sustained ? 'sustained' : `NOT sustained: ${verdict.why}`}`);
  return {
    rate: opts.rate, sent: r.sent, accepted: r.accepted, sentRate: r.sentRate, deliveredRate, latency, inbound: r.inbound,
    lost: null, duplicates: stats.duplicates, cpuPercent: svc.cpuPercent, rssMaxMb: svc.rssMaxMb,
    cpuMsPerEvent: svc.cpuMs !== null && stats.distinctSeqs > 0 ? svc.cpuMs / stats.distinctSeqs : null,
    loadgenCpuPercent: lg.cpuPercent, receiverCpuPercent: rc.cpuPercent, machineCpuPercent: machine, sustained: verdict.sustained, why: verdict.why, run,
    notAccepted: r.notAccepted,
  };
}

/**
 * `lossFails`: an accepted event that never arrived fails the run — for OpenTriggers, which promises it. The
 * baseline forwarder stores nothing, so at a step it cannot sustain it drops what it accepted; that is
 * reported in its table (lost events), not as a failure.
 */
async function ladder(ctx: BenchContext, label: string, baseUrl: string, targets: WebhookRun['targets'], servicePid: number | null, lossFails: boolean, afterSteps: () => Promise<void>): Promise<Ladder> {
  const s = ctx.settings.throughput;
  const steps: Step[] = [];
  for (const rate of s.rates) {
    const st = await step(ctx, { label, baseUrl, targets, rate, stepMs: s.stepMs, servicePid });
    steps.push(st);
    // Stop at the first step not sustained, but always measure up to 1,000/s (a target is stated there).
    if (!st.sustained && rate >= 1000) break;
    await sleep(300);
  }
  // Loss is judged once the service has nothing left to deliver: every accepted event must have arrived.
  await afterSteps();
  let lost = 0;
  for (const st of steps) {
    const m = await recv.missing(ctx, st.run, st.sent, st.notAccepted);
    st.lost = m.total;
    lost += m.total;
    if (m.total > 0 && lossFails) ctx.failures.push(`${label}: ${m.total} accepted events never delivered at ${st.rate}/s (first seqs ${m.first.slice(0, 10).join(', ')})`);
    await recv.drop(ctx, st.run);
  }
  const sustainedSteps = steps.filter((x) => x.sustained);
  return {
    steps,
    sustained: sustainedSteps.length > 0 ? Math.max(...sustainedSteps.map((x) => x.rate)) : null,
    peak: Math.max(0, ...steps.map((x) => x.deliveredRate)),
    p99At1000: steps.find((x) => x.rate === 1000)?.latency.p99 ?? null,
    lost,
  };
}

/** Unmeasured traffic first: JIT compilation, keep-alive connections, SQLite page cache. */
export async function warmup(ctx: BenchContext, baseUrl: string, targets: WebhookRun['targets'], rate: number, count: number): Promise<void> {
  const run = newRun('warmup');
  const r = await ctx.helpers.loadgen.rpc.call<WebhookRunResult>('webhooks', { baseUrl, kind: 'github', targets, run, rate, count } satisfies WebhookRun, 120_000);
  await waitUntil(async () => (await recv.stats(ctx, run)).distinctSeqs >= r.accepted, 30_000, 50);
  await recv.drop(ctx, run);
}

export async function forwarderLadder(ctx: BenchContext): Promise<Ladder> {
  ctx.log('  baseline forwarder');
  const targets = [{ path: '/', secret: 'unused-by-the-forwarder' }];
  // Warm-up (JIT, keep-alive connections), not measured.
  await warmup(ctx, ctx.forwarderUrl, targets, 500, 500);
  return ladder(ctx, 'fwd', ctx.forwarderUrl, targets, ctx.helpers.forwarder.pid, false, async () => {
    await sleep(500);
  });
}

/** Wait until the service's outbox has nothing pending or in flight (bounded). */
export async function drained(world: World, timeoutMs: number): Promise<boolean> {
  return waitUntil(async () => {
    const c = await world.storage.deliveries.countByStatus();
    return (c.PENDING ?? 0) + (c.SENDING ?? 0) === 0;
  }, timeoutMs, 200);
}

export async function serviceLadder(ctx: BenchContext, dialect: Dialect, repeat: number): Promise<Ladder & { subscriptions: number }> {
  const s = ctx.settings.throughput;
  ctx.log(`  OpenTriggers on ${dialect}`);
  const world = await startWorld({
    dialect, runtime: ctx.runtime, label: `throughput-${dialect}-${repeat}`, webhookUrl: ctx.receiverUrls[0]!,
    ...(ctx.cpuProfDir ? { cpuProfDir: ctx.cpuProfDir } : {}),
  });
  try {
    const subs = await seedGithub(world, s.subscriptions);
    const targets = subs.map((x) => ({ path: `/hooks/s/${x.id}`, secret: x.secret }));
    await warmup(ctx, world.url, targets, 500, s.warmupEvents);
    const result = await ladder(ctx, `svc-${dialect}`, world.url, targets, world.service.pid, true, async () => {
      if (!(await drained(world, 180_000))) ctx.failures.push(`throughput ${dialect}: outbox did not drain within 180 s`);
    });
    if (world.service.exit?.crashed) ctx.failures.push(`throughput ${dialect}: service crashed (${world.service.exit.signal ?? world.service.exit.code})`);
    return { ...result, subscriptions: subs.length };
  } finally {
    await world.close();
  }
}
