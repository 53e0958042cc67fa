/**
 * Provider handshakes as data, and the ORDER in which they and verification run.
 *
 * Some providers probe a webhook URL before (or while) sending events, and expect a specific answer:
 *
 *   Slack            challengeEcho    POST {"type":"url_verification","challenge":"…"} — SIGNED like events
 *   Asana            hookSecret       POST with `X-Hook-Secret`, echo it back, store it as the secret
 *   Microsoft Graph  validationToken  POST ?validationToken=… → 200 text/plain, the decoded token
 *   Dropbox          getChallenge     GET ?challenge=… → 200 text/plain + `X-Content-Type-Options: nosniff`
 *   Okta             headerChallenge  GET with `X-Okta-Verification-Challenge: …` → 200 {"verification": "…"}
 *   Zoom             hmacChallenge    POST {"event":"endpoint.url_validation","payload":{"plainToken":"…"}} —
 *                                     SIGNED like events; answer {"plainToken","encryptedToken": HMAC(secret, token)}
 *
 * Order matters, and differs per handshake (see `handshakePhase`):
 * - `beforeVerification`: the probe cannot carry a valid signature — Graph, Dropbox and Okta do not sign it,
 *   and Asana's probe *delivers* the secret. Answering is harmless: it only echoes what was sent
 *   (as text/plain with nosniff) and changes nothing. Asana's captured secret must only be stored by the
 *   engine while it is itself creating that webhook (a pending registration for this URL); an unexpected
 *   `X-Hook-Secret` must not replace a stored secret.
 * - `afterVerification`: the probe is signed like an event (Slack, Zoom), so it is answered only once
 *   `verifyRequest` has passed; an unsigned `url_verification` gets 401 like any other forgery. Zoom's
 *   answer is an HMAC of the probe's token under the endpoint's secret, so answering it unverified would
 *   hand anyone a MAC of any text they choose — e.g. a valid signing string for a forged event. Hence
 *   `hmacChallenge` is always `afterVerification`, and is answered only with the verification secret.
 *
 * `classifyInbound` applies this order in one place; `detectHandshake` is the lower-level matcher.
 */
import {
  headerValues,
  parseJsonBody,
  queryParams,
  resolveJsonPath,
  verifyRequest,
  type VerifiableRequest,
  type VerifyFailure,
  type VerifyKey,
} from './verify.js';
import { createHmac } from 'node:crypto';
import type { HmacAlgorithm, SignatureEncoding, VerificationScheme } from './schemes.js';

/**
 * Slack-style: a JSON body field selects the handshake, another field is echoed back. Without `equals`, the
 * field's presence (a non-empty string) selects it: Smartsheet's probe is `{"challenge","webhookId"}`, with
 * no type field to compare.
 */
export interface ChallengeEchoHandshake {
  kind: 'challengeEcho';
  match: { jsonPath: string; equals?: string };
  respondWith: {
    jsonPath: string;
    /** `json` answers `{"<key>": value}` (key: `responseKey`, default the path's last segment); `text` answers the bare value. */
    as: 'json' | 'text';
    responseKey?: string;
  };
  /** Whether the provider signs the probe like an event (Slack does). Default true: verify first. */
  signed?: boolean;
}

/** Asana-style: the probe carries the new secret in a header that must be echoed back. */
export interface HookSecretHandshake {
  kind: 'hookSecret';
  header: string;
}

/** Microsoft Graph-style: a query parameter whose decoded value is the whole text/plain answer. */
export interface ValidationTokenHandshake {
  kind: 'validationToken';
  queryParam: string;
}

/** Dropbox-style: a GET with a query parameter echoed as text/plain. */
export interface GetChallengeHandshake {
  kind: 'getChallenge';
  queryParam: string;
}

/**
 * Okta-style: a GET whose challenge is a request header, answered as JSON `{"<responseKey>": value}` (Okta's event
 * hook verification: `X-Okta-Verification-Challenge` echoed as `{"verification": …}`). Only GET requests match.
 */
export interface HeaderChallengeHandshake {
  kind: 'headerChallenge';
  header: string;
  responseKey: string;
}

