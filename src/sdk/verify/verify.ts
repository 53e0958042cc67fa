/**
 * The one generic verifier of inbound provider requests, and its matching signer.
 *
 * Rules that hold for every scheme (SPEC §5: "verified … on the raw bytes, in constant time, with the
 * provider's timestamp window"):
 * - Signatures are computed over the raw body bytes as received. The body is never parsed and
 *   re-serialised for signing; it is parsed only to READ a value (Linear's timestamp, Graph's
 *   clientState).
 * - Comparisons are constant-time (`crypto.timingSafeEqual`). HMAC digests have a public, fixed length,
 *   so a length mismatch may return early; shared secrets are hashed first so that even their length is
 *   not revealed.
 * - Every candidate signature in a header is checked (rotation: Stripe's repeated `v1=`, Standard
 *   Webhooks' space-separated list); any match is enough, and all candidates are always compared so the
 *   time taken does not depend on which one matched.
 * - Timestamps are checked in both directions (|now − t| ≤ tolerance) with an injected clock.
 * - The signature is checked BEFORE freshness, so `stale_timestamp` is only ever reported for a request
 *   that is otherwise authentic: it then means "replayed, or a clock is wrong", which is what an operator
 *   needs to know, and an attacker learns nothing from it.
 * - Expected outcomes are values (`VerifyResult`); `detail` never contains a secret or an expected
 *   signature, so it can be logged. A scheme or key that is wrong for the job (a catalog or wiring bug)
 *   throws instead, because no request could ever fix it.
 */
import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  sign as cryptoSign,
  timingSafeEqual,
  verify as cryptoVerify,
  type KeyObject,
} from 'node:crypto';
import {
  parseSigningString,
  schemeProblems,
  type AsymmetricScheme,
  type HmacScheme,
  type JwtScheme,
  type SecretEncoding,
  type SharedSecretScheme,
  type SignatureEncoding,
  type TemplatePart,
  type TimestampUnit,
  type VerificationScheme,
} from './schemes.js';

/**
 * An inbound HTTP request as the verifier needs it. The SDK's `InboundRequest` (types.ts) is structurally
 * compatible, so the engine passes it as is.
 */
export interface VerifiableRequest {
  method: string;
  /** Path + query exactly as received (e.g. `/hooks/slack/p1?x=1`). */
  url: string;
  /** Header names in lower case (Node's `IncomingMessage.headers` already is). */
  headers: Record<string, string | string[] | undefined>;
  /** The body bytes exactly as received. */
  rawBody: Buffer;
  /**
   * The absolute URL the provider sent the request to, i.e. OPENTRIGGERS_PUBLIC_URL + path + query. Only
   * needed by schemes whose signing string uses `{publicUrl}` (HubSpot v3); behind a proxy the URL we
   * receive is not the one the provider signed.
   */
  publicUrl?: string;
}

export type VerifyKey = { secret: string } | { publicKey: string | KeyObject };
export type SigningKey = { secret: string } | { privateKey: string | KeyObject };

export type VerifyFailureReason = 'missing_signature' | 'bad_signature' | 'stale_timestamp' | 'malformed';
export type VerifyFailure = { ok: false; reason: VerifyFailureReason; detail: string };
export type VerifyResult = { ok: true } | VerifyFailure;

const OK: VerifyResult = { ok: true };

function fail(reason: VerifyFailureReason, detail: string): VerifyFailure {
  return { ok: false, reason, detail };
}

/**
 * Checks one inbound request against a scheme. `now` is the current time in epoch milliseconds (an
 * injected clock, so tests and replays are deterministic).
 */
