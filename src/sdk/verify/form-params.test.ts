// `{formParams}` in a signing string: a form-encoded body's fields sorted by name and written name + value,
// as Twilio signs its webhooks (X-Twilio-Signature = base64 HMAC-SHA1(auth token, full URL + sorted params)).
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { schemeProblems, type HmacScheme } from './schemes.js';
import { signRequest, sortedFormParams, verifyRequest, type VerifiableRequest } from './verify.js';

const TWILIO: HmacScheme = { kind: 'hmac', algorithm: 'sha1', header: 'x-twilio-signature', encoding: 'base64', signingString: '{publicUrl}{formParams}' };
const NOW = 1_700_000_000_000;

function req(publicUrl: string, body: string): VerifiableRequest {
  const url = new URL(publicUrl);
  return { method: 'POST', url: url.pathname + url.search, publicUrl, headers: { 'content-type': 'application/x-www-form-urlencoded' }, rawBody: Buffer.from(body) };
}

describe('{formParams} (Twilio)', () => {
  // The example of Twilio's "Validating requests" page, with its published result.
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const body = 'To=%2B18005551212&From=%2B12349013030&Digits=1234&Caller=%2B12349013030&CallSid=CA1234567890ABCDE';

  it('matches the signature Twilio documents for its example request and auth token', () => {
    expect(verifyRequest(TWILIO, req(url, body), { secret: '12345' }, NOW)).toMatchObject({ ok: false, reason: 'missing_signature' });
    const signed = { ...req(url, body), headers: { 'x-twilio-signature': '0/KCTR6DLpKmkAf8muzZqo1nDgQ=' } };
    expect(verifyRequest(TWILIO, signed, { secret: '12345' }, NOW)).toEqual({ ok: true });
  });

  it('sorts by name, then a repeated name by value, decoding + and %XX, with no separators', () => {
    expect(sortedFormParams(Buffer.from('b=2&a=x+y&a=%26w&c='))).toBe('a&wax yb2c');
    expect(sortedFormParams(Buffer.from(''))).toBe('');
  });

  it('signRequest is an independent HMAC-SHA1 of URL + sorted params; a changed field, URL or key fails', () => {
    const r = req('https://hooks.example/hooks/s/sub1', 'MessageSid=SM1&Body=Hi+there&From=%2B15551234567');
    const headers = signRequest(TWILIO, r, { secret: 'tok' }, NOW);
    const expected = createHmac('sha1', 'tok').update('https://hooks.example/hooks/s/sub1BodyHi thereFrom+15551234567MessageSidSM1').digest('base64');
    expect(headers).toEqual({ 'x-twilio-signature': expected });
    expect(verifyRequest(TWILIO, { ...r, headers }, { secret: 'tok' }, NOW)).toEqual({ ok: true });
    const tampered = { ...r, rawBody: Buffer.from('MessageSid=SM1&Body=Hi+there!&From=%2B15551234567'), headers };
    expect(verifyRequest(TWILIO, tampered, { secret: 'tok' }, NOW)).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(verifyRequest(TWILIO, { ...r, publicUrl: 'https://hooks.example/hooks/s/sub2', headers }, { secret: 'tok' }, NOW)).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(verifyRequest(TWILIO, { ...r, headers }, { secret: 'other' }, NOW)).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('is a body placeholder: not allowed with a signature carried in the body', () => {
    expect(schemeProblems(TWILIO)).toEqual([]);
    expect(schemeProblems({ kind: 'hmac', algorithm: 'sha1', signatureFrom: { jsonPath: 's' }, encoding: 'base64', signingString: '{formParams}' }))
      .toContain('with signatureFrom the signing string cannot contain {body}: the body carries the signature');
  });
});
