import { describe, expect, it } from 'vitest';
import { providerErrorFor, retryAfterMs } from './http-failures.js';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const res = (status: number, headers: Record<string, string> = {}) => ({ status, headers, body: null });

describe('retryAfterMs', () => {
  it('reads delta-seconds and HTTP dates, and nothing else', () => {
    expect(retryAfterMs('30', NOW)).toBe(30_000);
    expect(retryAfterMs(' 7 ', NOW)).toBe(7_000);
    expect(retryAfterMs('Mon, 07 Dec 2026 12:00:45 GMT', NOW)).toBe(45_000);
    expect(retryAfterMs('Mon, 07 Dec 2026 11:00:00 GMT', NOW)).toBe(0);
    expect(retryAfterMs(undefined, NOW)).toBeUndefined();
    expect(retryAfterMs('', NOW)).toBeUndefined();
    expect(retryAfterMs('later', NOW)).toBeUndefined();
  });
});

describe('providerErrorFor', () => {
  const opts = { now: NOW, rateLimitPauseMs: 60_000 };
  it('maps 401, 429 (with or without Retry-After), 5xx and the rest, keeping the text and status', () => {
    expect(providerErrorFor(res(401), 'X: expired', opts)).toMatchObject({ kind: 'auth', status: 401, message: 'X: expired' });
    expect(providerErrorFor(res(429, { 'retry-after': '30' }), 'slow down', opts)).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 30_000 });
    expect(providerErrorFor(res(429), 'slow down', opts)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000 });
    expect(providerErrorFor(res(503), 'down', opts)).toMatchObject({ kind: 'transient', status: 503 });
    expect(providerErrorFor(res(404), 'no such table', opts)).toMatchObject({ kind: 'permanent', status: 404, message: 'no such table' });
  });
});