/**
 * Zoom-style: a signed probe carries a token; the answer is JSON holding the token and its HMAC under the
 * endpoint's secret (the verification secret). Always answered after verification (module comment).
 */
export interface HmacChallengeHandshake {
  kind: 'hmacChallenge';
  match: { jsonPath: string; equals: string };
  /** Dot path of the token in the JSON body, e.g. `payload.plainToken`. */
  tokenPath: string;
  algorithm: HmacAlgorithm;
  encoding: SignatureEncoding;
  /** The answer's keys: `{"<tokenKey>": token, "<hmacKey>": HMAC(secret, token)}`. */
  respondWith: { tokenKey: string; hmacKey: string };
}

export type Handshake =
  | ChallengeEchoHandshake
  | HookSecretHandshake
  | ValidationTokenHandshake
  | GetChallengeHandshake
  | HeaderChallengeHandshake
  | HmacChallengeHandshake;

export type HandshakePhase = 'beforeVerification' | 'afterVerification';

export interface HandshakeResponse {
  status: number;
  /** Response header names in lower case. */
  headers: Record<string, string>;
  body: string;
  /** Values the engine must keep, e.g. Asana's secret for verifying later deliveries. */
  captured?: { hookSecret?: string };
  /** Which handshake matched, for logs. */
  kind: Handshake['kind'];
  phase: HandshakePhase;
}

/** When a handshake may be answered relative to signature verification (see the module comment). */
export function handshakePhase(handshake: Handshake): HandshakePhase {
  switch (handshake.kind) {
    case 'challengeEcho':
      return handshake.signed === false ? 'beforeVerification' : 'afterVerification';
    case 'hmacChallenge':
      return 'afterVerification';
    case 'hookSecret':
    case 'validationToken':
    case 'getChallenge':
    case 'headerChallenge':
      return 'beforeVerification';
  }
}

/**
 * The answer to the first declared handshake this request is, or null when it is none of them.
 * With `phase`, only handshakes of that phase are considered — callers that do not use
 * `classifyInbound` must pass it, or they may answer a signed handshake without verifying it.
 * `key` is the verification key the request was verified with; `hmacChallenge` is answered only with a
 * secret (without one it is not recognized).
 */
export function detectHandshake(
  handshakes: readonly Handshake[],
  req: VerifiableRequest,
  phase?: HandshakePhase,
  key?: VerifyKey,
): HandshakeResponse | null {
  for (const handshake of handshakes) {
    if (phase !== undefined && handshakePhase(handshake) !== phase) continue;
    const response = answer(handshake, req, key);
    if (response) return response;
  }
  return null;
}

/** What the inbound endpoint should do with a request. */
export type InboundDecision =
  /** Send `response` and stop; store `response.captured` if any. */
  | { kind: 'handshake'; response: HandshakeResponse }
  /** Answer 401 and change nothing. */
  | { kind: 'rejected'; failure: VerifyFailure }
  /** A verified delivery: map it to events. */
  | { kind: 'event' };

/**
 * The whole inbound decision in the documented order: unsigned handshakes → verification → signed
 * handshakes → event. `key` may be undefined while no secret is known yet (Asana before its handshake):
 * handshakes that need no verification still work, everything else is rejected.
 */
export function classifyInbound(
  config: { verification: VerificationScheme; handshakes?: readonly Handshake[] },
  req: VerifiableRequest,
  key: VerifyKey | undefined,
  now: number,
): InboundDecision {
  const handshakes = config.handshakes ?? [];
  const early = detectHandshake(handshakes, req, 'beforeVerification');
  if (early) return { kind: 'handshake', response: early };

  if (key === undefined && config.verification.kind !== 'none') {
    return {
      kind: 'rejected',
      failure: { ok: false, reason: 'bad_signature', detail: 'no verification secret or key is configured for this endpoint yet' },
    };
  }
  const verified = verifyRequest(config.verification, req, key ?? { secret: '' }, now);
  if (!verified.ok) return { kind: 'rejected', failure: verified };

  const late = detectHandshake(handshakes, req, 'afterVerification', key);
  if (late) return { kind: 'handshake', response: late };
  return { kind: 'event' };
}

