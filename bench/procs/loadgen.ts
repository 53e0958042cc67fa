// The load generator (its own process): plays the providers. Sends signed provider webhooks at a fixed
// offered rate (open loop: requests leave on schedule whether or not earlier ones were answered, so a slow
// server cannot slow the offer down and hide its latency), and runs closed-loop API clients.
import { Pool } from 'undici';
import { githubDelivery, slackEvent, type Marker, type SignedRequest } from '../lib/bodies.js';
import { serve } from '../lib/rpc.js';
import { percentiles, wallMs } from '../lib/stats.js';

const pools = new Map<string, Pool>();
function poolFor(origin: string, connections: number): Pool {
  const key = `${origin}#${connections}`;
  let p = pools.get(key);
  if (!p) {
    p = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 30_000, headersTimeout: 60_000, bodyTimeout: 60_000 });
    pools.set(key, p);
  }
  return p;
}

export interface WebhookRun {
  baseUrl: string;
  kind: 'github' | 'slack';
  /** GitHub: one per subscription (path + hook secret), used round robin. Slack: one app URL. */
  targets: Array<{ path: string; secret: string }>;
  slackTeam?: string;
  run: string;
  /** Offered events per second. */
  rate: number;
  count: number;
  connections?: number;
  /** Requests outstanding beyond this are not sent (counted as `skipped`): the server is saturated. */
  maxInFlight?: number;
}

export interface WebhookRunResult {
  run: string;
  offered: number;
  sent: number;
  accepted: number;
  skipped: number;
  statuses: Record<string, number>;
  errors: Record<string, number>;
  /** Sends that left more than 20 ms after their slot. */
  late: number;
  firstSentAt: number;
  lastSentAt: number;
  /** Achieved send rate over the run, events/s. */
  sentRate: number;
  /** Response time of the inbound endpoint, ms. */
  inbound: ReturnType<typeof percentiles>;
  /** seq numbers that were not accepted (sent and answered non-2xx, errored, or skipped); at most 10,000. */
  notAccepted: number[];
}

async function webhooks(a: WebhookRun): Promise<WebhookRunResult> {
  const url = new URL(a.baseUrl);
  const pool = poolFor(url.origin, a.connections ?? 128);
  const maxInFlight = a.maxInFlight ?? 4_000;
  const statuses: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const inbound: number[] = [];
  const notAccepted: number[] = [];
  let inFlight = 0;
  let sent = 0;
  let accepted = 0;
  let skipped = 0;
  let late = 0;
  let firstSentAt = 0;
  let lastSentAt = 0;
  const start = performance.now() + 5;
  const intervalMs = 1000 / a.rate;
  const pending = new Set<Promise<void>>();

  const build = (seq: number, sentAt: number): SignedRequest => {
    const m: Marker = { run: a.run, seq, sentAt };
    if (a.kind === 'github') {
      const t = a.targets[seq % a.targets.length]!;
      return githubDelivery(t.path, t.secret, m);
    }
    return slackEvent(a.targets[0]!.path, a.targets[0]!.secret, a.slackTeam ?? '', m);
  };

  const send = (seq: number) => {
    const sentAt = wallMs();
    const req = build(seq, sentAt);
    if (sent === 0) firstSentAt = sentAt;
    lastSentAt = sentAt;
    sent++;
    inFlight++;
    const t0 = performance.now();
    const p = pool
      .request({ path: `${url.pathname.replace(/\/$/, '')}${req.path}`, method: 'POST', headers: req.headers, body: req.body })
      .then(async (res) => {
        await res.body.dump();
        inbound.push(performance.now() - t0);
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        if (res.statusCode >= 200 && res.statusCode < 300) accepted++;
        else if (notAccepted.length < 10_000) notAccepted.push(seq);
      })
      .catch((err: unknown) => {
        const code = (err as { code?: string }).code ?? (err as Error).name;
        errors[code] = (errors[code] ?? 0) + 1;
        if (notAccepted.length < 10_000) notAccepted.push(seq);
      })
      .finally(() => {
        inFlight--;
        pending.delete(p);
      });
    pending.add(p);
  };

  await new Promise<void>((resolve) => {
    let seq = 0;
    const tick = () => {
      const now = performance.now();
      const due = Math.min(a.count, Math.floor((now - start) / intervalMs) + 1);
      while (seq < due) {
        const slot = start + seq * intervalMs;
        if (now - slot > 20) late++;
        if (inFlight >= maxInFlight) {
          skipped++;
          if (notAccepted.length < 10_000) notAccepted.push(seq);
        } else {
          send(seq);
        }
        seq++;
      }
      if (seq >= a.count) resolve();
      else setTimeout(tick, Math.max(0, Math.min(5, start + seq * intervalMs - performance.now())));
    };
    setTimeout(tick, 5);
  });
  // Wait for the answers (bounded: undici's own timeouts end every request).
  await Promise.allSettled([...pending]);
  const span = (lastSentAt - firstSentAt) / 1000;
  return {
    run: a.run,
    offered: a.count,
    sent,
    accepted,
    skipped,
    statuses,
    errors,
    late,
    firstSentAt,
    lastSentAt,
    sentRate: span > 0 ? (sent - 1) / span : sent,
    inbound: percentiles(inbound),
    notAccepted,
  };
}

export interface ApiRun {
  baseUrl: string;
  clients: number;
  durationMs: number;
  warmupMs: number;
  /** Client i sends requests[i % requests.length] in a loop. */
  requests: Array<{ method: 'GET' | 'POST'; path: string; headers: Record<string, string>; body?: string }>;
}

async function apiLoad(a: ApiRun) {
  const url = new URL(a.baseUrl);
  const pool = poolFor(url.origin, a.clients);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const start = performance.now();
  const measureFrom = start + a.warmupMs;
  const end = measureFrom + a.durationMs;
  let measured = 0;
  const client = async (i: number) => {
    const r = a.requests[i % a.requests.length]!;
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        const res = await pool.request({ path: r.path, method: r.method, headers: r.headers, ...(r.body !== undefined ? { body: r.body } : {}) });
        await res.body.dump();
        const t1 = performance.now();
        if (t0 >= measureFrom) {
          latencies.push(t1 - t0);
          statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
          measured++;
        }
      } catch (err) {
        const code = (err as { code?: string }).code ?? (err as Error).name;
        errors[code] = (errors[code] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: a.clients }, (_, i) => client(i)));
  const secs = (performance.now() - measureFrom) / 1000;
  return { requests: measured, rps: measured / secs, latency: percentiles(latencies), statuses, errors };
}

serve({
  webhooks: (a: WebhookRun) => webhooks(a),
  api: (a: ApiRun) => apiLoad(a),
  async closePools() {
    await Promise.all([...pools.values()].map((p) => p.close()));
    pools.clear();
  },
});