export function verifyRequest(
  scheme: VerificationScheme,
  req: VerifiableRequest,
  key: VerifyKey,
  now: number,
): VerifyResult {
  assertWellFormed(scheme);
  switch (scheme.kind) {
    case 'none':
      return OK;
    case 'sharedSecret':
      return verifySharedSecret(scheme, req, secretOf(key, scheme.kind));
    case 'jwt':
      return verifyJwt(scheme, req, secretOf(key, scheme.kind), now);
    case 'hmac': {
      const hmacKey = deriveHmacKey(secretOf(key, scheme.kind), scheme.secretEncoding ?? 'utf8');
      return verifySigned(scheme, req, now, (data, candidates) => {
        const expected = encode(createHmac(scheme.algorithm, hmacKey).update(data).digest(), scheme.encoding);
        return anyMatches(candidates, (candidate) =>
          constantTimeEqualText(scheme.encoding === 'hex' ? candidate.toLowerCase() : candidate, expected),
        );
      });
    }
    case 'asymmetric': {
      // A subscription stores what it verifies with as its secret: for an asymmetric scheme that is the
      // provider's public key (PEM or base64 DER), returned by `register` (SendGrid's signed Event Webhook).
      const publicKey = 'publicKey' in key ? toPublicKey(key.publicKey, scheme.algorithm) : publicKeyFromSecret(key.secret, scheme.algorithm);
      return verifySigned(scheme, req, now, (data, candidates) =>
        anyMatches(candidates, (candidate) => {
          const signature = decode(candidate, scheme.encoding);
          if (!signature) return false;
          try {
            return cryptoVerify(digestOf(scheme), data, keyInput(publicKey, scheme), signature);
          } catch {
            // A signature that is not even well-formed for the algorithm (e.g. bad DER) is simply wrong.
            return false;
          }
        }),
      );
    }
  }
}

/**
 * Produces the headers a provider would send for this request: the signature header(s) and, where the
 * scheme has one, the timestamp header. The matching signer of `verifyRequest`, used by tests and by our
 * fake providers, so every scheme round-trips.
 *
 * - The timestamp is `now` in the scheme's unit, except with `timestampFrom` (Linear), where the body
 *   already carries it and is signed as given.
 * - Values for `{header:Name}` placeholders (e.g. `webhook-id`) must already be in `req.headers`.
 * - `sharedSecret` with `jsonPath`/`queryParam` and `none` produce no headers: the secret belongs in the
 *   body or URL, which the caller builds.
 */
export function signRequest(
  scheme: VerificationScheme,
  req: VerifiableRequest,
  key: SigningKey,
  now: number,
): Record<string, string> {
  assertWellFormed(scheme);
  switch (scheme.kind) {
    case 'none':
      return {};
    case 'sharedSecret': {
      const secret = secretOf(key, scheme.kind);
      return scheme.header ? { [scheme.header.toLowerCase()]: (scheme.prefix ?? '') + secret } : {};
    }
    case 'jwt': {
      // A fresh token valid for five minutes, as a provider would mint per request.
      const iat = Math.floor(now / 1000);
      const bodyHash = scheme.bodySha256Claim ? { [scheme.bodySha256Claim]: createHash('sha256').update(req.rawBody).digest('hex') } : {};
      return { [scheme.header.toLowerCase()]: signJwt({ iat, exp: iat + 300, ...bodyHash }, secretOf(key, scheme.kind)) };
    }
    case 'hmac':
    case 'asymmetric': {
      const timestamp = timestampToSign(scheme, req, now);
      const headers: Record<string, string> = {};
      if (scheme.timestampHeader && timestamp !== undefined) headers[scheme.timestampHeader.toLowerCase()] = timestamp;
      // With signatureFrom the signature goes into the body, which the caller builds (signatureForBody).
      if (!scheme.header) return headers;
      const signature = signatureOf(scheme, req, key, timestamp);
      const structured = scheme.kind === 'hmac' ? scheme.structuredHeader : undefined;
      if (structured) {
        const { timestampKey, signatureKey, pairSeparator, kvSeparator } = structured;
        headers[scheme.header.toLowerCase()] =
          `${timestampKey}${kvSeparator}${timestamp}${pairSeparator}${signatureKey}${kvSeparator}${signature}`;
      } else {
        headers[scheme.header.toLowerCase()] = (scheme.prefix ?? '') + signature;
      }
      return headers;
    }
  }
}

/**
 * For schemes whose signature is a body field (`signatureFrom`, Lever): the value the provider puts in that
 * field (prefix included). `req.rawBody` must already carry the signed fields (e.g. `token` and
 * `triggeredAt`); the signature field itself is not signed, so it may be absent. The caller writes the value
 * into the body at `signatureFrom.jsonPath`.
 */
export function signatureForBody(
  scheme: VerificationScheme,
  req: VerifiableRequest,
  key: SigningKey,
  now: number,
): string {
  assertWellFormed(scheme);
  if ((scheme.kind !== 'hmac' && scheme.kind !== 'asymmetric') || !scheme.signatureFrom) {
    throw new TypeError('signatureForBody is for hmac and asymmetric schemes with signatureFrom');
  }
  return (scheme.prefix ?? '') + signatureOf(scheme, req, key, timestampToSign(scheme, req, now));
}

