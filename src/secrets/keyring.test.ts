import { describe, expect, it } from 'vitest';
import { createKeyring, generateKey, KeyringError } from './keyring.js';

describe('keyring', () => {
  it('seals with a fresh IV each time and opens with the key that sealed it, across a rotation', () => {
    const oldKey = generateKey();
    const before = createKeyring(oldKey);
    const sealedOld = before.seal('xoxb-secret');
    expect(before.seal('xoxb-secret')).not.toBe(sealedOld);
    expect(sealedOld).not.toContain('xoxb-secret');

    const after = createKeyring(generateKey(), [oldKey]);
    expect(after.open(sealedOld)).toBe('xoxb-secret');
    expect(after.keyIdOf(after.seal('x'))).toBe(after.currentKeyId);
    expect(() => createKeyring(generateKey()).open(sealedOld)).toThrow(KeyringError);
  });

  it('opens the same ciphertext repeatedly (remembered), and a tampered one still fails', () => {
    const k = createKeyring(generateKey());
    const sealed = k.seal('whsec_abc');
    expect(k.open(sealed)).toBe('whsec_abc');
    expect(k.open(sealed)).toBe('whsec_abc');
    const [format, kid, iv, tag, ct] = sealed.split(':');
    const flipped = Buffer.from(ct!, 'base64');
    flipped[0]! ^= 1;
    expect(() => k.open([format, kid, iv, tag, flipped.toString('base64')].join(':'))).toThrow();
    expect(() => k.open('v1:nope')).toThrow(KeyringError);
  });
});
