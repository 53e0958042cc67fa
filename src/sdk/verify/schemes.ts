/**
 * Verification schemes as plain data.
 *
 * Every inbound provider request is checked by ONE generic verifier (verify.ts) driven by one of these
 * values. An integration declares *what* its provider does (which header, which hash, what is signed,
 * how fresh it must be); it never writes its own comparison code, so constant-time comparison, raw-byte
 * hashing and timestamp windows are implemented once and tested once.
 *
 * A scheme is JSON-compatible on purpose: it can be printed in the catalog, diffed in review, and fed
 * to the matching signer (signRequest) so that tests and fake providers sign exactly what we verify.
 *
 * Examples (exact values live with each integration; these show the expressiveness):
 *
 *   Slack          { kind: 'hmac', algorithm: 'sha256', header: 'x-slack-signature', prefix: 'v0=',
 *                    encoding: 'hex', signingString: 'v0:{timestamp}:{body}',
 *                    timestampHeader: 'x-slack-request-timestamp', toleranceSeconds: 300 }
 *   GitHub         { kind: 'hmac', algorithm: 'sha256', header: 'x-hub-signature-256', prefix: 'sha256=',
 *                    encoding: 'hex' }
 *   Linear         { kind: 'hmac', algorithm: 'sha256', header: 'linear-signature', encoding: 'hex',
 *                    timestampFrom: { jsonPath: 'webhookTimestamp', unit: 'ms' }, toleranceSeconds: 60 }
 *   Stripe         { kind: 'hmac', algorithm: 'sha256', header: 'stripe-signature', encoding: 'hex',
 *                    signingString: '{timestamp}.{body}', toleranceSeconds: 300,
 *                    structuredHeader: { timestampKey: 't', signatureKey: 'v1', pairSeparator: ',',
 *                                        kvSeparator: '=' } }
 *                    (Stripe keys the HMAC with the whole "whsec_…" string as UTF-8: secretEncoding 'utf8')
 *   Std Webhooks   { kind: 'hmac', algorithm: 'sha256', header: 'webhook-signature', prefix: 'v1,',
 *                    encoding: 'base64', signingString: '{header:webhook-id}.{timestamp}.{body}',
 *                    timestampHeader: 'webhook-timestamp', toleranceSeconds: 300,
 *                    secretEncoding: 'whsec', multiple: { separator: ' ' } }
 *   HubSpot v3     { kind: 'hmac', algorithm: 'sha256', header: 'x-hubspot-signature-v3', encoding: 'base64',
 *                    signingString: '{method}{publicUrl}{body}{timestamp}',
 *                    timestampHeader: 'x-hubspot-request-timestamp', timestampUnit: 'ms',
 *                    toleranceSeconds: 300, decodeUrlSequences: HUBSPOT_V3_URL_DECODES }
 *   Box            { kind: 'hmac', algorithm: 'sha256', header: 'box-signature-primary',
 *                    alternateHeaders: ['box-signature-secondary'], encoding: 'base64',
 *                    signingString: '{body}{timestamp}', timestampHeader: 'box-delivery-timestamp',
 *                    timestampUnit: 'rfc3339', toleranceSeconds: 600 }
 *   Discord-style  { kind: 'asymmetric', algorithm: 'ed25519', header: 'x-signature-ed25519', encoding: 'hex',
 *                    signingString: '{timestamp}{body}', timestampHeader: 'x-signature-timestamp' }
 *   Lever          { kind: 'hmac', algorithm: 'sha256', signatureFrom: { jsonPath: 'signature' }, encoding: 'hex',
 *                    signingString: '{json:token}{timestamp}', timestampFrom: { jsonPath: 'triggeredAt', unit: 'ms' } }
 *                    (signature and signed values are body fields; the rest of the body is not signed)
 *   MS Graph       { kind: 'sharedSecret', jsonPath: 'value[].clientState' }
 *   Google push    { kind: 'sharedSecret', header: 'x-goog-channel-token' }
 */

