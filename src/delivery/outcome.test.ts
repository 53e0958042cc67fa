import { describe, expect, it } from 'vitest';
import type { Delivery } from '../storage/port.js';
import { describeTarget, outcomeOfAttempt, outcomeWithoutRequest } from './outcome.js';
import type { AttemptResult } from './sender.js';

const claimed = (attemptCount: number): Delivery => ({
  id: 'd1', eventId: 'e1', projectId: 'p1', subscriptionId: 's1', status: 'SENDING', attemptCount,
  runAt: 0, leaseOwner: 'w', lastError: null, createdAt: 0, updatedAt: 0,
});
const ctx = { now: 1_000_000, scheduleSeconds: [5, 300], random: () => 0.5 };
const url = 'https://hooks.example.com/secret-path?token=abc';
const attempt = (result: AttemptResult) => ({ url, startedAt: 999_000, result });

describe('outcomeOfAttempt', () => {
  it('2xx succeeds', () => {
    const o = outcomeOfAttempt(claimed(0), attempt({ kind: 'success', statusCode: 204, excerpt: null, latencyMs: 3 }), ctx);
    expect(o.next).toEqual({ kind: 'succeeded' });
    expect(o.attempt).toMatchObject({ outcome: 'succeeded', statusCode: 204, error: null, url });
  });

  it('retries other statuses on the schedule (random 0.5 = no jitter)', () => {
    const o = outcomeOfAttempt(claimed(0), attempt({ kind: 'http-error', statusCode: 500, retryAfter: undefined, excerpt: 'oops', latencyMs: 3 }), ctx);
    expect(o.next).toEqual({ kind: 'retry', runAt: 1_005_000 });
    expect(o.attempt).toMatchObject({ outcome: 'retry', statusCode: 500, responseExcerpt: 'oops', error: 'HTTP 500' });
  });

  it('honours a longer Retry-After', () => {
    const o = outcomeOfAttempt(claimed(0), attempt({ kind: 'http-error', statusCode: 429, retryAfter: '60', excerpt: null, latencyMs: 3 }), ctx);
    // Upward jitter only on Retry-After: 60 s × (1 + 0.2 × 0.5).
    expect(o.next).toEqual({ kind: 'retry', runAt: 1_000_000 + 66_000 });
  });

  it('fails once the schedule is used up, with a readable reason that names only the origin', () => {
    const o = outcomeOfAttempt(claimed(2), attempt({ kind: 'timeout', timeoutMs: 500, latencyMs: 500 }), ctx);
    expect(o.next).toEqual({ kind: 'failed', reason: 'delivery failed after 3 attempts; last: timed out after 500 ms from https://hooks.example.com' });
    expect(o.attempt).toMatchObject({ outcome: 'failed', statusCode: null, error: 'timed out after 500 ms' });
  });

  it('410 Gone and a refused destination fail at once', () => {
    const gone = outcomeOfAttempt(claimed(0), attempt({ kind: 'gone', statusCode: 410, excerpt: null, latencyMs: 1 }), ctx);
    expect(gone.next.kind).toBe('failed');
    expect(gone.attempt?.outcome).toBe('failed');
    const refused = outcomeOfAttempt(claimed(0), attempt({ kind: 'refused', reason: '10.0.0.1 is not a public address (private)', latencyMs: 0 }), ctx);
    expect(refused.next).toEqual({ kind: 'failed', reason: 'delivery refused: 10.0.0.1 is not a public address (private)' });
  });

  it('3xx is a retried failure: redirects are not followed', () => {
    const o = outcomeOfAttempt(claimed(0), attempt({ kind: 'http-error', statusCode: 302, retryAfter: undefined, excerpt: null, latencyMs: 1 }), ctx);
    expect(o.next.kind).toBe('retry');
    expect(o.attempt?.error).toBe('HTTP 302 (redirects are not followed)');
  });
});

describe('outcomeWithoutRequest', () => {
  it('counts as an attempt on the schedule', () => {
    expect(outcomeWithoutRequest(claimed(0), 5, 'project has no webhook URL', ctx)).toMatchObject({
      attempt: { url: '', statusCode: null, error: 'project has no webhook URL', outcome: 'retry' },
      next: { kind: 'retry', runAt: 1_005_000 },
    });
    expect(outcomeWithoutRequest(claimed(2), 5, 'project has no webhook URL', ctx).next).toEqual({
      kind: 'failed', reason: 'delivery failed after 3 attempts; last: project has no webhook URL',
    });
  });
});

describe('describeTarget', () => {
  it('keeps the origin only', () => {
    expect(describeTarget(url)).toBe('https://hooks.example.com');
    expect(describeTarget('nope')).toBe('an invalid URL');
  });
});
