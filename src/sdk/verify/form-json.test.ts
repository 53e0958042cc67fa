import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { HmacScheme } from './schemes.js';
import { formAsPythonJson, signRequest, verifyRequest } from './verify.js';

describe('{formJson}: a form body signed as Python json.dumps writes it (FreshBooks)', () => {
  it('writes the first value of each field in order, with Python separators and ASCII escapes', () => {
    expect(formAsPythonJson(Buffer.from('name=invoice.create&object_id=1234567&account_id=6BApk'))).toBe(
      '{"name": "invoice.create", "object_id": "1234567", "account_id": "6BApk"}',
    );
    // json.dumps({"n": "é😀", "q": "a\"b\\\n"}) in Python 3; repeated names keep the first value.
    expect(formAsPythonJson(Buffer.from('n=%C3%A9%F0%9F%98%80&q=a%22b%5C%0A&n=x&d=%7F'))).toBe(
      '{"n": "\\u00e9\\ud83d\\ude00", "q": "a\\"b\\\\\\n", "d": "\\u007f"}',
    );
    expect(formAsPythonJson(Buffer.from(''))).toBe('{}');
  });

  it('verifies and signs base64 HMAC-SHA256 of that text, not of the raw body', () => {
    const scheme: HmacScheme = { kind: 'hmac', algorithm: 'sha256', header: 'x-freshbooks-hmac-sha256', encoding: 'base64', signingString: '{formJson}' };
    const rawBody = Buffer.from('name=client.create&object_id=42');
    const expected = createHmac('sha256', 'verifier-1').update('{"name": "client.create", "object_id": "42"}').digest('base64');
    const req = { method: 'POST', url: '/h', headers: { 'x-freshbooks-hmac-sha256': expected }, rawBody };
    expect(signRequest(scheme, req, { secret: 'verifier-1' }, 0)).toEqual({ 'x-freshbooks-hmac-sha256': expected });
    expect(verifyRequest(scheme, req, { secret: 'verifier-1' }, 0)).toEqual({ ok: true });
    expect(verifyRequest(scheme, req, { secret: 'other' }, 0).ok).toBe(false);
    expect(verifyRequest(scheme, { ...req, rawBody: Buffer.from('name=client.create&object_id=43') }, { secret: 'verifier-1' }, 0).ok).toBe(false);
  });
});
