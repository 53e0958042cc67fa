// When to try a failed delivery again (SPEC §4): after attempt n fails, wait OPENTRIGGERS_RETRY_SCHEDULE[n-1]
// seconds ±20 % jitter; once every scheduled delay is used up the delivery is exhausted (FAILED, and the
// subscription becomes ERRORED). A receiver's Retry-After is honoured, but clamped.
//
// Pure: the caller passes the clock and the random source, so tests need no sleeps and no mocks.
import { parseRetryAfter } from '../sdk/retry-after.js';

// The parser lives in the SDK, where integrations reading their own 429s use it too.
export { parseHttpDate, parseRetryAfter } from '../sdk/retry-after.js';

/** Jitter around a scheduled delay: ±20 %, so retries of many deliveries that failed together spread out. */
export const JITTER_FRACTION = 0.2;

/**
 * Bounds of a receiver's Retry-After. The lower bound keeps "Retry-After: 0" (or a date in the past) from
 * becoming a tight loop when the schedule itself has zero delays; the upper bound keeps a misconfigured or
 * hostile receiver from parking a delivery for weeks — a day is longer than any sane maintenance window,
 * and a receiver still refusing after that is better served by the rest of the schedule.
 */
export const MIN_RETRY_AFTER_MS = 1_000;
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1_000;

export interface NextRetryInput {
  /** The attempt that just failed, 1-based. */
  attemptNumber: number;
  /** Delays in seconds: entry n-1 follows failed attempt n. Its length is the number of retries. */
  scheduleSeconds: readonly number[];
  /** Uniform in [0, 1); injected so tests can pin the jitter. */
  random: () => number;
  /** The raw Retry-After header of the failed response, if the receiver sent one. */
  retryAfterHeader?: string | undefined;
  /** Current time, ms since the epoch; needed to read an HTTP-date Retry-After. */
  now: number;
}

export type RetryDecision =
  | { kind: 'retry'; delayMs: number; source: 'schedule' | 'retry-after' }
  | { kind: 'exhausted' };

/**
 * Decides the delay before the next attempt.
 *
 * Retry-After rule (our decision): wait the *longer* of the scheduled delay and the receiver's
 * Retry-After (clamped to [MIN_RETRY_AFTER_MS, MAX_RETRY_AFTER_MS]). Retry-After is a lower bound ("not
 * before"), so we never come back earlier than asked. We do not let it shorten the schedule either: the
 * schedule's total span (~27 h by default) is the delivery's whole budget before it FAILS and its
 * subscription is ERRORED, and a receiver in maintenance answering "503, Retry-After: 1" would otherwise
 * burn every attempt in seconds. It grants no extra attempts: once the schedule is used up the delivery is
 * exhausted whatever the receiver asked. Jitter on a Retry-After delay goes upward only (up to +20 %), so
 * many deliveries refused by the same 429 do not all come back in the same millisecond.
 */
export function nextRetryDelayMs(input: NextRetryInput): RetryDecision {
  const { attemptNumber, scheduleSeconds } = input;
  if (!Number.isInteger(attemptNumber) || attemptNumber < 1) {
    throw new RangeError(`attemptNumber must be an integer >= 1, got ${attemptNumber}`);
  }
  const scheduledSeconds = scheduleSeconds[attemptNumber - 1];
  if (scheduledSeconds === undefined) return { kind: 'exhausted' };

  const random = input.random();
  // random in [0, 1) → factor in [1 - J, 1 + J).
  const scheduledMs = Math.max(0, Math.round(scheduledSeconds * 1_000 * (1 + JITTER_FRACTION * (2 * random - 1))));

  const retryAfterMs = input.retryAfterHeader === undefined ? undefined : parseRetryAfter(input.retryAfterHeader, input.now);
  if (retryAfterMs === undefined) return { kind: 'retry', delayMs: scheduledMs, source: 'schedule' };

  const atLeastMin = Math.max(retryAfterMs, MIN_RETRY_AFTER_MS);
  const askedMs = Math.min(Math.round(atLeastMin * (1 + JITTER_FRACTION * random)), MAX_RETRY_AFTER_MS);
  return askedMs > scheduledMs
    ? { kind: 'retry', delayMs: askedMs, source: 'retry-after' }
    : { kind: 'retry', delayMs: scheduledMs, source: 'schedule' };
}
