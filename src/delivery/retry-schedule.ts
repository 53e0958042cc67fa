// When to try a failed delivery again (SPEC §4): after attempt n fails, wait OPENTRIGGERS_RETRY_SCHEDULE[n-1]
// seconds ±20 % jitter; once every scheduled delay is used up the delivery is exhausted (FAILED, and the
// subscription becomes ERRORED). A receiver's Retry-After is honoured, but clamped.
//
// Pure: the caller passes the clock and the random source, so tests need no sleeps and no mocks.

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

const DELTA_SECONDS = /^\d+$/;

/**
 * Reads a Retry-After value (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Returns the delay in ms from
 * `now` (0 for a date in the past), or undefined when the value is neither — a garbage header is ignored
 * and the schedule applies. Not clamped; see nextRetryDelayMs.
 */
export function parseRetryAfter(value: string, now: number): number | undefined {
  const trimmed = value.trim();
  if (DELTA_SECONDS.test(trimmed)) {
    // A huge digit string parses to a huge number or Infinity; the caller's clamp bounds it.
    return Number(trimmed) * 1_000;
  }
  const at = parseHttpDate(trimmed, now);
  if (at === undefined) return undefined;
  return Math.max(0, at - now);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// RFC 9110 §5.6.7: senders use IMF-fixdate; recipients must also accept the two obsolete forms.
const IMF_FIXDATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const RFC850_DATE = /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const ASCTIME_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

/**
 * Parses the three HTTP-date forms to ms since the epoch (`now` only resolves RFC 850's two-digit year).
 * Date.parse is not used: it accepts almost
 * anything ("1", "soon 5"), which would turn garbage into a plausible delay.
 */
export function parseHttpDate(value: string, now: number): number | undefined {
  let m = IMF_FIXDATE.exec(value);
  if (m) return utc(Number(m[3]), m[2], Number(m[1]), m[4], m[5], m[6]);

  m = RFC850_DATE.exec(value);
  if (m) {
    // Two-digit year: RFC 9110 says take the most recent year with those digits that is not more than
    // 50 years in the future.
    const twoDigits = Number(m[3]);
    const thisYear = new Date(now).getUTCFullYear();
    let year = Math.floor(thisYear / 100) * 100 + twoDigits;
    if (year > thisYear + 50) year -= 100;
    return utc(year, m[2], Number(m[1]), m[4], m[5], m[6]);
  }

  m = ASCTIME_DATE.exec(value);
  if (m) return utc(Number(m[6]), m[1], Number(m[2]!.trim()), m[3], m[4], m[5]);

  return undefined;
}

function utc(
  year: number,
  monthName: string | undefined,
  day: number,
  hour: string | undefined,
  minute: string | undefined,
  second: string | undefined,
): number | undefined {
  const month = MONTHS.indexOf(monthName ?? '');
  const [h, min, s] = [Number(hour), Number(minute), Number(second)];
  if (month < 0 || day < 1 || day > 31 || h > 23 || min > 59 || s > 60) return undefined;
  const ms = Date.UTC(year, month, day, h, min, s);
  // Reject dates that Date.UTC silently rolled over, e.g. 31 Feb.
  return new Date(ms).getUTCDate() === day || s === 60 ? ms : undefined;
}
