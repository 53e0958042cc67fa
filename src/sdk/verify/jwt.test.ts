// The `jwt` scheme (HS256 token in a header, monday.com) and challengeEcho without a selector field.
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { classifyInbound, detectHandshake } from './handshakes.js';
import { schemeProblems, type JwtScheme } from './schemes.js';
import { signJwt, signRequest, verifyRequest, type VerifiableRequest } from './verify.js';

const NOW = 1_700_000_000_000;
const SECRET = 'app-signing-secret';
const scheme: JwtScheme = { kind: 'jwt', algorithm: 'HS256', header: 'Authorization' };

function req(headers: Record<string, string>, body = '{"event":{}}'): VerifiableRequest {
  return { method: 'POST', url: '/hooks/x', rawBody: Buffer.from(body), headers };
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('jwt scheme', () => {
  it('round-trips with signRequest, with and without a Bearer prefix', () => {
    const headers = signRequest(scheme, req({}), { secret: SECRET }, NOW);
    expect(Object.keys(headers)).toEqual(['authorization']);
    expect(verifyRequest(scheme, req(headers), { secret: SECRET }, NOW)).toEqual({ ok: true });
    expect(verifyRequest(scheme, req({ authorization: `Bearer ${headers.authorization}` }), { secret: SECRET }, NOW)).toEqual({ ok: true });
  });

  it('matches a token computed independently (HMAC-SHA256 over header.claims, base64url)', () => {
    const head = b64url({ alg: 'HS256', typ: 'JWT' });
    const claims = b64url({ accountId: 1825529, userId: 4012689, exp: NOW / 1000 + 60 });
    const sig = createHmac('sha256', SECRET).update(`${head}.${claims}`).digest('base64url');
    expect(verifyRequest(scheme, req({ authorization: `${head}.${claims}.${sig}` }), { secret: SECRET }, NOW)).toEqual({ ok: true });
    expect(signJwt({ exp: NOW / 1000 + 60 }, SECRET).split('.')[0]).toBe(head);
  });

  it('refuses a missing header, another secret, a tampered token, alg none and non-JWTs', () => {
    const token = signJwt({ iat: NOW / 1000 }, SECRET);
    expect(verifyRequest(scheme, req({}), { secret: SECRET }, NOW)).toMatchObject({ ok: false, reason: 'missing_signature' });
    expect(verifyRequest(scheme, req({ authorization: token }), { secret: 'other' }, NOW)).toMatchObject({ ok: false, reason: 'bad_signature' });
    const [h, , s] = token.split('.');
    expect(verifyRequest(scheme, req({ authorization: `${h}.${b64url({ iat: 1 })}.${s}` }), { secret: SECRET }, NOW)).toMatchObject({ ok: false, reason: 'bad_signature' });
    const none = `${b64url({ alg: 'none' })}.${b64url({})}.x`;
    expect(verifyRequest(scheme, req({ authorization: none }), { secret: SECRET }, NOW)).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(verifyRequest(scheme, req({ authorization: 'abc' }), { secret: SECRET }, NOW)).toMatchObject({ ok: false, reason: 'malformed' });
    expect(verifyRequest(scheme, req({ authorization: 'a.b.c$' }), { secret: SECRET }, NOW)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('checks exp and nbf when present, with the leeway', () => {
    const expired = signJwt({ exp: NOW / 1000 - 10 }, SECRET);
    expect(verifyRequest(scheme, req({ authorization: expired }), { secret: SECRET }, NOW)).toMatchObject({ ok: false, reason: 'stale_timestamp' });
    expect(verifyRequest({ ...scheme, leewaySeconds: 30 }, req({ authorization: expired }), { secret: SECRET }, NOW)).toEqual({ ok: true });
    const early = signJwt({ nbf: NOW / 1000 + 10 }, SECRET);
    expect(verifyRequest(scheme, req({ authorization: early }), { secret: SECRET }, NOW)).toMatchObject({ ok: false, reason: 'stale_timestamp' });
    expect(verifyRequest(scheme, req({ authorization: signJwt({ exp: 'soon' }, SECRET) }), { secret: SECRET }, NOW)).toMatchObject({ ok: false, reason: 'stale_timestamp' });
  });

  it('reports ill-formed declarations', () => {
    expect(schemeProblems(scheme)).toEqual([]);
    expect(schemeProblems({ ...scheme, header: '' })).toContain('header is required');
    expect(schemeProblems({ ...scheme, leewaySeconds: -1 })).toContain('leewaySeconds must not be negative');
  });
});

describe('challengeEcho selected by the field it echoes', () => {
  const echo = { kind: 'challengeEcho', match: { jsonPath: 'challenge' }, respondWith: { jsonPath: 'challenge', as: 'json' }, signed: false } as const;

  it('answers any body carrying the field, before verification', () => {
    const probe = req({}, '{"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}');
    const decision = classifyInbound({ verification: scheme, handshakes: [echo] }, probe, { secret: SECRET }, NOW);
    expect(decision.kind).toBe('handshake');
    if (decision.kind === 'handshake') {
      expect(decision.response.body).toBe('{"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}');
    }
  });

  it('lets bodies without the field through to verification', () => {
    expect(detectHandshake([echo], req({}, '{"event":{"type":"create_pulse"}}'))).toBeNull();
    expect(detectHandshake([echo], req({}, 'not json'))).toBeNull();
    const decision = classifyInbound({ verification: scheme, handshakes: [echo] }, req({}, '{"event":{}}'), { secret: SECRET }, NOW);
    expect(decision).toMatchObject({ kind: 'rejected' });
  });
});

describe('jwt scheme with bodySha256Claim (Netlify: {"iss": "netlify", "sha256": hex of the body})', () => {
  const bodyScheme: JwtScheme = { kind: 'jwt', algorithm: 'HS256', header: 'X-Webhook-Signature', bodySha256Claim: 'sha256' };
  const body = '{"id":"5ebc34bf4fea0b01f02efa3a","state":"ready"}';
  const hashOf = (text: string) => createHash('sha256').update(text).digest('hex');

  it('accepts a token whose claim is the SHA-256 of the raw body, computed independently, and round-trips with signRequest', () => {
    expect(schemeProblems(bodyScheme)).toEqual([]);
    const token = signJwt({ iss: 'netlify', sha256: hashOf(body) }, SECRET);
    expect(verifyRequest(bodyScheme, req({ 'x-webhook-signature': token }, body), { secret: SECRET }, NOW)).toEqual({ ok: true });
    const headers = signRequest(bodyScheme, req({}, body), { secret: SECRET }, NOW);
    expect(verifyRequest(bodyScheme, req(headers, body), { secret: SECRET }, NOW)).toEqual({ ok: true });
  });

  it('refuses a changed body, a missing claim and a non-string claim, even with a valid token signature', () => {
    const token = signJwt({ iss: 'netlify', sha256: hashOf(body) }, SECRET);
    expect(verifyRequest(bodyScheme, req({ 'x-webhook-signature': token }, `${body} `), { secret: SECRET }, NOW)).toMatchObject({ ok: false, reason: 'bad_signature' });
    const noClaim = signJwt({ iss: 'netlify' }, SECRET);
    expect(verifyRequest(bodyScheme, req({ 'x-webhook-signature': noClaim }, body), { secret: SECRET }, NOW)).toMatchObject({ ok: false, reason: 'bad_signature' });
    const numeric = signJwt({ iss: 'netlify', sha256: 42 }, SECRET);
    expect(verifyRequest(bodyScheme, req({ 'x-webhook-signature': numeric }, body), { secret: SECRET }, NOW)).toMatchObject({ ok: false, reason: 'bad_signature' });
    // Without the option the same token passes for any body: the claim is what binds the body.
    expect(verifyRequest({ ...bodyScheme, bodySha256Claim: undefined }, req({ 'x-webhook-signature': token }, 'other'), { secret: SECRET }, NOW)).toEqual({ ok: true });
  });

  it('reports an empty claim name as a problem', () => {
    expect(schemeProblems({ ...bodyScheme, bodySha256Claim: '' })).toEqual(['bodySha256Claim must not be empty']);
  });
});