function signatureOf(scheme: SignedScheme, req: VerifiableRequest, key: SigningKey, timestamp: string | undefined): string {
  const data = buildSigningData(scheme, req, timestamp);
  if (!data.ok) throw new Error(`cannot sign: ${data.detail}`);
  return encode(computeSignature(scheme, key, data.bytes), scheme.encoding);
}

// ---------------------------------------------------------------------------------------------------
// JWT (HS256)

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** The HS256 signature of a JWT's `header.claims` part: base64url(HMAC-SHA256(secret, it)). */
function hs256(secret: string, signingInput: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(signingInput).digest('base64url');
}

/** An HS256 JWT of these claims: `base64url(header).base64url(claims).base64url(HMAC-SHA256(secret, the first two))`. */
export function signJwt(claims: Record<string, unknown>, secret: string): string {
  const head = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${head}.${body}.${hs256(secret, `${head}.${body}`)}`;
}

function verifyJwt(scheme: JwtScheme, req: VerifiableRequest, secret: string, now: number): VerifyResult {
  const name = scheme.header.toLowerCase();
  const raw = headerValues(req.headers, name)[0]?.trim();
  if (!raw) return fail('missing_signature', `the ${name} header is missing`);
  const token = /^bearer\s+/i.test(raw) ? raw.replace(/^bearer\s+/i, '') : raw;
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => p !== '' && BASE64URL.test(p))) {
    return fail('malformed', `the ${name} header is not a JWT`);
  }
  const [head = '', body = '', signature = ''] = parts;
  let header: unknown;
  let claims: unknown;
  try {
    header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return fail('malformed', `the ${name} header is not a JWT`);
  }
  if (!header || typeof header !== 'object' || (header as { alg?: unknown }).alg !== scheme.algorithm) {
    return fail('bad_signature', `the JWT in the ${name} header is not signed with ${scheme.algorithm}`);
  }
  if (!constantTimeEqualText(signature, hs256(secret, `${head}.${body}`))) {
    return fail('bad_signature', `the JWT in the ${name} header does not match`);
  }
  if (!claims || typeof claims !== 'object') return fail('malformed', 'the JWT claims are not an object');
  const leewayMs = (scheme.leewaySeconds ?? 0) * 1000;
  const { exp, nbf } = claims as { exp?: unknown; nbf?: unknown };
  if (exp !== undefined && (typeof exp !== 'number' || now > exp * 1000 + leewayMs)) {
    return fail('stale_timestamp', 'the JWT has expired');
  }
  if (nbf !== undefined && (typeof nbf !== 'number' || now < nbf * 1000 - leewayMs)) {
    return fail('stale_timestamp', 'the JWT is not valid yet');
  }
  if (scheme.bodySha256Claim) {
    const claimed = (claims as Record<string, unknown>)[scheme.bodySha256Claim];
    const actual = createHash('sha256').update(req.rawBody).digest('hex');
    if (typeof claimed !== 'string' || !constantTimeEqualText(claimed.toLowerCase(), actual)) {
      return fail('bad_signature', `the JWT's ${scheme.bodySha256Claim} claim is not the SHA-256 of the body`);
    }
  }
  return OK;
}

// ---------------------------------------------------------------------------------------------------
// Signed schemes (hmac, asymmetric)

type SignedScheme = HmacScheme | AsymmetricScheme;