export type HmacAlgorithm = 'sha256' | 'sha1' | 'sha512';
export type AsymmetricAlgorithm = 'ed25519' | 'ecdsa-p256-sha256' | 'rsa-sha256';
export type SignatureEncoding = 'hex' | 'base64';
/**
 * How a timestamp is written: Unix seconds (`s`), Unix milliseconds (`ms`), or an RFC 3339 date-time
 * (`rfc3339`, e.g. Box's `BOX-DELIVERY-TIMESTAMP: 2016-07-11T10:10:33-07:00`). Whatever the unit, the
 * signed bytes are the timestamp exactly as received.
 */
export type TimestampUnit = 's' | 'ms' | 'rfc3339';

/**
 * How the HMAC key bytes are derived from the stored secret string.
 * - `utf8` (default): the secret string's UTF-8 bytes (GitHub, Slack, Stripe — Stripe uses the whole
 *   "whsec_…" string this way).
 * - `base64`: the secret is base64 of the key bytes.
 * - `whsec`: Standard Webhooks — base64 of the key bytes after an optional "whsec_" prefix.
 * - `hex`: the secret is hex of the key bytes (Close's webhook `signature_key`).
 */
export type SecretEncoding = 'utf8' | 'base64' | 'whsec' | 'hex';

/** A timestamp carried inside the JSON body rather than in a header (Linear's `webhookTimestamp`). */
export interface TimestampFromBody {
  /** Dot path into the parsed JSON body, e.g. `webhookTimestamp` or `meta.sentAt`. */
  jsonPath: string;
  unit: TimestampUnit;
}

/**
 * The signature carried inside the JSON body rather than in a header (Lever's `signature`, next to the
 * `token` and `triggeredAt` it signs). The signing string then must not contain `{body}`: the body holds
 * the signature itself.
 */
export interface SignatureFromBody {
  /** Dot path into the parsed JSON body, e.g. `signature`. */
  jsonPath: string;
}

/**
 * One header carrying a timestamp and one or more signatures as key/value pairs, e.g.
 * `Stripe-Signature: t=1700000000,v1=abc…,v1=def…,v0=…`. Every pair whose key is `signatureKey` is a
 * candidate (several appear during secret rotation); other keys are ignored.
 */
export interface StructuredHeader {
  timestampKey: string;
  signatureKey: string;
  pairSeparator: string;
  kvSeparator: string;
}

/**
 * The signature header holds several signatures separated by `separator` (Standard Webhooks:
 * `v1,sig1 v1,sig2`). With a `prefix`, only entries starting with it are candidates, so entries of
 * other versions (e.g. `v1a,` asymmetric ones) are skipped rather than failing the request.
 */
export interface MultipleSignatures {
  separator: string;
}

