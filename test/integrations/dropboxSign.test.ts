// Dropbox Sign unit tests: the event_hash scheme over the `json` field of a multipart callback (signed the
// way Dropbox Sign signs, independently of our verifier), the multipart reader, routing by account, keys,
// parameters and the catalog entries.
import { describe, expect, it } from 'vitest';
import {
  DROPBOX_SIGN_ACK,
  dropboxSignAppWebhook,
  dropboxSignScheme,
  eventKey,
  matchSignatureRequestEvent,
  parseDropboxSignCallback,
  validateTemplateId,
  type DropboxSignCallback,
} from '../../src/integrations/dropboxSign/events.js';
import allSigned from '../../src/integrations/dropboxSign/fixtures/event-signature-request-all-signed.json' with { type: 'json' };
import declined from '../../src/integrations/dropboxSign/fixtures/event-signature-request-declined.json' with { type: 'json' };
import signed from '../../src/integrations/dropboxSign/fixtures/event-signature-request-signed.json' with { type: 'json' };
import { dropboxSignIntegration } from '../../src/integrations/dropboxSign/integration.js';
import { multipartFormField, schemeProblems, verifyRequest, type AppEvent, type InboundRequest } from '../../src/sdk/index.js';
import { eventHash, multipartJson } from '../providers/dropboxSign.js';

const API_KEY = 'c4a2bd9f5e7d43b1a6d6e7f0b51c9f3e8a7d2c1b0e9f8a7d6c5b4a3928171615';

function request(cb: Record<string, any>, key = API_KEY): InboundRequest {
  const body = structuredClone(cb);
  body.event.event_hash = eventHash(key, String(body.event.event_time), String(body.event.event_type));
  const { body: rawBody, contentType } = multipartJson(JSON.stringify(body));
  return { method: 'POST', url: '/hooks/app/p/dropboxSign', headers: { 'content-type': contentType }, rawBody, body: undefined };
}
const verify = (req: InboundRequest, secret = API_KEY) => verifyRequest(dropboxSignScheme, req, { secret }, Date.now());