/** Shared flow: find candidates → find timestamp → build the signed bytes → check → check freshness. */
function verifySigned(
  scheme: SignedScheme,
  req: VerifiableRequest,
  now: number,
  matches: (data: Buffer, candidates: string[]) => boolean,
): VerifyResult {
  let extracted: { candidates: string[]; structuredTimestamp?: string | undefined };
  let where: string;
  if (scheme.signatureFrom) {
    const found = bodySignatures(scheme, scheme.signatureFrom.jsonPath, req);
    if (!found.ok) return found;
    extracted = found;
    where = `the body field ${scheme.signatureFrom.jsonPath}`;
  } else {
    const headerNames = [scheme.header ?? '', ...(scheme.alternateHeaders ?? [])].map((name) => name.toLowerCase());
    const headerName = headerNames.join(' or ');
    where = `the ${headerName} header`;
    const present = headerNames
      .map((name) => ({ name, values: headerValues(req.headers, name).filter((v) => v.trim() !== '') }))
      .filter((h) => h.values.length > 0);
    if (present.length === 0) return fail('missing_signature', `the ${headerName} header is missing`);

    // With alternate headers (Box's primary and secondary signatures), a header without a usable signature
    // is skipped as long as another one has one.
    const perHeader = present.map((h) => extractCandidates(scheme, h.name, h.values));
    const usable = perHeader.filter((e): e is Extracted & { ok: true } => e.ok);
    const first = perHeader[0];
    if (usable.length === 0 && first && !first.ok) return first;
    extracted = { candidates: usable.flatMap((e) => e.candidates), structuredTimestamp: usable[0]?.structuredTimestamp };
  }

  const timestamp = readTimestamp(scheme, req, extracted.structuredTimestamp);
  if (!timestamp.ok) return timestamp;

  const data = buildSigningData(scheme, req, timestamp.text);
  if (!data.ok) return fail('malformed', data.detail);

  if (!matches(data.bytes, extracted.candidates)) {
    return fail('bad_signature', `no signature in ${where} matches the request`);
  }

  if (scheme.toleranceSeconds !== undefined && timestamp.ms !== undefined) {
    const skewMs = now - timestamp.ms;
    if (Math.abs(skewMs) > scheme.toleranceSeconds * 1000) {
      const seconds = Math.round(Math.abs(skewMs) / 1000);
      const direction = skewMs > 0 ? 'old' : 'in the future';
      return fail('stale_timestamp', `the timestamp is ${seconds} s ${direction}; allowed ±${scheme.toleranceSeconds} s`);
    }
  }
  return OK;
}

type Extracted =
  | { ok: true; candidates: string[]; structuredTimestamp?: string }
  | VerifyFailure;

/** Turns the signature header value(s) into candidate encoded signatures (prefix already removed). */
function extractCandidates(scheme: SignedScheme, headerName: string, values: string[]): Extracted {
  const structured = scheme.kind === 'hmac' ? scheme.structuredHeader : undefined;
  if (structured) {
    const candidates: string[] = [];
    let timestamp: string | undefined;
    for (const value of values) {
      for (const pair of value.split(structured.pairSeparator)) {
        const at = pair.indexOf(structured.kvSeparator);
        if (at < 0) continue;
        const k = pair.slice(0, at).trim();
        const v = pair.slice(at + structured.kvSeparator.length).trim();
        if (k === structured.timestampKey && timestamp === undefined) timestamp = v;
        else if (k === structured.signatureKey && v !== '') candidates.push(v);
      }
    }
    if (candidates.length === 0) {
      return fail('malformed', `the ${headerName} header has no ${structured.signatureKey} signature`);
    }
    if (timestamp === undefined) {
      return fail('malformed', `the ${headerName} header has no ${structured.timestampKey} timestamp`);
    }
    return { ok: true, candidates, structuredTimestamp: timestamp };
  }

  const entries = scheme.multiple
    ? values.flatMap((v) => v.split(scheme.multiple?.separator ?? ' '))
    : values;
  const prefix = scheme.prefix ?? '';
  const candidates = entries
    .map((entry) => entry.trim())
    .filter((entry) => entry.startsWith(prefix) && entry.length > prefix.length)
    .map((entry) => entry.slice(prefix.length));
  if (candidates.length === 0) {
    return fail('malformed', prefix
      ? `the ${headerName} header has no signature starting with ${JSON.stringify(prefix)}`
      : `the ${headerName} header has no signature`);
  }
  return { ok: true, candidates };
}

/** The signature in a JSON body field (signatureFrom), prefix removed. */
function bodySignatures(scheme: SignedScheme, jsonPath: string, req: VerifiableRequest): Extracted {
  const body = schemeJson(scheme, req);
  if (!body.ok) return fail('malformed', `the body is not JSON, so it has no ${jsonPath} signature`);
  const value = resolveJsonPath(body.value, jsonPath)[0];
  if (value === undefined || value === null || value === '') return fail('missing_signature', `the body field ${jsonPath} is missing`);
  const prefix = scheme.prefix ?? '';
  if (typeof value !== 'string' || !value.startsWith(prefix) || value.length === prefix.length) {
    return fail('malformed', `the body field ${jsonPath} is not a signature`);
  }
  return { ok: true, candidates: [value.slice(prefix.length)] };
}

type Timestamp = { ok: true; text?: string; ms?: number } | VerifyFailure;