/** Fields shared by the signed schemes (hmac and asymmetric). */
interface SignedSchemeBase {
  /** Header carrying the signature(s). Case-insensitive (looked up in lower case). Exactly one of `header` and `signatureFrom`. */
  header?: string;
  /** Alternative to `header`: the signature is a JSON body field (Lever). */
  signatureFrom?: SignatureFromBody;
  /**
   * Where the JSON read by `signatureFrom`, `timestampFrom` and `{json:path}` is: the raw body (default),
   * or the text of one field of a `multipart/form-data` body (Dropbox Sign posts its event as a `json`
   * field: `{ multipartField: 'json' }`).
   */
  jsonBody?: { multipartField: string };
  /**
   * Further headers carrying a signature of the same request, each made with another of the provider's
   * keys: Box signs every delivery twice, with the app's primary key into BOX-SIGNATURE-PRIMARY and with
   * its secondary key into BOX-SIGNATURE-SECONDARY. Candidates are taken from `header` and from these;
   * one match with the secret is enough, so the secret may be either key. `signRequest` fills `header`
   * only (a provider signing with two keys is simulated by signing twice).
   */
  alternateHeaders?: readonly string[];
  /** Text before the encoded signature, e.g. `sha256=`, `v0=`, `v1,`. Ignored with `structuredHeader`. */
  prefix?: string;
  encoding: SignatureEncoding;
  /**
   * What is signed, as a template (default `{body}`). Placeholders:
   * - `{body}`        the raw request body bytes, exactly as received (never re-serialised JSON)
   * - `{timestamp}`   the timestamp string exactly as received (header, structured header or body field)
   * - `{method}`      the HTTP method in upper case
   * - `{url}`         path + query as received
   * - `{publicUrl}`   the absolute URL the provider addressed (request.publicUrl), for HubSpot v3
   * - `{header:Name}` the value of another request header (Standard Webhooks `{header:webhook-id}`)
   * - `{json:path}`   the value of a JSON body field at a dot path, as text: a string as is, a number or
   *                   boolean as JavaScript writes it (Lever's `{json:token}`)
   * - `{formParams}`  the fields of a form-encoded body (`application/x-www-form-urlencoded`), decoded,
   *                   sorted by name (a repeated name's values sorted too) and written as name + value with
   *                   no separators (Twilio: `{publicUrl}{formParams}`)
   * - `{formJson}`    the fields of a form-encoded body (first value of each name, in order) as the JSON
   *                   object Python's `json.dumps` writes: `{"name": "value", "k": "v"}`, with `, ` and `: `
   *                   separators and every character outside printable ASCII as `\uXXXX` (FreshBooks signs
   *                   `json.dumps(request.form)`, not the raw body)
   */
  signingString?: string;
  /** Header carrying the timestamp (unit: `timestampUnit`, default seconds). */
  timestampHeader?: string;
  /** Unit of `timestampHeader` / the structured header's timestamp. Default `s`. */
  timestampUnit?: TimestampUnit;
  /** Alternative to `timestampHeader`: read the timestamp from the JSON body. */
  timestampFrom?: TimestampFromBody;
  /**
   * Reject when |now − timestamp| exceeds this many seconds, in both directions (replays and clocks
   * far in the future). Requires a timestamp source.
   */
  toleranceSeconds?: number;
  multiple?: MultipleSignatures;
  /**
   * Percent-encoded sequences (e.g. `%3A`) to decode in `{url}` / `{publicUrl}` before signing, because
   * the provider signs a partly decoded URL (HubSpot v3 — see HUBSPOT_V3_URL_DECODES).
   */
  decodeUrlSequences?: readonly string[];
}

export interface HmacScheme extends SignedSchemeBase {
  kind: 'hmac';
  algorithm: HmacAlgorithm;
  secretEncoding?: SecretEncoding;
  structuredHeader?: StructuredHeader;
}

/** Public-key signatures. The public key is supplied at verify time, the private key at sign time. */
export interface AsymmetricScheme extends SignedSchemeBase {
  kind: 'asymmetric';
  algorithm: AsymmetricAlgorithm;
  /**
   * ECDSA signature layout: `der` (Node's default, ASN.1) or `ieee-p1363` (raw r‖s, as WebCrypto and
   * JOSE produce). Ignored for the other algorithms. Default `der`.
   */
  dsaEncoding?: 'der' | 'ieee-p1363';
}

/**
 * A secret value the provider echoes back verbatim (no signature). Exactly one location:
 * - `header` (optionally after `prefix`, e.g. `Bearer `),
 * - `jsonPath` into the JSON body; a segment ending in `[]` walks every array item and EVERY item must
 *   carry the secret (Microsoft Graph `value[].clientState`: one notification batch, one subscription),
 * - `queryParam` in the request URL.
 * Compared in constant time (also hiding the length).
 */
export interface SharedSecretScheme {
  kind: 'sharedSecret';
  header?: string;
  prefix?: string;
  jsonPath?: string;
  queryParam?: string;
}

