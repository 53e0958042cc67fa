// Secrets at rest: AES-256-GCM under OPENTRIGGERS_ENCRYPTION_KEY. Each ciphertext carries the id of the
// key that sealed it, so the key can be rotated: put the old key in OPENTRIGGERS_PREVIOUS_ENCRYPTION_KEYS,
// the new one in OPENTRIGGERS_ENCRYPTION_KEY; old rows still open, new rows are sealed with the new key.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

const FORMAT = 'v1';
/** Opened secrets remembered (a few per subscription, credential and project). */
const OPENED_CACHE_SIZE = 10_000;

export class KeyringError extends Error {}

export interface Keyring {
  readonly currentKeyId: string;
  seal(plaintext: string): string;
  open(sealed: string): string;
  /** Which key sealed this value (for re-encryption jobs and audits). */
  keyIdOf(sealed: string): string;
  /**
   * Keys for other purposes (e.g. signing OAuth `state`), derived with HKDF-SHA256 so that the encryption
   * key itself is never used for anything else. The first key derives from the current encryption key
   * (sign with it); the rest from previous keys (accept them while a rotation settles).
   */
  derivedKeys(purpose: string): Buffer[];
}

function deriveKey(key: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `opentriggers/${purpose}`, 32));
}

export function parseKey(base64: string): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== 32) {
    throw new KeyringError('OPENTRIGGERS_ENCRYPTION_KEY must be 32 bytes encoded as base64');
  }
  return key;
}

export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

export function generateKey(): string {
  return randomBytes(32).toString('base64');
}

export function createKeyring(current: string, previous: readonly string[] = []): Keyring {
  const currentKey = parseKey(current);
  const currentKeyId = keyIdOf(currentKey);
  const keys = new Map<string, Buffer>([[currentKeyId, currentKey]]);
  for (const p of previous) {
    const k = parseKey(p);
    keys.set(keyIdOf(k), k);
  }
  function openUncached(sealed: string): string {
    const [format, kid, iv, tag, ct] = sealed.split(':');
    if (format !== FORMAT || kid === undefined || iv === undefined || tag === undefined || ct === undefined) {
      throw new KeyringError('sealed value has an unknown format');
    }
    const key = keys.get(kid);
    if (!key) throw new KeyringError(`sealed with key ${kid}, which is not configured`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64')), decipher.final()]).toString('utf8');
  }
  // Every inbound webhook opens its subscription's secret, and credentials are read on every poll:
  // decrypting was a visible share of the hot path. A sealed value (random IV, GCM tag) always opens to
  // the same plaintext, so opened values are remembered by their ciphertext, the oldest
  // dropped first. They are process memory only, like the plaintext each caller holds anyway.
  const opened = new Map<string, string>();
  return {
    currentKeyId,
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', currentKey, iv);
      const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [FORMAT, currentKeyId, iv.toString('base64'), tag.toString('base64'), ct.toString('base64')].join(':');
    },
    open(sealed) {
      const cached = opened.get(sealed);
      if (cached !== undefined) return cached;
      const plaintext = openUncached(sealed);
      opened.set(sealed, plaintext);
      if (opened.size > OPENED_CACHE_SIZE) opened.delete(opened.keys().next().value!);
      return plaintext;
    },
    keyIdOf(sealed) {
      return sealed.split(':')[1] ?? '';
    },
    derivedKeys(purpose) {
      return [...keys.values()].map((k) => deriveKey(k, purpose));
    },
  };
}