/** Finds the request's timestamp (text as received, for signing; milliseconds, for freshness). */
function readTimestamp(scheme: SignedScheme, req: VerifiableRequest, structuredTimestamp: string | undefined): Timestamp {
  const unit: TimestampUnit = scheme.timestampUnit ?? 's';
  if (structuredTimestamp !== undefined) return parseTimestamp(structuredTimestamp, unit, 'the signature header timestamp');

  if (scheme.timestampHeader) {
    const name = scheme.timestampHeader.toLowerCase();
    const text = headerValues(req.headers, name)[0];
    if (text === undefined || text.trim() === '') return fail('malformed', `the ${name} header is missing`);
    return parseTimestamp(text, unit, `the ${name} header`);
  }

  if (scheme.timestampFrom) {
    const { jsonPath } = scheme.timestampFrom;
    const body = schemeJson(scheme, req);
    if (!body.ok) return fail('malformed', `the body is not JSON, so it has no ${jsonPath} timestamp`);
    const value = resolveJsonPath(body.value, jsonPath)[0];
    if (value === undefined || value === null) return fail('malformed', `the body has no ${jsonPath} timestamp`);
    return parseTimestamp(value, scheme.timestampFrom.unit, `the body field ${jsonPath}`);
  }

  return { ok: true };
}

/** RFC 3339 `date-time`: date, `T`, time with optional fraction, and `Z` or a numeric offset. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

function parseTimestamp(raw: unknown, unit: TimestampUnit, where: string): Timestamp {
  if (unit === 'rfc3339') {
    const ms = typeof raw === 'string' && RFC3339.test(raw.trim()) ? Date.parse(raw.trim()) : Number.NaN;
    if (!Number.isFinite(ms)) return fail('malformed', `${where} is not an RFC 3339 date-time`);
    return { ok: true, text: raw as string, ms };
  }
  let value: number;
  if (typeof raw === 'number') value = raw;
  else if (typeof raw === 'string' && /^\s*\d+\s*$/.test(raw)) value = Number(raw);
  else return fail('malformed', `${where} is not a Unix timestamp`);
  if (!Number.isFinite(value)) return fail('malformed', `${where} is not a Unix timestamp`);
  return { ok: true, text: typeof raw === 'string' ? raw : String(raw), ms: unit === 'ms' ? value : value * 1000 };
}

/** The timestamp the signer puts in the request (and in the signed bytes). */
function timestampToSign(scheme: SignedScheme, req: VerifiableRequest, now: number): string | undefined {
  if (scheme.timestampFrom) {
    const body = schemeJson(scheme, req);
    const value = body.ok ? resolveJsonPath(body.value, scheme.timestampFrom.jsonPath)[0] : undefined;
    if (typeof value !== 'number' && typeof value !== 'string') {
      throw new Error(`cannot sign: the body must already carry ${scheme.timestampFrom.jsonPath}`);
    }
    return String(value);
  }
  const structured = scheme.kind === 'hmac' && scheme.structuredHeader !== undefined;
  if (!scheme.timestampHeader && !structured) return undefined;
  const unit = scheme.timestampUnit ?? 's';
  if (unit === 'rfc3339') return new Date(Math.floor(now / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  return unit === 'ms' ? String(Math.floor(now)) : String(Math.floor(now / 1000));
}

const parsedTemplates = new WeakMap<SignedScheme, TemplatePart[]>();

function signingParts(scheme: SignedScheme): TemplatePart[] {
  let parts = parsedTemplates.get(scheme);
  if (!parts) {
    parts = parseSigningString(scheme.signingString ?? '{body}');
    parsedTemplates.set(scheme, parts);
  }
  return parts;
}

type SigningData = { ok: true; bytes: Buffer } | { ok: false; detail: string };

/**
 * Renders the signing-string template to bytes. Built as a byte concatenation so the body is included
 * verbatim, even when it is not valid UTF-8.
 */
function buildSigningData(scheme: SignedScheme, req: VerifiableRequest, timestamp: string | undefined): SigningData {
  const parts = signingParts(scheme);
  const decodeUrlSequences = scheme.decodeUrlSequences;
  const chunks: Buffer[] = [];
  let body: { ok: true; value: unknown } | { ok: false } | undefined;
  for (const part of parts) {
    switch (part.type) {
      case 'literal':
        chunks.push(Buffer.from(part.text, 'utf8'));
        break;
      case 'body':
        chunks.push(req.rawBody);
        break;
      case 'timestamp':
        // schemeProblems guarantees a timestamp source, and readTimestamp a value, whenever this is used.
        chunks.push(Buffer.from(timestamp ?? '', 'utf8'));
        break;
      case 'method':
        chunks.push(Buffer.from(req.method.toUpperCase(), 'utf8'));
        break;
      case 'url':
        chunks.push(Buffer.from(decodeSequences(req.url, decodeUrlSequences), 'utf8'));
        break;
      case 'publicUrl':
        if (req.publicUrl === undefined) {
          throw new Error('this scheme signs {publicUrl}: pass the absolute URL the provider called as req.publicUrl');
        }
        chunks.push(Buffer.from(decodeSequences(req.publicUrl, decodeUrlSequences), 'utf8'));
        break;
      case 'formParams':
        chunks.push(Buffer.from(sortedFormParams(req.rawBody), 'utf8'));
        break;
      case 'formJson':
        chunks.push(Buffer.from(formAsPythonJson(req.rawBody), 'utf8'));
        break;
      case 'header': {
        const value = headerValues(req.headers, part.name)[0];
        if (value === undefined) return { ok: false, detail: `the ${part.name} header is missing` };
        chunks.push(Buffer.from(value, 'utf8'));
        break;
      }
      case 'json': {
        body ??= schemeJson(scheme, req);
        if (!body.ok) return { ok: false, detail: `the body is not JSON, so it has no ${part.path} field` };
        const value = resolveJsonPath(body.value, part.path)[0];
        if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
          return { ok: false, detail: `the body field ${part.path} is missing or not a string, number or boolean` };
        }
        chunks.push(Buffer.from(String(value), 'utf8'));
        break;
      }
    }
  }
  return { ok: true, bytes: Buffer.concat(chunks) };
}

/**
 * A form-encoded body as Python's `json.dumps(form)` writes it: the first value of each field name, in the
 * order of first appearance, `{"k": "v", "k2": "v2"}`, non-printable-ASCII characters as lowercase `\uXXXX`
 * (ensure_ascii). Python and JavaScript escape quotes, backslashes and control characters alike.
 */
export function formAsPythonJson(rawBody: Buffer): string {
  const fields = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(rawBody.toString('utf8'))) if (!fields.has(name)) fields.set(name, value);
  const text = (s: string) => JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `{${[...fields].map(([k, v]) => `${text(k)}: ${text(v)}`).join(', ')}}`;
}