function answer(handshake: Handshake, req: VerifiableRequest, key: VerifyKey | undefined): HandshakeResponse | null {
  const phase = handshakePhase(handshake);
  switch (handshake.kind) {
    case 'challengeEcho': {
      const body = parseJsonBody(req.rawBody);
      if (!body.ok) return null;
      const selector = resolveJsonPath(body.value, handshake.match.jsonPath)[0];
      if (handshake.match.equals !== undefined ? selector !== handshake.match.equals : typeof selector !== 'string' || selector === '') return null;
      const value = resolveJsonPath(body.value, handshake.respondWith.jsonPath)[0];
      if (typeof value !== 'string' && typeof value !== 'number') {
        return textResponse(handshake.kind, phase, 400, `the ${handshake.respondWith.jsonPath} field is missing`);
      }
      if (handshake.respondWith.as === 'text') return textResponse(handshake.kind, phase, 200, String(value));
      const key = handshake.respondWith.responseKey ?? lastSegment(handshake.respondWith.jsonPath);
      return {
        kind: handshake.kind,
        phase,
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ [key]: value }),
      };
    }
    case 'hmacChallenge': {
      if (key === undefined || !('secret' in key) || key.secret === '') return null;
      const body = parseJsonBody(req.rawBody);
      if (!body.ok) return null;
      if (resolveJsonPath(body.value, handshake.match.jsonPath)[0] !== handshake.match.equals) return null;
      const token = resolveJsonPath(body.value, handshake.tokenPath)[0];
      if (typeof token !== 'string' || token === '') {
        return textResponse(handshake.kind, phase, 400, `the ${handshake.tokenPath} field is missing`);
      }
      const mac = createHmac(handshake.algorithm, key.secret).update(token, 'utf8').digest(handshake.encoding);
      return {
        kind: handshake.kind,
        phase,
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ [handshake.respondWith.tokenKey]: token, [handshake.respondWith.hmacKey]: mac }),
      };
    }
    case 'hookSecret': {
      const name = handshake.header.toLowerCase();
      const secret = headerValues(req.headers, name)[0];
      if (secret === undefined || secret === '') return null;
      return { kind: handshake.kind, phase, status: 200, headers: { [name]: secret }, body: '', captured: { hookSecret: secret } };
    }
    case 'validationToken': {
      // URLSearchParams form-decodes (`+` → space, `%3a` → `:`), which is the "URL-decoded token" Graph expects.
      const token = queryParams(req.url).get(handshake.queryParam);
      if (token === null) return null;
      return textResponse(handshake.kind, phase, 200, token);
    }
    case 'getChallenge': {
      if (req.method.toUpperCase() !== 'GET') return null;
      const challenge = queryParams(req.url).get(handshake.queryParam);
      if (challenge === null) return null;
      return textResponse(handshake.kind, phase, 200, challenge);
    }
    case 'headerChallenge': {
      if (req.method.toUpperCase() !== 'GET') return null;
      const challenge = headerValues(req.headers, handshake.header.toLowerCase())[0];
      if (challenge === undefined || challenge === '') return null;
      return {
        kind: handshake.kind,
        phase,
        status: 200,
        headers: { 'content-type': 'application/json', 'x-content-type-options': 'nosniff' },
        body: JSON.stringify({ [handshake.responseKey]: challenge }),
      };
    }
  }
}

/**
 * Echoed values are attacker-controlled: answering as text/plain with nosniff keeps a browser from
 * rendering them as HTML (the reflected-XSS concern Dropbox's docs name).
 */
function textResponse(kind: Handshake['kind'], phase: HandshakePhase, status: number, body: string): HandshakeResponse {
  return {
    kind,
    phase,
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
    body,
  };
}

function lastSegment(jsonPath: string): string {
  const segments = jsonPath.split('.');
  return (segments[segments.length - 1] ?? jsonPath).replace(/\[\]$/, '');
}
