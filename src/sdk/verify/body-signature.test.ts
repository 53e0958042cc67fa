// Signatures carried in the JSON body (signatureFrom) and body fields in the signing string ({json:path}),
// as Lever signs its webhooks: `signature` = hex HMAC-SHA256(signatureToken, token + triggeredAt).
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { schemeProblems, type HmacScheme } from './schemes.js';
import { signRequest, signatureForBody, verifyRequest, type VerifiableRequest } from './verify.js';

const LEVER: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  signatureFrom: { jsonPath: 'signature' },
  encoding: 'hex',
  signingString: '{json:token}{timestamp}',
  timestampFrom: { jsonPath: 'triggeredAt', unit: 'ms' },
};
const SECRET = 'lever-signature-token';
const NOW = 1_700_000_000_000;

function req(body: unknown): VerifiableRequest {
  return { method: 'POST', url: '/hooks/x', headers: { 'content-type': 'application/json' }, rawBody: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)) };
}

/** Computed independently of the SDK: HMAC-SHA256 keyed with the token, over token + triggeredAt, hex. */
function independent(token: string, triggeredAt: number, secret = SECRET): string {
  return createHmac('sha256', secret).update(`${token}${triggeredAt}`).digest('hex');
}

const base = { data: { opportunityId: 'opp-1' }, event: 'candidateHired', token: 'tok-abc', triggeredAt: NOW };