function decodeSequences(url: string, sequences: readonly string[] | undefined): string {
  let result = url;
  for (const sequence of sequences ?? []) {
    const char = String.fromCharCode(parseInt(sequence.slice(1), 16));
    result = result.replace(new RegExp(sequence, 'gi'), () => char);
  }
  return result;
}

function computeSignature(scheme: SignedScheme, key: SigningKey, data: Buffer): Buffer {
  if (scheme.kind === 'hmac') {
    const hmacKey = deriveHmacKey(secretOf(key, scheme.kind), scheme.secretEncoding ?? 'utf8');
    return createHmac(scheme.algorithm, hmacKey).update(data).digest();
  }
  if (!('privateKey' in key)) throw new TypeError('an asymmetric scheme is signed with { privateKey }');
  const privateKey = typeof key.privateKey === 'string' ? createPrivateKey(key.privateKey) : key.privateKey;
  assertKeyType(privateKey, scheme.algorithm);
  return cryptoSign(digestOf(scheme), data, keyInput(privateKey, scheme));
}

// ---------------------------------------------------------------------------------------------------
// Shared secrets

function verifySharedSecret(scheme: SharedSecretScheme, req: VerifiableRequest, secret: string): VerifyResult {
  let presented: unknown[];
  let where: string;
  if (scheme.header) {
    where = `the ${scheme.header.toLowerCase()} header`;
    const value = headerValues(req.headers, scheme.header.toLowerCase())[0];
    if (value === undefined || value === '') return fail('missing_signature', `${where} is missing`);
    const prefix = scheme.prefix ?? '';
    if (!value.startsWith(prefix)) return fail('malformed', `${where} does not start with ${JSON.stringify(prefix)}`);
    presented = [value.slice(prefix.length)];
  } else if (scheme.queryParam) {
    where = `the ${scheme.queryParam} query parameter`;
    presented = queryParams(req.url).getAll(scheme.queryParam);
  } else {
    const jsonPath = scheme.jsonPath ?? '';
    where = `${jsonPath} in the body`;
    const body = parseJsonBody(req.rawBody);
    if (!body.ok) return fail('malformed', 'the body is not JSON');
    presented = resolveJsonPath(body.value, jsonPath);
  }
  if (presented.length === 0) return fail('missing_signature', `${where} is missing`);
  // Every occurrence must match: one Graph batch mixing subscriptions is not trusted as a whole.
  const allMatch = presented
    .map((value) => typeof value === 'string' && constantTimeEqualSecret(value, secret))
    .every(Boolean);
  return allMatch ? OK : fail('bad_signature', `${where} does not match the expected secret`);
}

