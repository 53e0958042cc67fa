import { describe, expect, it } from 'vitest';
import { ProviderError } from '../sdk/index.js';
import { tokenSetFrom } from './tokens.js';

const NOW = Date.UTC(2026, 11, 8, 12, 0, 0);

describe('tokenSetFrom', () => {
  it("reads expires_in as seconds from now, and keeps the previous refresh token when none is sent", () => {
    expect(tokenSetFrom({ access_token: 'a', expires_in: 3600 }, NOW, 'r0')).toEqual({ accessToken: 'a', refreshToken: 'r0', expiresAt: NOW + 3_600_000 });
    expect(tokenSetFrom({ access_token: 'a', expires_in: '60', refresh_token: 'r1' }, NOW)).toEqual({ accessToken: 'a', refreshToken: 'r1', expiresAt: NOW + 60_000 });
  });

  it('reads an absolute RFC 3339 expires_at when expires_in is absent (Square)', () => {
    expect(tokenSetFrom({ access_token: 'a', expires_at: '2027-01-07T12:00:00Z' }, NOW).expiresAt).toBe(Date.UTC(2027, 0, 7, 12, 0, 0));
    // expires_in wins; a past, malformed or non-date expires_at means "unknown", never "already expired".
    expect(tokenSetFrom({ access_token: 'a', expires_in: 10, expires_at: '2027-01-07T12:00:00Z' }, NOW).expiresAt).toBe(NOW + 10_000);
    for (const expires_at of ['2020-01-01T00:00:00Z', 'soon', '1767225600', 1767225600]) {
      expect(tokenSetFrom({ access_token: 'a', expires_at }, NOW)).toEqual({ accessToken: 'a' });
    }
  });

  it('refuses an answer without an access token', () => {
    expect(() => tokenSetFrom({ token_type: 'bearer' }, NOW)).toThrow(ProviderError);
  });
});