describe('Dropbox Sign event_hash', () => {
  it('is a well-formed scheme', () => {
    expect(schemeProblems(dropboxSignScheme)).toEqual([]);
  });

  it('accepts HMAC-SHA256(api key, event_time + event_type) in hex from the json field', () => {
    expect(verify(request(signed))).toEqual({ ok: true });
    // The published example's own hash: not made with our key, so refused.
    const { body: rawBody, contentType } = multipartJson(JSON.stringify(signed));
    expect(verify({ method: 'POST', url: '/', headers: { 'content-type': contentType }, rawBody, body: undefined })).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('refuses another key, a changed event type or time, and a JSON body', () => {
    expect(verify(request(signed, 'another-accounts-key'))).toMatchObject({ ok: false, reason: 'bad_signature' });
    const req = request(signed);
    const forged = req.rawBody.toString('utf8').replace('"signature_request_signed"', '"signature_request_all_signed"');
    expect(verify({ ...req, rawBody: Buffer.from(forged) })).toMatchObject({ ok: false, reason: 'bad_signature' });
    const later = req.rawBody.toString('utf8').replace('"1348177812"', '"1348177813"');
    expect(verify({ ...req, rawBody: Buffer.from(later) })).toMatchObject({ ok: false, reason: 'bad_signature' });
    const asJson = { ...req, headers: { 'content-type': 'application/json' }, rawBody: Buffer.from(multipartFormField(req.rawBody, String(req.headers['content-type']), 'json')!) };
    expect(verify(asJson)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('refuses a callback without event_hash', () => {
    const cb = structuredClone(signed) as Record<string, any>;
    delete cb.event.event_hash;
    const { body: rawBody, contentType } = multipartJson(JSON.stringify(cb));
    expect(verify({ method: 'POST', url: '/', headers: { 'content-type': contentType }, rawBody, body: undefined })).toMatchObject({ ok: false, reason: 'missing_signature' });
  });

  it('answers with the body Dropbox Sign requires', () => {
    expect(dropboxSignAppWebhook.acknowledgement).toEqual({ contentType: 'text/plain; charset=utf-8', body: 'Hello API Event Received' });
    expect(DROPBOX_SIGN_ACK).toBe('Hello API Event Received');
  });
});

describe('multipartFormField', () => {
  const body = (boundary: string) => Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="other"\r\n\r\nx\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="json"\r\nContent-Type: text/plain\r\n\r\n{"a":"é\\r\\n"}\r\n--${boundary}--\r\n`,
  );
  it('reads the named field, with a plain or quoted boundary', () => {
    expect(multipartFormField(body('abc'), 'multipart/form-data; boundary=abc', 'json')).toBe('{"a":"é\\r\\n"}');
    expect(multipartFormField(body('a b'), 'multipart/form-data; boundary="a b"', 'json')).toBe('{"a":"é\\r\\n"}');
    expect(multipartFormField(body('abc'), 'multipart/form-data; boundary=abc', 'other')).toBe('x');
  });
  it('gives undefined for a missing field, another content type or no boundary', () => {
    expect(multipartFormField(body('abc'), 'multipart/form-data; boundary=abc', 'missing')).toBeUndefined();
    expect(multipartFormField(body('abc'), 'application/json', 'json')).toBeUndefined();
    expect(multipartFormField(body('abc'), 'multipart/form-data', 'json')).toBeUndefined();
    expect(multipartFormField(body('abc'), 'multipart/form-data; boundary=zzz', 'json')).toBeUndefined();
  });
});

describe('Dropbox Sign routing and keys', () => {
  it('addresses each callback to the account it is reported for', () => {
    const [event] = parseDropboxSignCallback(request(signed));
    expect(event).toMatchObject({
      providerAccountId: '63522885f9261e2b04eea043933ee7313eb674fd',
      eventType: 'signature_request_signed',
      deliveryId: 'fa5c8a0b0f492d768749333ad6fcc214c111e967:78caf2a1d01cd39cea2bc1cbb340dac3:signature_request_signed:1348177812',
    });
    expect((event!.event as DropboxSignCallback).signature_request?.signature_request_id).toBe('fa5c8a0b0f492d768749333ad6fcc214c111e967');
  });

  it('gives nothing for a body without a json field or an account', () => {
    const req = request(signed);
    expect(parseDropboxSignCallback({ ...req, headers: { 'content-type': 'application/json' } })).toEqual([]);
    const cb = structuredClone(signed) as Record<string, any>;
    cb.event.event_metadata.reported_for_account_id = null;
    cb.account_guid = null;
    expect(parseDropboxSignCallback(request(cb))).toEqual([]);
  });

  it('keys by request, signer, type and time: two signers in the same second stay two events, a retry is the same', () => {
    const one = signed as unknown as DropboxSignCallback;
    const other = structuredClone(one);
    other.event.event_metadata!.related_signature_id = '616629ed37f8588d28600be17ab5d6b7';
    expect(eventKey(one)).not.toBe(eventKey(other));
    expect(eventKey(structuredClone(one))).toBe(eventKey(one));
    expect(eventKey(allSigned as unknown as DropboxSignCallback)).toBe('fa5c8a0b0f492d768749333ad6fcc214c111e967:-:signature_request_all_signed:1348177990');
  });
});

describe('Dropbox Sign triggers', () => {
  const appEvent = (cb: Record<string, any>): AppEvent => parseDropboxSignCallback(request(cb))[0]!;

  it('match their own event type only, with the whole callback as payload', () => {
    const items = matchSignatureRequestEvent('signature_request_declined', appEvent(declined), {});
    expect(items).toEqual([{ key: expect.stringContaining(':signature_request_declined:1348178060'), payload: expect.objectContaining({ signature_request: declined.signature_request }), occurredAt: 1348178060_000 }]);
    expect(matchSignatureRequestEvent('signature_request_signed', appEvent(declined), {})).toEqual([]);
  });

  it('filter by template and test mode', () => {
    const fromTemplate = structuredClone(signed) as Record<string, any>;
    fromTemplate.signature_request.template_ids = ['C26B8A16784A872DA37EA946B9DDEC7C1E11DFF6'];
    fromTemplate.signature_request.test_mode = false;
    const ev = appEvent(fromTemplate);
    expect(matchSignatureRequestEvent('signature_request_signed', ev, { templateId: 'c26b8a16784a872da37ea946b9ddec7c1e11dff6' })).toHaveLength(1);
    expect(matchSignatureRequestEvent('signature_request_signed', ev, { templateId: 'aaaa' })).toEqual([]);
    expect(matchSignatureRequestEvent('signature_request_signed', appEvent(signed), { templateId: 'c26b8a16784a872da37ea946b9ddec7c1e11dff6' })).toEqual([]);
    expect(matchSignatureRequestEvent('signature_request_signed', ev, { excludeTestMode: true })).toHaveLength(1);
    expect(matchSignatureRequestEvent('signature_request_signed', appEvent(signed), { excludeTestMode: true })).toEqual([]);
  });

  it('validate the template id', () => {
    expect(validateTemplateId(undefined)).toBeNull();
    expect(validateTemplateId('c26b8a16784a872da37ea946b9ddec7c1e11dff6')).toBeNull();
    expect(validateTemplateId('../etc')).toMatch(/template id/);
    expect(validateTemplateId(42)).toMatch(/template id/);
  });

  it('are the five signature request events, named DROPBOX_SIGN_TRIGGER_*, each with its own fixture', () => {
    const byType = Object.fromEntries(dropboxSignIntegration.triggers.map((t) => [t.type, (t.examplePayload as DropboxSignCallback).event.event_type]));
    expect(byType).toEqual({
      DROPBOX_SIGN_TRIGGER_SIGNATURE_REQUEST_SIGNED: 'signature_request_signed',
      DROPBOX_SIGN_TRIGGER_SIGNATURE_REQUEST_ALL_SIGNED: 'signature_request_all_signed',
      DROPBOX_SIGN_TRIGGER_SIGNATURE_REQUEST_DECLINED: 'signature_request_declined',
      DROPBOX_SIGN_TRIGGER_SIGNATURE_REQUEST_VIEWED: 'signature_request_viewed',
      DROPBOX_SIGN_TRIGGER_SIGNATURE_REQUEST_SENT: 'signature_request_sent',
    });
    for (const t of dropboxSignIntegration.triggers) {
      const source = t.source;
      expect(source.kind).toBe('appWebhook');
      if (source.kind !== 'appWebhook') continue;
      const items = source.match(appEvent(t.examplePayload as Record<string, any>), {});
      expect(items, t.type).toHaveLength(1);
    }
  });
});