/**
 * No request-level verification. Only for providers authenticated another way, e.g. a notification that
 * carries nothing but an opaque channel id which the engine looks up and then re-fetches data through the
 * authenticated API. `reason` says how the request is trusted, so the catalog documents it.
 */
export interface NoVerificationScheme {
  kind: 'none';
  reason: string;
}

/**
 * A JSON Web Token in a header, HMAC-signed with the secret (monday.com: `Authorization: <JWT>` signed
 * HS256 with the app's signing secret). The token signs its own header and claims, not the request body:
 * it proves who sent the request, not what. Checked: the token has three base64url parts, its header's
 * `alg` is exactly `algorithm` (never `none`), the signature matches in constant time, and — when the claims
 * carry them — `exp` has not passed and `nbf` has been reached, each within `leewaySeconds` (default 0).
 * A leading `Bearer ` is accepted and ignored.
 */
export interface JwtScheme {
  kind: 'jwt';
  algorithm: 'HS256';
  header: string;
  leewaySeconds?: number;
  /**
   * A claim that must equal the lowercase hex SHA-256 of the raw body, so that the token also proves the body
   * (Netlify's `X-Webhook-Signature`: claims `{"iss": "netlify", "sha256": "<hex>"}`). Without it the token
   * proves only who sent the request. A missing or different claim is refused as `bad_signature`.
   */
  bodySha256Claim?: string;
}

export type VerificationScheme = HmacScheme | AsymmetricScheme | SharedSecretScheme | JwtScheme | NoVerificationScheme;

/**
 * The sequences HubSpot's official SDKs URL-decode in the request URI before computing a v3 signature
 * (provider fact sheet set-2, HubSpot "Webhook signature v3", from the Node and Python SDKs).
 */
export const HUBSPOT_V3_URL_DECODES: readonly string[] = [
  '%3A', '%2F', '%3F', '%40', '%21', '%24', '%27', '%28', '%29', '%2A', '%2C', '%3B',
];

const PLACEHOLDER = /\{([^{}]*)\}/g;
const SIMPLE_PLACEHOLDERS = new Set(['body', 'timestamp', 'method', 'url', 'publicUrl', 'formParams', 'formJson']);

/** The parts of a signing-string template: literal text and placeholders, in order. */
export type TemplatePart =
  | { type: 'literal'; text: string }
  | { type: 'body' | 'timestamp' | 'method' | 'url' | 'publicUrl' | 'formParams' | 'formJson' }
  | { type: 'header'; name: string }
  | { type: 'json'; path: string };

/** Splits a signing-string template; throws on an unknown placeholder (a catalog bug, not bad input). */
export function parseSigningString(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const index = match.index;
    const name = match[1] ?? '';
    if (index > last) parts.push({ type: 'literal', text: template.slice(last, index) });
    if (name.startsWith('header:') && name.length > 'header:'.length) {
      parts.push({ type: 'header', name: name.slice('header:'.length).toLowerCase() });
    } else if (name.startsWith('json:') && name.length > 'json:'.length) {
      parts.push({ type: 'json', path: name.slice('json:'.length) });
    } else if (SIMPLE_PLACEHOLDERS.has(name)) {
      parts.push({ type: name as 'body' | 'timestamp' | 'method' | 'url' | 'publicUrl' | 'formParams' | 'formJson' });
    } else {
      throw new Error(`signing string ${JSON.stringify(template)}: unknown placeholder {${name}}`);
    }
    last = index + match[0].length;
  }
  if (last < template.length) parts.push({ type: 'literal', text: template.slice(last) });
  return parts;
}

/**
 * Everything wrong with a scheme's declaration, as readable sentences (empty when well-formed).
 * The verifier refuses ill-formed schemes; the catalog contract test calls this for every trigger.
 */
