// What scenarios share: the mode's settings, the long-lived helper processes, and bookkeeping of
// failures that must fail the run (crashes, lost events).
import type { Dialect } from './db.js';
import type { Helper, Runtime } from './procs.js';
import type { Percentiles } from './stats.js';

export type Mode = 'quick' | 'full' | 'long';

export interface Settings {
  repeats: number;
  throughput: { rates: number[]; stepMs: number; subscriptions: number; warmupEvents: number };
  fanout: { subscriptions: number; events: number };
  polling: { subscriptions: number; intervalSec: number; measureMs: number; providerDelayMs: number };
  api: { clients: number; durationMs: number; warmupMs: number };
  storm: { ratePerClass: number; baselineMs: number; outageMs: number; afterMs: number; schedule: string; subscriptions: number };
  soak: { rate: number; durationMs: number; bucketMs: number } | null;
}

const FULL: Settings = {
  repeats: 3,
  throughput: { rates: [250, 500, 750, 1000, 1500, 2000, 3000, 4000, 5000, 6000, 8000, 10000, 12000], stepMs: 8000, subscriptions: 100, warmupEvents: 2000 },
  fanout: { subscriptions: 1000, events: 5 },
  polling: { subscriptions: 10_000, intervalSec: 60, measureMs: 90_000, providerDelayMs: 20 },
  api: { clients: 50, durationMs: 15_000, warmupMs: 2_000 },
  storm: { ratePerClass: 100, baselineMs: 10_000, outageMs: 60_000, afterMs: 10_000, schedule: '1,2,4,8,15,15,15,15,15,15', subscriptions: 50 },
  soak: null,
};

export const SETTINGS: Record<Mode, Settings> = {
  // Smoke test sized to finish in well under two minutes on 2 busy cores: every scenario on both
  // databases, scaled down. Its figures are indicative only.
  quick: {
    repeats: 1,
    throughput: { rates: [500, 1000], stepMs: 1000, subscriptions: 20, warmupEvents: 200 },
    fanout: { subscriptions: 1000, events: 2 },
    polling: { subscriptions: 300, intervalSec: 5, measureMs: 5000, providerDelayMs: 20 },
    api: { clients: 50, durationMs: 1500, warmupMs: 500 },
    storm: { ratePerClass: 100, baselineMs: 1500, outageMs: 3000, afterMs: 1000, schedule: '1,1,1,1,1,1,1,1,1,1', subscriptions: 10 },
    soak: null,
  },
  full: FULL,
  // The full suite plus the 10-minute soak.
  long: { ...FULL, soak: { rate: 500, durationMs: 600_000, bucketMs: 60_000 } },
};

export interface Helpers {
  receiver: Helper;
  loadgen: Helper;
  forwarder: Helper;
  provider: Helper;
}

export interface BenchContext {
  mode: Mode;
  settings: Settings;
  runtime: Runtime;
  dialects: Dialect[];
  helpers: Helpers;
  /** Receiver endpoints: [0] main, [1] the storm's failing receiver, [2] the storm's healthy receiver. */
  receiverUrls: string[];
  forwarderUrl: string;
  providerUrl: string;
  cpuProfDir: string | undefined;
  log(line: string): void;
  /** Crashes and lost events: any entry makes the run exit non-zero. */
  failures: string[];
}

export interface ReceiverStats {
  received: number;
  distinctSeqs: number;
  duplicates: number;
  firstAt: number;
  lastAt: number;
}

export type { Percentiles };

export const recv = {
  stats: (ctx: BenchContext, run: string) => ctx.helpers.receiver.rpc.call<ReceiverStats>('stats', { run }),
  latency: (ctx: BenchContext, run: string, from?: number, to?: number) =>
    ctx.helpers.receiver.rpc.call<Percentiles>('latency', { run, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) }),
  missing: (ctx: BenchContext, run: string, count: number, exclude: number[]) =>
    ctx.helpers.receiver.rpc.call<{ total: number; first: number[] }>('missing', { run, count, exclude }),
  drop: (ctx: BenchContext, run: string) => ctx.helpers.receiver.rpc.call('drop', { run }),
  setStatus: (ctx: BenchContext, endpoint: number, status: number) => ctx.helpers.receiver.rpc.call('setStatus', { endpoint, status }),
  endpointStats: (ctx: BenchContext, endpoint: number) =>
    ctx.helpers.receiver.rpc.call<{ requests: number; byStatus: Record<string, number>; unmarked: number }>('endpointStats', { endpoint }),
};

let runCounter = 0;
/** A unique run id for the marker (letters, digits and dashes). */
export const newRun = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(runCounter++).toString(36)}`;
