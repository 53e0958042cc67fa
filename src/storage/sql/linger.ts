// How long a group commit (group-commit.ts) waits for more jobs: the busier the event loop, the longer.
//
// A commit writes every page its transaction dirtied, and the newest pages of the events table and of its
// ordered indexes are dirtied by every commit however few events it carries; so the CPU cost of storing an
// event falls as groups grow (about 300 µs at one event per commit, 150 µs at sixteen, on the benchmark
// machine: bench/record-cost.ts). Waiting costs latency, which is only worth paying when CPU is scarce and
// there is something to gather. So nothing waits while the event loop is idle half the time or more, nor
// after a commit of a single job (requests are not outpacing commits); otherwise the wait grows with the
// loop's utilisation up to a few milliseconds (bench/hot-path-changes.md, eighth round). Lingering lowers
// the utilisation it is measured by, so the wait settles where the load needs it.
import { performance } from 'node:perf_hooks';

export interface LingerPolicy {
  /** The longest wait, at or above `fullAt`. */
  maxMs: number;
  /** Event-loop utilisation (0–1) at or below which nothing waits. */
  idleBelow: number;
  /** Utilisation from which the wait is `maxMs`; in between it grows linearly. */
  fullAt: number;
}

export const DEFAULT_LINGER_POLICY: LingerPolicy = { maxMs: 8, idleBelow: 0.5, fullAt: 0.9 };

/** A `linger` for GroupCommit: milliseconds to wait, from the current utilisation. */
export function lingerWhenBusy(policy: LingerPolicy = DEFAULT_LINGER_POLICY, utilization: () => number = eventLoopUtilization()): (lastBatchSize: number) => number {
  return (lastBatchSize) => {
    // A commit of one job: requests are not arriving faster than commits, waiting would gather nothing.
    if (lastBatchSize < 2) return 0;
    const u = utilization();
    if (u <= policy.idleBelow) return 0;
    // At least 1 ms once it waits at all: setTimeout has no shorter wait.
    return Math.max(1, Math.round(policy.maxMs * Math.min(1, (u - policy.idleBelow) / (policy.fullAt - policy.idleBelow))));
  };
}

/**
 * This thread's event-loop utilisation over the last window of at least `windowMs` (a burst of a few
 * milliseconds does not swing it). Read when asked, so a window that spans a quiet spell reads as quiet.
 */
export function eventLoopUtilization(windowMs = 100): () => number {
  let mark = performance.eventLoopUtilization();
  let markedAt = performance.now();
  let latest = 0;
  return () => {
    const now = performance.now();
    if (now - markedAt >= windowMs) {
      const next = performance.eventLoopUtilization();
      latest = performance.eventLoopUtilization(next, mark).utilization;
      mark = next;
      markedAt = now;
    }
    return latest;
  };
}
