import { describe, expect, it } from 'vitest';
import {
  MAX_RETRY_AFTER_MS,
  MIN_RETRY_AFTER_MS,
  nextRetryDelayMs,
  parseHttpDate,
  parseRetryAfter,
} from './retry-schedule.js';

const schedule = [5, 300, 1800];
const now = Date.UTC(2025, 0, 15, 12, 0, 0);
const fixed = (value: number) => () => value;

describe('nextRetryDelayMs', () => {
  it('uses schedule[n-1] for failed attempt n, with no jitter at random() = 0.5', () => {
    const delays = [1, 2, 3].map((n) =>
      nextRetryDelayMs({ attemptNumber: n, scheduleSeconds: schedule, random: fixed(0.5), now }),
    );
    expect(delays).toEqual([
      { kind: 'retry', delayMs: 5_000, source: 'schedule' },
      { kind: 'retry', delayMs: 300_000, source: 'schedule' },
      { kind: 'retry', delayMs: 1_800_000, source: 'schedule' },
    ]);
  });

  it('is exhausted once the schedule is used up, even if the receiver sent Retry-After', () => {
    expect(nextRetryDelayMs({ attemptNumber: 4, scheduleSeconds: schedule, random: Math.random, now })).toEqual({
      kind: 'exhausted',
    });
    expect(
      nextRetryDelayMs({ attemptNumber: 4, scheduleSeconds: schedule, random: Math.random, now, retryAfterHeader: '5' }),
    ).toEqual({ kind: 'exhausted' });
    expect(nextRetryDelayMs({ attemptNumber: 1, scheduleSeconds: [], random: Math.random, now })).toEqual({
      kind: 'exhausted',
    });
  });

  it('keeps jitter within ±20 % at the extremes of random()', () => {
    const at = (r: number) => nextRetryDelayMs({ attemptNumber: 2, scheduleSeconds: schedule, random: fixed(r), now });
    expect(at(0)).toMatchObject({ delayMs: 240_000 });
    expect(at(0.999999)).toMatchObject({ delayMs: 360_000 });
  });

  it('keeps jitter within ±20 % for many random draws and actually spreads them', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 2_000; i++) {
      const decision = nextRetryDelayMs({ attemptNumber: 1, scheduleSeconds: [100], random: Math.random, now });
      if (decision.kind !== 'retry') throw new Error('expected a retry');
      expect(decision.delayMs).toBeGreaterThanOrEqual(80_000);
      expect(decision.delayMs).toBeLessThanOrEqual(120_000);
      seen.add(decision.delayMs);
    }
    expect(seen.size).toBeGreaterThan(100);
  });

  it('waits the longer of the scheduled delay and Retry-After', () => {
    const withHeader = (header: string, r = 0.5) =>
      nextRetryDelayMs({ attemptNumber: 2, scheduleSeconds: schedule, random: fixed(r), now, retryAfterHeader: header });
    // Shorter than the 300 s schedule: the schedule wins, so a receiver cannot burn the retry budget.
    expect(withHeader('30')).toEqual({ kind: 'retry', delayMs: 300_000, source: 'schedule' });
    // Longer: the receiver wins.
    expect(withHeader('3600', 0)).toEqual({ kind: 'retry', delayMs: 3_600_000, source: 'retry-after' });
  });

  it('jitters a Retry-After delay only upward', () => {
    for (const r of [0, 0.25, 0.5, 0.999]) {
      const decision = nextRetryDelayMs({
        attemptNumber: 1,
        scheduleSeconds: [1],
        random: fixed(r),
        now,
        retryAfterHeader: '100',
      });
      expect(decision).toMatchObject({ source: 'retry-after', delayMs: Math.round(100_000 * (1 + 0.2 * r)) });
    }
  });

  it('clamps Retry-After to [1 s, 24 h]', () => {
    const withHeader = (header: string, r = 0) =>
      nextRetryDelayMs({ attemptNumber: 1, scheduleSeconds: [0], random: fixed(r), now, retryAfterHeader: header });
    expect(withHeader('0')).toEqual({ kind: 'retry', delayMs: MIN_RETRY_AFTER_MS, source: 'retry-after' });
    expect(withHeader('Wed, 15 Jan 2025 11:00:00 GMT')).toMatchObject({ delayMs: MIN_RETRY_AFTER_MS });
    expect(withHeader(String(10 * 24 * 3600))).toMatchObject({ delayMs: MAX_RETRY_AFTER_MS });
    expect(withHeader(String(24 * 3600), 0.99)).toMatchObject({ delayMs: MAX_RETRY_AFTER_MS });
    expect(withHeader('9'.repeat(400))).toMatchObject({ delayMs: MAX_RETRY_AFTER_MS });
  });

  it('honours an HTTP-date Retry-After relative to now', () => {
    const decision = nextRetryDelayMs({
      attemptNumber: 1,
      scheduleSeconds: schedule,
      random: fixed(0),
      now,
      retryAfterHeader: 'Wed, 15 Jan 2025 12:02:00 GMT',
    });
    expect(decision).toEqual({ kind: 'retry', delayMs: 120_000, source: 'retry-after' });
  });

  it('ignores a garbage Retry-After and falls back to the schedule', () => {
    for (const header of ['', 'soon', '1.5', '-5', '5s', '1e3', 'Wed, 15 Jan 2025', 'tomorrow at noon']) {
      expect(
        nextRetryDelayMs({ attemptNumber: 1, scheduleSeconds: schedule, random: fixed(0.5), now, retryAfterHeader: header }),
      ).toEqual({ kind: 'retry', delayMs: 5_000, source: 'schedule' });
    }
  });

  it('refuses a nonsensical attempt number', () => {
    for (const attemptNumber of [0, -1, 1.5, Number.NaN]) {
      expect(() => nextRetryDelayMs({ attemptNumber, scheduleSeconds: schedule, random: Math.random, now })).toThrow(
        RangeError,
      );
    }
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds, tolerating surrounding whitespace', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 7 ', now)).toBe(7_000);
    expect(parseRetryAfter('0', now)).toBe(0);
  });

  it('reads decimal fractions of seconds (Shopify sends 2.0), rounded up to the millisecond', () => {
    expect(parseRetryAfter('2.0', now)).toBe(2_000);
    expect(parseRetryAfter('0.25', now)).toBe(250);
    expect(parseRetryAfter('1.0004', now)).toBe(1_001);
  });

  it('reads all three HTTP-date forms of RFC 9110', () => {
    const expected = 90_000;
    expect(parseRetryAfter('Wed, 15 Jan 2025 12:01:30 GMT', now)).toBe(expected);
    expect(parseRetryAfter('Wednesday, 15-Jan-25 12:01:30 GMT', now)).toBe(expected);
    expect(parseRetryAfter('Wed Jan 15 12:01:30 2025', now)).toBe(expected);
    expect(parseRetryAfter('Wed Jan  5 12:00:00 2025', Date.UTC(2025, 0, 5, 11, 0, 0))).toBe(3_600_000);
  });

  it('returns 0 for a date in the past', () => {
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', now)).toBe(0);
  });

  it('returns undefined for anything else', () => {
    for (const value of ['', 'abc', '1.', '.5', '1e3', '+5', '0x10', 'Wed, 15 Jan 2025 12:01:30 UTC', 'Wed, 31 Feb 2025 12:00:00 GMT', '2025-01-15T12:01:30Z']) {
      expect(parseRetryAfter(value, now)).toBeUndefined();
    }
  });
});

describe('parseHttpDate', () => {
  it('maps an RFC 850 two-digit year to the nearest year not more than 50 years ahead', () => {
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', now)).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
    expect(parseHttpDate('Monday, 06-Nov-70 08:49:37 GMT', now)).toBe(Date.UTC(2070, 10, 6, 8, 49, 37));
    expect(parseHttpDate('Monday, 06-Nov-76 08:49:37 GMT', now)).toBe(Date.UTC(1976, 10, 6, 8, 49, 37));
  });
});