export function schemeProblems(scheme: VerificationScheme): string[] {
  const problems: string[] = [];
  switch (scheme.kind) {
    case 'hmac':
    case 'asymmetric': {
      if (!scheme.header === !scheme.signatureFrom) problems.push('declare exactly one of header and signatureFrom');
      let usesTimestamp = false;
      let usesBody = false;
      try {
        const parts = parseSigningString(scheme.signingString ?? '{body}');
        usesTimestamp = parts.some((p) => p.type === 'timestamp');
        usesBody = parts.some((p) => p.type === 'body' || p.type === 'formParams' || p.type === 'formJson');
      } catch (error) {
        problems.push((error as Error).message);
      }
      const structured = scheme.kind === 'hmac' ? scheme.structuredHeader : undefined;
      if (scheme.signatureFrom) {
        if (!scheme.signatureFrom.jsonPath) problems.push('signatureFrom.jsonPath must not be empty');
        if (usesBody) problems.push('with signatureFrom the signing string cannot contain {body}: the body carries the signature');
        if (structured || scheme.multiple || scheme.alternateHeaders?.length) {
          problems.push('signatureFrom excludes structuredHeader, multiple and alternateHeaders');
        }
      }
      const timestampSources = [scheme.timestampHeader, scheme.timestampFrom, structured].filter((s) => s !== undefined);
      if (timestampSources.length > 1) {
        problems.push('use only one of timestampHeader, timestampFrom and structuredHeader as the timestamp source');
      }
      if (usesTimestamp && timestampSources.length === 0) {
        problems.push('the signing string uses {timestamp} but no timestamp source is declared');
      }
      if (scheme.toleranceSeconds !== undefined) {
        if (!(scheme.toleranceSeconds > 0)) problems.push('toleranceSeconds must be a positive number');
        if (timestampSources.length === 0) problems.push('toleranceSeconds needs a timestamp source');
      }
      if (structured && scheme.multiple) problems.push('structuredHeader and multiple are exclusive');
      if (structured && scheme.alternateHeaders?.length) problems.push('structuredHeader and alternateHeaders are exclusive');
      for (const alternate of scheme.alternateHeaders ?? []) {
        if (!alternate) problems.push('alternateHeaders must not contain an empty name');
        else if (alternate.toLowerCase() === scheme.header?.toLowerCase()) problems.push(`alternateHeaders repeats the header ${alternate}`);
      }
      if (structured && scheme.prefix) problems.push('prefix has no meaning with structuredHeader');
      if (scheme.multiple && !scheme.multiple.separator) problems.push('multiple.separator must not be empty');
      if (structured) {
        for (const key of ['timestampKey', 'signatureKey', 'pairSeparator', 'kvSeparator'] as const) {
          if (!structured[key]) problems.push(`structuredHeader.${key} must not be empty`);
        }
      }
      for (const sequence of scheme.decodeUrlSequences ?? []) {
        if (!/^%[0-9A-Fa-f]{2}$/.test(sequence)) problems.push(`decodeUrlSequences: ${sequence} is not a %XX sequence`);
      }
      break;
    }
    case 'sharedSecret': {
      const locations = [scheme.header, scheme.jsonPath, scheme.queryParam].filter((l) => l !== undefined && l !== '');
      if (locations.length !== 1) problems.push('declare exactly one of header, jsonPath and queryParam');
      if (scheme.prefix !== undefined && scheme.header === undefined) problems.push('prefix applies to header only');
      break;
    }
    case 'jwt':
      if (!scheme.header) problems.push('header is required');
      if (scheme.algorithm !== 'HS256') problems.push('algorithm must be HS256');
      if (scheme.leewaySeconds !== undefined && !(scheme.leewaySeconds >= 0)) problems.push('leewaySeconds must not be negative');
      if (scheme.bodySha256Claim !== undefined && !scheme.bodySha256Claim) problems.push('bodySha256Claim must not be empty');
      break;
    case 'none':
      if (!scheme.reason.trim()) problems.push('say in reason how requests of this provider are trusted');
      break;
  }
  return problems;
}
