// Twilio, unit level: the signature scheme against Twilio's documented example and an independent HMAC-SHA1 of
// URL + sorted form fields, the trigger's mapping of the documented incoming-message fields (keyed by MessageSid,
// the same on a retry), parameter checks, the Account SID check, and the error mapping (Twilio's message and
// code kept, 401 auth, 429 with Retry-After, 5xx transient, else permanent).
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { accountPath, twilioError } from '../../src/integrations/twilio/api.js';
import { incomingMms, incomingSms } from '../../src/integrations/twilio/fixtures/messages.js';
import { twilioIntegration, twilioSignatureScheme } from '../../src/integrations/twilio/integration.js';
import { schemeProblems, verifyRequest, type InboundRequest, type Item, type WebhookSource } from '../../src/sdk/index.js';

const trigger = twilioIntegration.triggers.find((t) => t.type === 'TWILIO_TRIGGER_SMS_RECEIVED')!;
const source = trigger.source as WebhookSource;
const PUBLIC = 'https://triggers.example.com/hooks/s/4f1c6a1e-2b7d-4b8e-9a51-3c2d1e0f9a8b';

function inbound(fields: Record<string, string>, headers: Record<string, string> = {}): InboundRequest & { publicUrl: string } {
  const raw = new URLSearchParams(fields).toString();
  return { method: 'POST', url: new URL(PUBLIC).pathname, publicUrl: PUBLIC, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, rawBody: Buffer.from(raw), body: Object.fromEntries(new URLSearchParams(raw)) };
}

describe('Twilio signature scheme', () => {
  const token = '12345';
  it('verifies base64(HMAC-SHA1(auth token, URL + fields sorted by name)), refusing tampering, other URLs and other tokens', () => {
    expect(schemeProblems(twilioSignatureScheme)).toEqual([]);
    const data = PUBLIC + Object.keys(incomingSms).sort().map((k) => k + incomingSms[k]).join('');
    const signature = createHmac('sha1', token).update(data).digest('base64');
    const req = inbound(incomingSms, { 'x-twilio-signature': signature });
    expect(verifyRequest(twilioSignatureScheme, req, { secret: token }, Date.now())).toEqual({ ok: true });
    expect(verifyRequest(twilioSignatureScheme, { ...inbound({ ...incomingSms, Body: 'changed' }), headers: req.headers }, { secret: token }, Date.now()).ok).toBe(false);
    expect(verifyRequest(twilioSignatureScheme, { ...req, publicUrl: `${PUBLIC}x` }, { secret: token }, Date.now()).ok).toBe(false);
    expect(verifyRequest(twilioSignatureScheme, req, { secret: '54321' }, Date.now()).ok).toBe(false);
  });

  it('matches the example of Twilio\'s security page', () => {
    const fields = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const req = { ...inbound(fields, { 'x-twilio-signature': '0/KCTR6DLpKmkAf8muzZqo1nDgQ=' }), url: '/myapp.php?foo=1&bar=2', publicUrl: url };
    expect(verifyRequest(twilioSignatureScheme, req, { secret: token }, Date.now())).toEqual({ ok: true });
  });
});

describe('Twilio incoming message trigger', () => {
  const items = (fields: Record<string, string>) => source.toItems(inbound(fields), {} as never) as Item[];
  it('maps the form fields to one item keyed by MessageSid, the same on a retry; MMS media fields included', () => {
    expect(items(incomingSms)).toEqual([{ key: 'SM1f0e8ae6ade43cb3c0ce4525424e404f', payload: incomingSms }]);
    expect(items({ ...incomingSms })[0]!.key).toBe(items(incomingSms)[0]!.key);
    expect(items(incomingMms)).toEqual([{ key: incomingMms.MessageSid, payload: incomingMms }]);
    expect(source.deliveryId?.(inbound(incomingSms))).toBe(incomingSms.MessageSid);
  });
  it('ignores a request without a message SID', () => {
    const { MessageSid: _a, SmsMessageSid: _b, SmsSid: _c, ...rest } = incomingSms;
    expect(items(rest)).toEqual([]);
  });
  it('answers Twilio with empty TwiML as text/xml', () => {
    expect(source.acknowledgement).toEqual({ contentType: 'text/xml', body: '<?xml version="1.0" encoding="UTF-8"?><Response></Response>' });
  });
  it('checks phoneNumberSid', () => {
    const validate = trigger.parameters.find((p) => p.id === 'phoneNumberSid')!.validate!;
    expect(validate('PN7d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a')).toBeNull();
    expect(validate('+14155550100')).toContain('PN followed by 32 hexadecimal characters');
    expect(validate('PN7d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a/../../Keys')).not.toBeNull();
  });
});

describe('Twilio API helpers', () => {
  it('puts a checked Account SID in the path, refusing anything else', () => {
    expect(accountPath({ accountSid: 'AC3f1c2d4e5a6b7c8d9e0f1a2b3c4d5e6f' }, '.json')).toBe('/Accounts/AC3f1c2d4e5a6b7c8d9e0f1a2b3c4d5e6f.json');
    expect(() => accountPath({}, '.json')).toThrow(/accountSid/);
    expect(() => accountPath({ accountSid: 'AC3f1c2d4e5a6b7c8d9e0f1a2b3c4d5e6f/../x' }, '.json')).toThrow(/accountSid/);
  });
  const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body, headers });
  it('classifies errors and keeps Twilio\'s message and code', () => {
    expect(twilioError(res(401, { code: 20003, message: 'Authenticate', status: 401 }), 0)).toMatchObject({ kind: 'auth', message: 'Twilio 401: Authenticate (code 20003)' });
    expect(twilioError(res(429, { code: 20429, message: 'Too Many Requests' }, { 'retry-after': '4' }), 0)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 4000 });
    expect(twilioError(res(429, {}), 0)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000 });
    expect(twilioError(res(503, null), 0)).toMatchObject({ kind: 'transient', status: 503, message: 'Twilio 503' });
    expect(twilioError(res(404, { code: 20404, message: 'The requested resource was not found' }), 0)).toMatchObject({ kind: 'permanent', status: 404, message: 'Twilio 404: The requested resource was not found (code 20404)' });
  });
});
