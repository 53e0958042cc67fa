// Scenario 4 — the Triggers API under 50 concurrent clients (closed loop: each client sends its next
// request when the previous one is answered), each client a different connected user with its own user
// token (RS256 JWT): `GET /triggers` (Slack and GitHub connected) and `POST /trigger-subscriptions`
// (a Slack channel-message subscription: validation, credential look-up, one transaction; app-level
// triggers need no provider call at subscribe time, so this is OpenTriggers' own cost).
import type { ApiRun } from '../procs/loadgen.js';
import type { BenchContext, Percentiles } from '../lib/context.js';
import type { Dialect } from '../lib/db.js';
import { fx } from '../lib/stats.js';
import { ProcMonitor } from '../lib/procs.js';
import { seedApiUsers, startWorld } from '../lib/world.js';

export interface EndpointResult {
  rps: number;
  latency: Percentiles;
  statuses: Record<string, number>;
  errors: Record<string, number>;
  cpuPercent: number | null;
}

export interface ApiResult {
  clients: number;
  getTriggers: EndpointResult;
  postSubscription: EndpointResult;
}

export async function apiScenario(ctx: BenchContext, dialect: Dialect, repeat: number): Promise<ApiResult> {
  const s = ctx.settings.api;
  const world = await startWorld({
    dialect, runtime: ctx.runtime, label: `api-${dialect}-${repeat}`, webhookUrl: ctx.receiverUrls[0]!,
    ...(ctx.cpuProfDir ? { cpuProfDir: ctx.cpuProfDir } : {}),
  });
  try {
    const users = await seedApiUsers(world, s.clients);
    const tokens = await Promise.all(users.map((u) => world.tokenFor(u)));
    const base = `/projects/${world.projectId}`;
    const run = async (name: string, requests: ApiRun['requests']): Promise<EndpointResult> => {
      const mon = new ProcMonitor(world.service.pid).start();
      const r = await ctx.helpers.loadgen.rpc.call<{ rps: number; latency: Percentiles; statuses: Record<string, number>; errors: Record<string, number> }>(
        'api',
        { baseUrl: world.url, clients: s.clients, durationMs: s.durationMs, warmupMs: s.warmupMs, requests } satisfies ApiRun,
        s.durationMs + s.warmupMs + 60_000,
      );
      const cpu = mon.stop().cpuPercent;
      const bad = Object.entries(r.statuses).filter(([k]) => !k.startsWith('2'));
      ctx.log(`    ${name}: ${fx(r.rps, 0)} req/s, p50 ${fx(r.latency.p50)} ms, p99 ${fx(r.latency.p99)} ms${bad.length ? `, non-2xx ${JSON.stringify(Object.fromEntries(bad))}` : ''}`);
      return { ...r, cpuPercent: cpu };
    };
    const getTriggers = await run('GET /triggers', tokens.map((t) => ({ method: 'GET', path: `${base}/triggers`, headers: { authorization: `Bearer ${t}` } })));
    const body = JSON.stringify({ integration: 'slack', type: 'SLACK_TRIGGER_CHANNEL_MESSAGE_POSTED', parameters: { channel: 'C0BENCH01' } });
    const postSubscription = await run('POST /trigger-subscriptions', tokens.map((t) => ({
      method: 'POST', path: `${base}/trigger-subscriptions`, headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' }, body,
    })));
    if (world.service.exit?.crashed) ctx.failures.push(`api ${dialect}: service crashed`);
    return { clients: s.clients, getTriggers, postSubscription };
  } finally {
    await world.close();
  }
}
