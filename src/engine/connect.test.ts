import { describe, expect, it } from 'vitest';
import { createKeyring, generateKey } from '../secrets/keyring.js';
import { checkRedirectUrl, signState, verifyState } from './connect.js';

describe('OAuth state signature', () => {
  it('verifies its own states, across an encryption key rotation, and nobody else\'s', () => {
    const oldKey = generateKey();
    const before = createKeyring(oldKey);
    const state = signState(before, 'abcdefghijklmnopqrstuvwx', 1_700_000_000_000);
    expect(verifyState(before, state)).toEqual({ id: 'abcdefghijklmnopqrstuvwx', expiresAt: 1_700_000_000_000 });
    const rotated = createKeyring(generateKey(), [oldKey]);
    expect(verifyState(rotated, state)).toEqual({ id: 'abcdefghijklmnopqrstuvwx', expiresAt: 1_700_000_000_000 });
    expect(verifyState(createKeyring(generateKey()), state)).toBeNull();
    const [id, exp, sig] = state.split('.');
    expect(verifyState(before, `${id}x.${exp}.${sig}`)).toBeNull();
    expect(verifyState(before, `${id}.${exp}.${sig}.extra`)).toBeNull();
  });
  it('derives a key per purpose, never the encryption key itself', () => {
    const key = generateKey();
    const k = createKeyring(key);
    const [a] = k.derivedKeys('oauth-state/v1');
    const [b] = k.derivedKeys('other');
    expect(a?.equals(b!)).toBe(false);
    expect(a?.equals(Buffer.from(key, 'base64'))).toBe(false);
  });
});

describe('redirect URL policy', () => {
  it('accepts http(s) URLs on the allow-list (or any when the list is empty)', () => {
    expect(checkRedirectUrl('https://app.example.com/x?y=1#z', []).hostname).toBe('app.example.com');
    expect(checkRedirectUrl('http://localhost:3000/cb', ['http://localhost:3000']).port).toBe('3000');
    for (const bad of ['javascript:alert(1)', 'data:text/html,x', 'mailto:a@b', '//evil.example', 'https://u:p@app.example.com']) {
      expect(() => checkRedirectUrl(bad, []), bad).toThrow(/^redirectUrl: /);
    }
    expect(() => checkRedirectUrl('https://app.example.com.evil.net/', ['https://app.example.com'])).toThrow('not in the project');
  });
});