// ---------------------------------------------------------------------------------------------------
// Helpers (exported where handshakes.ts shares them)

/** All values of a header (repeated headers arrive as arrays). `name` must be lower case. */
export function headerValues(headers: VerifiableRequest['headers'], name: string): string[] {
  const value = headers[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * A form-encoded body's fields, decoded, sorted by name (byte order, as Twilio's libraries sort; a repeated
 * name's values sorted too) and concatenated as name + value with no separators.
 */
export function sortedFormParams(rawBody: Buffer): string {
  const pairs = [...new URLSearchParams(rawBody.toString('utf8'))];
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  pairs.sort(([ak, av], [bk, bv]) => compare(ak, bk) || compare(av, bv));
  return pairs.map(([k, v]) => k + v).join('');
}

/** The query of a path+query URL, form-decoded (`+` is a space, as providers send it). */
export function queryParams(url: string): URLSearchParams {
  const at = url.indexOf('?');
  return new URLSearchParams(at < 0 ? '' : url.slice(at + 1));
}

/** The JSON a signed scheme reads fields from: the body, or one multipart field of it (`jsonBody`). */
function schemeJson(scheme: SignedScheme, req: VerifiableRequest): { ok: true; value: unknown } | { ok: false } {
  if (!scheme.jsonBody) return parseJsonBody(req.rawBody);
  const type = headerValues(req.headers, 'content-type')[0] ?? '';
  const text = multipartFormField(req.rawBody, type, scheme.jsonBody.multipartField);
  return text === undefined ? { ok: false } : parseJsonBody(Buffer.from(text, 'utf8'));
}

/**
 * The text of the first field named `name` in a `multipart/form-data` body (RFC 7578), or undefined when
 * the content type is not multipart with a boundary or the field is missing. Synchronous, for verification.
 */
export function multipartFormField(rawBody: Buffer, contentType: string, name: string): string | undefined {
  if (!/^multipart\/form-data\s*;/i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  let at = rawBody.indexOf(delimiter);
  while (at >= 0) {
    const partStart = at + delimiter.length;
    if (rawBody.subarray(partStart, partStart + 2).toString('latin1') === '--') return undefined;
    const next = rawBody.indexOf(delimiter, partStart);
    if (next < 0) return undefined;
    const part = rawBody.subarray(partStart, next);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd >= 0) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      const disposition = /^content-disposition:\s*form-data\s*;(.*)$/im.exec(headers)?.[1] ?? '';
      const fieldName = /(?:^|;)\s*name="([^"]*)"/i.exec(disposition)?.[1];
      if (fieldName === name) {
        let content = part.subarray(headerEnd + 4);
        if (content.subarray(-2).toString('latin1') === '\r\n') content = content.subarray(0, -2);
        return content.toString('utf8');
      }
    }
    at = next;
  }
  return undefined;
}

export function parseJsonBody(rawBody: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(rawBody.toString('utf8')) as unknown };
  } catch {
    return { ok: false };
  }
}

/**
 * Values at a dot path in parsed JSON. A segment ending in `[]` walks every item of that array:
 * `value[].clientState` yields the clientState of every notification. Missing parts yield nothing.
 */
export function resolveJsonPath(root: unknown, path: string): unknown[] {
  let current: unknown[] = [root];
  for (const segment of path.split('.')) {
    const walkArray = segment.endsWith('[]');
    const name = walkArray ? segment.slice(0, -2) : segment;
    const next: unknown[] = [];
    for (const node of current) {
      const child = name === '' ? node : propertyOf(node, name);
      if (walkArray) {
        if (Array.isArray(child)) next.push(...(child as unknown[]));
      } else if (child !== undefined) {
        next.push(child);
      }
    }
    current = next;
  }
  return current;
}

function propertyOf(node: unknown, name: string): unknown {
  if (node === null || typeof node !== 'object') return undefined;
  // Own properties only: a path like `__proto__` or `constructor` must not reach prototypes.
  return Object.prototype.hasOwnProperty.call(node, name) ? (node as Record<string, unknown>)[name] : undefined;
}

