// The fake receiver (its own process): one or more webhook endpoints on 127.0.0.1. Counts every event id
// it accepts (the Standard Webhooks `webhook-id` header OpenTriggers sends; the marker's seq for the
// baseline forwarder, which sends no id), duplicates, and the latency from the load generator's send time
// (the marker in the body) to arrival here. Each endpoint answers 200, or a programmed failure status.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readMarker } from '../lib/bodies.js';
import { serve } from '../lib/rpc.js';
import { percentiles, wallMs } from '../lib/stats.js';

interface RunRec {
  /** Distinct event ids accepted. */
  ids: Set<string>;
  /** Which marker seqs arrived at least once (bitset). */
  seqs: Uint8Array;
  distinctSeqs: number;
  duplicates: number;
  latency: number[];
  sentAt: number[];
  firstAt: number;
  lastAt: number;
}

interface Endpoint {
  url: string;
  server: Server;
  status: number;
  requests: number;
  byStatus: Record<string, number>;
  unmarked: number;
}

const endpoints: Endpoint[] = [];
const runs = new Map<string, RunRec>();

function runRec(run: string): RunRec {
  let r = runs.get(run);
  if (!r) {
    r = { ids: new Set(), seqs: new Uint8Array(1024), distinctSeqs: 0, duplicates: 0, latency: [], sentAt: [], firstAt: 0, lastAt: 0 };
    runs.set(run, r);
  }
  return r;
}

function markSeq(r: RunRec, seq: number): void {
  if (seq >= r.seqs.length) {
    let size = r.seqs.length;
    while (size <= seq) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(r.seqs);
    r.seqs = grown;
  }
  if (r.seqs[seq] === 0) {
    r.seqs[seq] = 1;
    r.distinctSeqs++;
  }
}

async function listen(): Promise<Endpoint> {
  const ep: Endpoint = { url: '', server: null as unknown as Server, status: 200, requests: 0, byStatus: {}, unmarked: 0 };
  ep.server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = wallMs();
      const status = ep.status;
      ep.requests++;
      ep.byStatus[status] = (ep.byStatus[status] ?? 0) + 1;
      res.writeHead(status, { 'content-type': 'text/plain', 'content-length': status === 200 ? '2' : '4' });
      res.end(status === 200 ? 'ok' : 'fail');
      if (status < 200 || status >= 300) return;
      const m = readMarker(Buffer.concat(chunks).toString('utf8'));
      if (!m) {
        ep.unmarked++;
        return;
      }
      const r = runRec(m.run);
      const id = (req.headers['webhook-id'] as string | undefined) ?? `seq:${m.seq}`;
      if (r.ids.has(id)) {
        r.duplicates++;
        return;
      }
      r.ids.add(id);
      markSeq(r, m.seq);
      r.latency.push(at - m.sentAt);
      r.sentAt.push(m.sentAt);
      if (r.firstAt === 0) r.firstAt = at;
      r.lastAt = at;
    });
  });
  ep.server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => ep.server.listen(0, '127.0.0.1', resolve));
  ep.url = `http://127.0.0.1:${(ep.server.address() as AddressInfo).port}`;
  endpoints.push(ep);
  return ep;
}

serve({
  async listen(a: { count: number }) {
    const out: string[] = [];
    for (let i = 0; i < a.count; i++) out.push((await listen()).url);
    return out;
  },
  setStatus(a: { endpoint: number; status: number }) {
    endpoints[a.endpoint]!.status = a.status;
  },
  endpointStats(a: { endpoint: number }) {
    const e = endpoints[a.endpoint]!;
    return { requests: e.requests, byStatus: e.byStatus, unmarked: e.unmarked };
  },
  stats(a: { run: string }) {
    const r = runs.get(a.run);
    if (!r) return { received: 0, distinctSeqs: 0, duplicates: 0, firstAt: 0, lastAt: 0 };
    return { received: r.ids.size, distinctSeqs: r.distinctSeqs, duplicates: r.duplicates, firstAt: r.firstAt, lastAt: r.lastAt };
  },
  /** Latency percentiles (ms) of the run's events whose send time is in [from, to). */
  latency(a: { run: string; from?: number; to?: number }) {
    const r = runs.get(a.run);
    if (!r) return percentiles([]);
    const from = a.from ?? Number.NEGATIVE_INFINITY;
    const to = a.to ?? Number.POSITIVE_INFINITY;
    const picked: number[] = [];
    for (let i = 0; i < r.latency.length; i++) if (r.sentAt[i]! >= from && r.sentAt[i]! < to) picked.push(r.latency[i]!);
    return percentiles(picked);
  },
  /** Latency percentiles per bucket of send time (soak drift). */
  series(a: { run: string; bucketMs: number }) {
    const r = runs.get(a.run);
    if (!r || r.sentAt.length === 0) return [];
    const t0 = Math.min(...r.sentAt.slice(0, 1000));
    const buckets = new Map<number, number[]>();
    for (let i = 0; i < r.latency.length; i++) {
      const b = Math.floor((r.sentAt[i]! - t0) / a.bucketMs);
      let list = buckets.get(b);
      if (!list) buckets.set(b, (list = []));
      list.push(r.latency[i]!);
    }
    return [...buckets.entries()].sort((x, y) => x[0] - y[0]).map(([b, l]) => ({ bucket: b, ...percentiles(l) }));
  },
  /** Of the run's events sent before `sentBefore`: how many arrived, and when the last of them did. */
  arrivedBy(a: { run: string; sentBefore: number }) {
    const r = runs.get(a.run);
    let count = 0;
    let lastAt = 0;
    if (r) {
      for (let i = 0; i < r.latency.length; i++) {
        if (r.sentAt[i]! >= a.sentBefore) continue;
        count++;
        lastAt = Math.max(lastAt, r.sentAt[i]! + r.latency[i]!);
      }
    }
    return { count, lastAt };
  },
  /** Marker seqs in [0, count) that never arrived, leaving out `exclude` (events the service never accepted). */
  missing(a: { run: string; count: number; exclude: number[] }) {
    const r = runs.get(a.run);
    const excluded = new Set(a.exclude);
    const list: number[] = [];
    let total = 0;
    for (let s = 0; s < a.count; s++) {
      if (excluded.has(s)) continue;
      if (!r || s >= r.seqs.length || r.seqs[s] === 0) {
        total++;
        if (list.length < 100) list.push(s);
      }
    }
    return { total, first: list };
  },
  drop(a: { run: string }) {
    runs.delete(a.run);
  },
});
