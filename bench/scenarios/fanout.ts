// Scenario 2 — fan-out: one signed Slack Events API callback for a workspace in which 1,000 connected
// users have installed the app, each with one SLACK_TRIGGER_CHANNEL_MESSAGE_POSTED subscription → time
// until all 1,000 deliveries have arrived at the receiver.
import type { WebhookRun, WebhookRunResult } from '../procs/loadgen.js';
import { newRun, recv, type BenchContext } from '../lib/context.js';
import type { Dialect } from '../lib/db.js';
import { fx } from '../lib/stats.js';
import { ProcMonitor, sleep, waitUntil } from '../lib/procs.js';
import { SLACK_SIGNING_SECRET, SLACK_TEAM, seedSlackFanout, startWorld } from '../lib/world.js';

export interface FanoutEvent {
  /** Inbound request sent → last of the deliveries received, ms. */
  allDeliveredMs: number;
  /** Inbound request sent → first delivery received, ms. */
  firstDeliveredMs: number;
  /** Response time of the inbound request (routing, matching and storing 1,000 events), ms. */
  inboundMs: number;
  received: number;
  duplicates: number;
  cpuPercent: number | null;
}

export interface FanoutResult {
  subscriptions: number;
  events: FanoutEvent[];
  lost: number;
}

export async function fanout(ctx: BenchContext, dialect: Dialect, repeat: number): Promise<FanoutResult> {
  const s = ctx.settings.fanout;
  const world = await startWorld({
    dialect, runtime: ctx.runtime, label: `fanout-${dialect}-${repeat}`, webhookUrl: ctx.receiverUrls[0]!,
    ...(ctx.cpuProfDir ? { cpuProfDir: ctx.cpuProfDir } : {}),
  });
  try {
    const seeded = await seedSlackFanout(world, s.subscriptions);
    const target = { path: `/hooks/app/${world.projectId}/slack`, secret: SLACK_SIGNING_SECRET };
    const events: FanoutEvent[] = [];
    let lost = 0;
    // One unmeasured event first (JIT, connections), then the measured ones, one at a time.
    for (let e = -1; e < s.events; e++) {
      const run = newRun('fanout');
      const mon = new ProcMonitor(world.service.pid, 100).start();
      const r = await ctx.helpers.loadgen.rpc.call<WebhookRunResult>('webhooks', {
        baseUrl: world.url, kind: 'slack', targets: [target], slackTeam: SLACK_TEAM, run, rate: 1, count: 1,
      } satisfies WebhookRun);
      if (r.accepted !== 1) throw new Error(`fan-out: the Slack event was not accepted: ${JSON.stringify(r.statuses)} ${JSON.stringify(r.errors)}`);
      await waitUntil(async () => (await recv.stats(ctx, run)).received >= seeded, 120_000, 20);
      const cpu = mon.stop().cpuPercent;
      const st = await recv.stats(ctx, run);
      await recv.drop(ctx, run);
      if (st.received < seeded) {
        lost += seeded - st.received;
        ctx.failures.push(`fan-out ${dialect}: only ${st.received} of ${seeded} deliveries arrived within 120 s`);
      }
      if (e < 0) continue;
      const ev: FanoutEvent = {
        allDeliveredMs: st.lastAt - r.firstSentAt, firstDeliveredMs: st.firstAt - r.firstSentAt, inboundMs: r.inbound.p50,
        received: st.received, duplicates: st.duplicates, cpuPercent: cpu,
      };
      ctx.log(`    event ${e + 1}: ${ev.received} deliveries, all in ${fx(ev.allDeliveredMs, 0)} ms (inbound answered in ${fx(ev.inboundMs, 0)} ms, first delivery after ${fx(ev.firstDeliveredMs, 0)} ms)`);
      events.push(ev);
      await sleep(300);
    }
    if (world.service.exit?.crashed) ctx.failures.push(`fan-out ${dialect}: service crashed`);
    return { subscriptions: seeded, events, lost };
  } finally {
    await world.close();
  }
}