/** Equal-length encoded digests compared in constant time; the expected length is public. */
function constantTimeEqualText(presented: string, expected: string): boolean {
  const a = Buffer.from(presented, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

/** Shared secrets have no public length, so both sides are hashed to 32 bytes before comparing. */
function constantTimeEqualSecret(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** Checks every candidate (no early exit), so timing does not reveal which one matched. */
function anyMatches(candidates: string[], check: (candidate: string) => boolean): boolean {
  let matched = false;
  for (const candidate of candidates) {
    if (check(candidate)) matched = true;
  }
  return matched;
}

function encode(bytes: Buffer, encoding: SignatureEncoding): string {
  return bytes.toString(encoding);
}

/** Strict decoding: Buffer.from silently skips invalid characters, which would accept garbage. */
function decode(text: string, encoding: SignatureEncoding): Buffer | undefined {
  if (encoding === 'hex') return /^(?:[0-9a-fA-F]{2})+$/.test(text) ? Buffer.from(text, 'hex') : undefined;
  return /^[A-Za-z0-9+/]+={0,2}$/.test(text) && text.length % 4 === 0 ? Buffer.from(text, 'base64') : undefined;
}

function deriveHmacKey(secret: string, encoding: SecretEncoding): Buffer {
  if (encoding === 'utf8') return Buffer.from(secret, 'utf8');
  if (encoding === 'hex') {
    // Strict: Buffer.from(…, 'hex') stops at the first invalid character instead of failing.
    if (!/^(?:[0-9a-fA-F]{2})+$/.test(secret)) throw new Error('the secret is not valid hex key material');
    return Buffer.from(secret, 'hex');
  }
  const base64 = encoding === 'whsec' && secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  const key = Buffer.from(base64, 'base64');
  if (key.length === 0) throw new Error(`the secret is not valid ${encoding} key material`);
  return key;
}

function secretOf(key: VerifyKey | SigningKey, kind: string): string {
  if (!('secret' in key)) throw new TypeError(`a ${kind} scheme needs { secret }`);
  return key.secret;
}

function digestOf(scheme: AsymmetricScheme): string | null {
  // Ed25519 hashes internally; Node requires `null` as the digest for it.
  return scheme.algorithm === 'ed25519' ? null : 'sha256';
}

function keyInput(key: KeyObject, scheme: AsymmetricScheme): KeyObject | { key: KeyObject; dsaEncoding: 'der' | 'ieee-p1363' } {
  return scheme.algorithm === 'ecdsa-p256-sha256' ? { key, dsaEncoding: scheme.dsaEncoding ?? 'der' } : key;
}

/**
 * Accepts a KeyObject, a PEM string, a base64 DER (SPKI) string, or — for Ed25519 — the raw 32-byte key
 * as hex or base64, which is how providers such as Discord publish it.
 */
function toPublicKey(key: string | KeyObject, algorithm: AsymmetricScheme['algorithm']): KeyObject {
  let publicKey: KeyObject;
  if (typeof key !== 'string') {
    publicKey = key;
  } else if (key.includes('-----BEGIN')) {
    publicKey = createPublicKey(key);
  } else {
    const text = key.trim();
    const raw = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
    publicKey = algorithm === 'ed25519' && raw.length === 32
      ? createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' })
      : createPublicKey({ key: raw, format: 'der', type: 'spki' });
  }
  assertKeyType(publicKey, algorithm);
  return publicKey;
}

/** A stored secret read as the provider's public key; anything else is a wiring bug, reported as such. */
function publicKeyFromSecret(secret: string, algorithm: AsymmetricScheme['algorithm']): KeyObject {
  try {
    return toPublicKey(secret, algorithm);
  } catch {
    throw new TypeError(`an asymmetric scheme is verified with { publicKey }, or a secret holding the provider's ${algorithm} public key (PEM or base64 DER)`);
  }
}

function assertKeyType(key: KeyObject, algorithm: AsymmetricScheme['algorithm']): void {
  const type = key.asymmetricKeyType;
  const ok =
    (algorithm === 'ed25519' && type === 'ed25519') ||
    (algorithm === 'rsa-sha256' && type === 'rsa') ||
    (algorithm === 'ecdsa-p256-sha256' && type === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1');
  if (!ok) throw new TypeError(`a ${type ?? 'non-asymmetric'} key cannot be used for ${algorithm}`);
}

const checkedSchemes = new WeakSet<VerificationScheme>();

function assertWellFormed(scheme: VerificationScheme): void {
  if (checkedSchemes.has(scheme)) return;
  const problems = schemeProblems(scheme);
  if (problems.length > 0) throw new Error(`invalid ${scheme.kind} verification scheme: ${problems.join('; ')}`);
  checkedSchemes.add(scheme);
}
