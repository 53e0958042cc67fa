import { describe, expect, it } from 'vitest';
import { RENEW_MARGIN_MS, renewAtFor } from './subscriptions.js';

describe('renewAtFor', () => {
  const now = 1_000_000;
  it('renews RENEW_MARGIN_MS before expiry', () => {
    expect(renewAtFor(now + 7 * 24 * 3600_000, now)).toBe(now + 7 * 24 * 3600_000 - RENEW_MARGIN_MS);
  });
  it('never earlier than half the remaining life, so short-lived channels are not renewed in a loop', () => {
    expect(renewAtFor(now + 3600_000, now)).toBe(now + 1800_000);
    expect(renewAtFor(now + 60_000, now)).toBe(now + 30_000);
    expect(renewAtFor(now - 1, now)).toBe(now - 1);
  });
  it('is null without an expiry', () => {
    expect(renewAtFor(undefined, now)).toBeNull();
  });
});
