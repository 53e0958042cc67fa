// Signing of outbound webhooks (SPEC §4). Every delivery carries two signatures of the exact body bytes,
// both derived from the project signing secret `whsec_<base64 of 32 random bytes>`:
//
//   x-paragon-signature: v1=<hex HMAC-SHA256(key = the whole secret string as UTF-8, body)>
//   webhook-id / webhook-timestamp /
//   webhook-signature:   v1,<base64 HMAC-SHA256(key = base64-decoded part after "whsec_",
//                                                "{webhook-id}.{webhook-timestamp}.{body}")>
//
// The first keeps code written for Paragon working; the second is Standard Webhooks, verifiable with any
// of its libraries. Note the two schemes use *different keys* from the same secret: Paragon's is the
// secret's text, Standard Webhooks' is the decoded bytes. Mixing them up verifies nowhere, hence the
// round-trip tests against the `standardwebhooks` package.
//
// Rotation: after a rotation both the new and the previous secret sign for 24 h, so receivers can roll their
// configuration without losing deliveries. Each header then carries one signature per secret, separated by
// a single space, current secret first:
//   webhook-signature:   v1,<sig by current> v1,<sig by previous>   (exactly what Standard Webhooks defines)
//   x-paragon-signature: v1=<sig by current> v1=<sig by previous>   (our choice: SPEC §4 shows this header for
//                        one secret, so we mirror the Standard Webhooks list format. Receivers should split on
//                        spaces and accept if any `v1=` entry matches; one comparing the whole header with a
//                        single expected value fails during the 24 h overlap. Outside a rotation the header
//                        is exactly the single `v1=<hex>` of SPEC §4.)
//
// Hot path: thousands of deliveries per second. Parsing and base64-decoding a secret is cheap but not free,
// and it is the same work for every event of a project, so `prepareSigningKeys` does it once and callers
// keep the result next to the project's secrets; `signDelivery` also accepts raw strings for convenience.
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';

export const PARAGON_SIGNATURE_HEADER = 'x-paragon-signature';
export const WEBHOOK_ID_HEADER = 'webhook-id';
export const WEBHOOK_TIMESTAMP_HEADER = 'webhook-timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'webhook-signature';

/** HMAC keys derived from one `whsec_…` secret. */
export interface SigningKey {
  /** Keys x-paragon-signature: the whole secret string, prefix included, as UTF-8. */
  readonly paragonKey: KeyObject;
  /** Keys webhook-signature: the bytes of the base64 text after `whsec_`. */
  readonly standardKey: KeyObject;
}

/** Secrets parsed once, current first; build with `prepareSigningKeys`. */
export interface PreparedSigningKeys {
  readonly kind: 'prepared-signing-keys';
  readonly keys: readonly SigningKey[];
}

export class SigningSecretError extends Error {
  override readonly name = 'SigningSecretError';
}

// Strict base64 (standard alphabet, padded or not): Buffer.from(…, 'base64') silently skips bad characters,
// which would turn a corrupted secret into signatures no receiver can verify.
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function prepareSigningKey(secret: string): SigningKey {
  if (!secret.startsWith(SECRET_PREFIX)) {
    throw new SigningSecretError(`signing secret must start with "${SECRET_PREFIX}"`);
  }
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (!BASE64.test(encoded) || encoded.replace(/=+$/, '').length % 4 === 1) {
    throw new SigningSecretError(`signing secret must be "${SECRET_PREFIX}" followed by base64`);
  }
  return {
    paragonKey: createSecretKey(Buffer.from(secret, 'utf8')),
    standardKey: createSecretKey(Buffer.from(encoded, 'base64')),
  };
}

/**
 * Parses the active secrets once (current first, then those still inside their rotation overlap).
 * Duplicates are dropped so a header never repeats a signature. Throws SigningSecretError on a malformed
 * secret: that is a configuration bug, better loud at startup than as unverifiable deliveries.
 */
export function prepareSigningKeys(secrets: readonly string[]): PreparedSigningKeys {
  const unique = [...new Set(secrets)];
  if (unique.length === 0) throw new SigningSecretError('at least one signing secret is required');
  return { kind: 'prepared-signing-keys', keys: unique.map(prepareSigningKey) };
}

/**
 * Prepared keys by their secrets, for a signer that receives raw secrets with every request (the sender
 * thread): each project's secrets are parsed once, not per delivery. Bounded: cleared when full.
 */
export class SigningKeyCache {
  private readonly prepared = new Map<string, PreparedSigningKeys>();

  constructor(private readonly maxEntries = 1024) {}

  get(secrets: readonly string[]): PreparedSigningKeys {
    // Secrets are `whsec_` + base64: no spaces, so the joined text is an unambiguous key.
    const key = secrets.join(' ');
    let keys = this.prepared.get(key);
    if (!keys) {
      keys = prepareSigningKeys(secrets);
      if (this.prepared.size >= this.maxEntries) this.prepared.clear();
      this.prepared.set(key, keys);
    }
    return keys;
  }
}

export interface SignDeliveryInput {
  /** The exact bytes that will be sent; a string is signed as its UTF-8 encoding. */
  body: Uint8Array | string;
  /** The event id: stable across retries, so receivers can dedupe on webhook-id. */
  eventId: string;
  /** Unix seconds of this attempt (receivers reject stale timestamps, so sign per attempt). */
  timestampSeconds: number;
  /** Active secrets, current first — raw `whsec_…` strings or the result of `prepareSigningKeys`. */
  secrets: readonly string[] | PreparedSigningKeys;
}

// webhook-id goes into a header and into the signed string, where "." is the separator; our event ids are
// opaque tokens, so allow visible ASCII without spaces and refuse anything that could break either use.
const HEADER_TOKEN = /^[\x21-\x7e]+$/;

/** Returns the signature headers of one delivery attempt (lower-case names). */
export function signDelivery(input: SignDeliveryInput): Record<string, string> {
  const { eventId, timestampSeconds } = input;
  if (!HEADER_TOKEN.test(eventId)) {
    throw new RangeError('eventId must be non-empty visible ASCII without spaces');
  }
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new RangeError('timestampSeconds must be a non-negative integer');
  }
  const keys = Array.isArray(input.secrets)
    ? prepareSigningKeys(input.secrets).keys
    : (input.secrets as PreparedSigningKeys).keys;
  const body = typeof input.body === 'string' ? Buffer.from(input.body, 'utf8') : input.body;
  const signedPrefix = `${eventId}.${timestampSeconds}.`;

  const paragon: string[] = [];
  const standard: string[] = [];
  for (const key of keys) {
    paragon.push(`v1=${createHmac('sha256', key.paragonKey).update(body).digest('hex')}`);
    // Feed prefix and body separately so the body's bytes are signed as they are, without a string copy.
    const digest = createHmac('sha256', key.standardKey).update(signedPrefix, 'utf8').update(body).digest('base64');
    standard.push(`v1,${digest}`);
  }

  return {
    [PARAGON_SIGNATURE_HEADER]: paragon.join(' '),
    [WEBHOOK_ID_HEADER]: eventId,
    [WEBHOOK_TIMESTAMP_HEADER]: String(timestampSeconds),
    [WEBHOOK_SIGNATURE_HEADER]: standard.join(' '),
  };
}