describe('signatureFrom + {json:path} (Lever)', () => {
  it('accepts the signature an independent HMAC of token + triggeredAt produces, whatever the rest of the body', () => {
    const body = { ...base, signature: independent('tok-abc', NOW) };
    expect(verifyRequest(LEVER, req(body), { secret: SECRET }, NOW)).toEqual({ ok: true });
    // Upper-case hex is the same digest.
    expect(verifyRequest(LEVER, req({ ...body, signature: body.signature.toUpperCase() }), { secret: SECRET }, NOW)).toEqual({ ok: true });
  });

  it('signatureForBody is the matching signer, and signRequest adds no signature header', () => {
    expect(signatureForBody(LEVER, req(base), { secret: SECRET }, NOW)).toBe(independent('tok-abc', NOW));
    expect(signRequest(LEVER, req(base), { secret: SECRET }, NOW)).toEqual({});
  });

  it('refuses a wrong key, a changed token or triggeredAt, and a signature in a header only', () => {
    const good = independent('tok-abc', NOW);
    const wrongKey = verifyRequest(LEVER, req({ ...base, signature: independent('tok-abc', NOW, 'other') }), { secret: SECRET }, NOW);
    expect(wrongKey).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(wrongKey.ok ? '' : wrongKey.detail).toContain('body field signature');
    expect(verifyRequest(LEVER, req({ ...base, token: 'tok-abd', signature: good }), { secret: SECRET }, NOW)).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(verifyRequest(LEVER, req({ ...base, triggeredAt: NOW + 1, signature: good }), { secret: SECRET }, NOW)).toMatchObject({ ok: false, reason: 'bad_signature' });
    const headerOnly: VerifiableRequest = { ...req(base), headers: { signature: good } };
    expect(verifyRequest(LEVER, headerOnly, { secret: SECRET }, NOW)).toMatchObject({ ok: false, reason: 'missing_signature' });
  });

  it('reports missing and malformed fields without throwing', () => {
    const sig = independent('tok-abc', NOW);
    expect(verifyRequest(LEVER, req('not json'), { secret: SECRET }, NOW)).toMatchObject({ ok: false, reason: 'malformed' });
    expect(verifyRequest(LEVER, req({ ...base, signature: 42 }), { secret: SECRET }, NOW)).toMatchObject({ ok: false, reason: 'malformed' });
    const { token: _t, ...noToken } = base;
    expect(verifyRequest(LEVER, req({ ...noToken, signature: sig }), { secret: SECRET }, NOW)).toMatchObject({ ok: false, reason: 'malformed' });
    const { triggeredAt: _a, ...noTime } = base;
    expect(verifyRequest(LEVER, req({ ...noTime, signature: sig }), { secret: SECRET }, NOW)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('applies a tolerance to the body timestamp when one is declared', () => {
    const strict: HmacScheme = { ...LEVER, toleranceSeconds: 60 };
    const body = { ...base, signature: independent('tok-abc', NOW) };
    expect(verifyRequest(strict, req(body), { secret: SECRET }, NOW + 30_000)).toEqual({ ok: true });
    expect(verifyRequest(strict, req(body), { secret: SECRET }, NOW + 120_000)).toMatchObject({ ok: false, reason: 'stale_timestamp' });
  });

  it('{json:path} also works with a header signature', () => {
    const scheme: HmacScheme = { kind: 'hmac', algorithm: 'sha256', header: 'x-sig', encoding: 'hex', signingString: '{json:meta.id}.{body}' };
    const body = { meta: { id: 7 }, x: 1 };
    const raw = JSON.stringify(body);
    const headers = { 'x-sig': createHmac('sha256', SECRET).update(`7.${raw}`).digest('hex') };
    expect(verifyRequest(scheme, { ...req(body), headers }, { secret: SECRET }, NOW)).toEqual({ ok: true });
    expect(signRequest(scheme, req(body), { secret: SECRET }, NOW)).toEqual(headers);
  });

  it('scheme declarations: exactly one signature location, no {body} with a body signature', () => {
    expect(schemeProblems(LEVER)).toEqual([]);
    expect(schemeProblems({ ...LEVER, header: 'x-sig' })).toContain('declare exactly one of header and signatureFrom');
    const { signatureFrom: _s, ...neither } = LEVER;
    expect(schemeProblems(neither)).toContain('declare exactly one of header and signatureFrom');
    expect(schemeProblems({ ...LEVER, signingString: '{json:token}{body}' })).toContain(
      'with signatureFrom the signing string cannot contain {body}: the body carries the signature',
    );
    expect(schemeProblems({ ...LEVER, multiple: { separator: ' ' } })).toContain('signatureFrom excludes structuredHeader, multiple and alternateHeaders');
    expect(schemeProblems({ ...LEVER, signatureFrom: { jsonPath: '' } })).toContain('signatureFrom.jsonPath must not be empty');
    expect(() => signatureForBody({ ...LEVER, signatureFrom: undefined, header: 'x' }, req(base), { secret: SECRET }, NOW)).toThrow(TypeError);
  });
});

describe('jsonBody: { multipartField } (Dropbox Sign)', () => {
  const SCHEME: HmacScheme = {
    kind: 'hmac', algorithm: 'sha256', signatureFrom: { jsonPath: 'event.event_hash' }, encoding: 'hex',
    signingString: '{json:event.event_time}{json:event.event_type}', jsonBody: { multipartField: 'json' },
  };
  const multipart = (json: unknown, field = 'json'): VerifiableRequest => ({
    method: 'POST', url: '/hooks/x', headers: { 'content-type': 'multipart/form-data; boundary=XyZ' },
    rawBody: Buffer.from(`--XyZ\r\nContent-Disposition: form-data; name="${field}"\r\n\r\n${JSON.stringify(json)}\r\n--XyZ--\r\n`),
  });
  const hash = createHmac('sha256', 'api-key').update('1348177752signature_request_sent').digest('hex');
  const event = { event: { event_time: '1348177752', event_type: 'signature_request_sent', event_hash: hash } };

  it('reads the signature and the signed fields from the named multipart field', () => {
    expect(schemeProblems(SCHEME)).toEqual([]);
    expect(verifyRequest(SCHEME, multipart(event), { secret: 'api-key' }, NOW)).toEqual({ ok: true });
    expect(signatureForBody(SCHEME, multipart(event), { secret: 'api-key' }, NOW)).toBe(hash);
    expect(verifyRequest(SCHEME, multipart(event), { secret: 'other' }, NOW)).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('finds nothing in another field or in a JSON body', () => {
    expect(verifyRequest(SCHEME, multipart(event, 'payload'), { secret: 'api-key' }, NOW)).toMatchObject({ ok: false, reason: 'malformed' });
    expect(verifyRequest(SCHEME, req(event), { secret: 'api-key' }, NOW)).toMatchObject({ ok: false, reason: 'malformed' });
  });
});
