import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { classifyInbound, detectHandshake, handshakePhase, type Handshake } from './handshakes.js';
import type { VerificationScheme } from './schemes.js';
import { signRequest, type VerifiableRequest } from './verify.js';

const NOW = 1_700_000_000_000;

const slackUrlVerification: Handshake = {
  kind: 'challengeEcho',
  match: { jsonPath: 'type', equals: 'url_verification' },
  respondWith: { jsonPath: 'challenge', as: 'json' },
};
const asanaHookSecret: Handshake = { kind: 'hookSecret', header: 'X-Hook-Secret' };
const graphValidation: Handshake = { kind: 'validationToken', queryParam: 'validationToken' };
const dropboxChallenge: Handshake = { kind: 'getChallenge', queryParam: 'challenge' };

const slackScheme: VerificationScheme = {
  kind: 'hmac', algorithm: 'sha256', header: 'x-slack-signature', prefix: 'v0=', encoding: 'hex',
  signingString: 'v0:{timestamp}:{body}', timestampHeader: 'x-slack-request-timestamp', toleranceSeconds: 300,
};
const asanaScheme: VerificationScheme = { kind: 'hmac', algorithm: 'sha256', header: 'x-hook-signature', encoding: 'hex' };
const graphScheme: VerificationScheme = { kind: 'sharedSecret', jsonPath: 'value[].clientState' };
const dropboxScheme: VerificationScheme = { kind: 'hmac', algorithm: 'sha256', header: 'x-dropbox-signature', encoding: 'hex' };

function req(method: string, url: string, body: string, headers: Record<string, string> = {}): VerifiableRequest {
  return { method, url, rawBody: Buffer.from(body), headers };
}

function signedSlack(body: string, secret = 'slack-secret'): VerifiableRequest {
  const unsigned = req('POST', '/hooks/slack', body, { 'content-type': 'application/json' });
  return { ...unsigned, headers: { ...unsigned.headers, ...signRequest(slackScheme, unsigned, { secret }, NOW) } };
}

describe('handshake phases (the verify/handshake order)', () => {
  it('Slack url_verification is signed, so it is answered only after verification', () => {
    expect(handshakePhase(slackUrlVerification)).toBe('afterVerification');
    expect(handshakePhase({ ...slackUrlVerification, signed: false })).toBe('beforeVerification');
  });

  it('Asana, Graph and Dropbox probes cannot be signed, so they are answered before verification', () => {
    expect(handshakePhase(asanaHookSecret)).toBe('beforeVerification');
    expect(handshakePhase(graphValidation)).toBe('beforeVerification');
    expect(handshakePhase(dropboxChallenge)).toBe('beforeVerification');
  });
});

describe('challengeEcho selected by a field\'s presence (no equals)', () => {
  const presence: Handshake = {
    kind: 'challengeEcho',
    match: { jsonPath: 'challenge' },
    respondWith: { jsonPath: 'challenge', as: 'json', responseKey: 'smartsheetHookResponse' },
    signed: false,
  };
  const scheme: VerificationScheme = { kind: 'hmac', algorithm: 'sha256', header: 'smartsheet-hmac-sha256', encoding: 'hex' };

  it('answers a probe carrying the field, before verification, under the declared key', () => {
    const probe = req('POST', '/hooks/s/1', '{"challenge":"d78dd1d3-01ce-4481-81de-92b4f3aa5ab1","webhookId":2674017481058180}');
    expect(classifyInbound({ verification: scheme, handshakes: [presence] }, probe, undefined, NOW)).toEqual({
      kind: 'handshake',
      response: {
        kind: 'challengeEcho', phase: 'beforeVerification', status: 200,
        headers: { 'content-type': 'application/json' },
        body: '{"smartsheetHookResponse":"d78dd1d3-01ce-4481-81de-92b4f3aa5ab1"}',
      },
    });
  });

  it('does not select bodies without the field, or with an empty or non-string one', () => {
    for (const body of ['{"webhookId":1,"events":[]}', '{"challenge":""}', '{"challenge":{"a":1}}', 'not json']) {
      expect(detectHandshake([presence], req('POST', '/', body))).toBeNull();
    }
    expect(classifyInbound({ verification: scheme, handshakes: [presence] }, req('POST', '/', '{"events":[]}'), { secret: 's' }, NOW))
      .toMatchObject({ kind: 'rejected' });
  });
});

describe('Slack url_verification (challengeEcho)', () => {
  const body = '{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}';

  it('a signed probe is answered with the challenge as JSON', () => {
    const decision = classifyInbound({ verification: slackScheme, handshakes: [slackUrlVerification] }, signedSlack(body), { secret: 'slack-secret' }, NOW);
    expect(decision).toEqual({
      kind: 'handshake',
      response: {
        kind: 'challengeEcho', phase: 'afterVerification', status: 200,
        headers: { 'content-type': 'application/json' },
        body: '{"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}',
      },
    });
  });

  it('an unsigned or wrongly signed probe is rejected like any forgery', () => {
    const config = { verification: slackScheme, handshakes: [slackUrlVerification] };
    const unsigned = req('POST', '/hooks/slack', body);
    expect(classifyInbound(config, unsigned, { secret: 'slack-secret' }, NOW)).toMatchObject({ kind: 'rejected', failure: { reason: 'missing_signature' } });
    expect(classifyInbound(config, signedSlack(body, 'attacker'), { secret: 'slack-secret' }, NOW))
      .toMatchObject({ kind: 'rejected', failure: { reason: 'bad_signature' } });
  });

  it('detectHandshake with the before phase does not answer it (so callers cannot skip verification by accident)', () => {
    expect(detectHandshake([slackUrlVerification], req('POST', '/', body), 'beforeVerification')).toBeNull();
    expect(detectHandshake([slackUrlVerification], req('POST', '/', body))).toMatchObject({ status: 200 });
  });

  it('answers as text when declared so', () => {
    const asText: Handshake = { ...slackUrlVerification, respondWith: { jsonPath: 'challenge', as: 'text' } };
    expect(detectHandshake([asText], req('POST', '/', body))).toMatchObject({
      status: 200, body: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
      headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
    });
  });

  it('a url_verification without a challenge gets 400; ordinary events and non-JSON are not handshakes', () => {
    expect(detectHandshake([slackUrlVerification], req('POST', '/', '{"type":"url_verification"}'))).toMatchObject({ status: 400 });
    expect(detectHandshake([slackUrlVerification], req('POST', '/', '{"type":"event_callback","event":{}}'))).toBeNull();
    expect(detectHandshake([slackUrlVerification], req('POST', '/', 'payload=%7B%7D'))).toBeNull();
  });

  it('a signed event is classified as an event', () => {
    const decision = classifyInbound({ verification: slackScheme, handshakes: [slackUrlVerification] },
      signedSlack('{"type":"event_callback","event_id":"Ev1"}'), { secret: 'slack-secret' }, NOW);
    expect(decision).toEqual({ kind: 'event' });
  });
});

describe('Asana X-Hook-Secret (hookSecret)', () => {
  const config = { verification: asanaScheme, handshakes: [asanaHookSecret] };
  const secret = 'b537207f20cbfa02357cf448134da559e8bd39d61597dcd5631b8012eae53e81';

  it('echoes the header and hands the secret over, even before any secret is known', () => {
    const decision = classifyInbound(config, req('POST', '/hooks/asana/sub1', '', { 'x-hook-secret': secret }), undefined, NOW);
    expect(decision).toEqual({
      kind: 'handshake',
      response: {
        kind: 'hookSecret', phase: 'beforeVerification', status: 200,
        headers: { 'x-hook-secret': secret }, body: '', captured: { hookSecret: secret },
      },
    });
  });

  it('later deliveries are verified with the captured secret; without one they are rejected', () => {
    const unsigned = req('POST', '/hooks/asana/sub1', '{"events":[]}');
    const delivery = { ...unsigned, headers: signRequest(asanaScheme, unsigned, { secret }, NOW) };
    expect(classifyInbound(config, delivery, { secret }, NOW)).toEqual({ kind: 'event' });
    expect(classifyInbound(config, delivery, undefined, NOW)).toMatchObject({ kind: 'rejected', failure: { reason: 'bad_signature' } });
  });
});

describe('Microsoft Graph validationToken', () => {
  const config = { verification: graphScheme, handshakes: [graphValidation] };

  it('answers 200 text/plain with the URL-decoded token, before (and without) verification', () => {
    const url = '/hooks/graph/sub1?validationToken=Validation%3a+Testing+client+application+reachability+for+subscription+Request-Id%3a+c2a5';
    const decision = classifyInbound(config, req('POST', url, ''), { secret: 'client-state' }, NOW);
    expect(decision).toEqual({
      kind: 'handshake',
      response: {
        kind: 'validationToken', phase: 'beforeVerification', status: 200,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
        body: 'Validation: Testing client application reachability for subscription Request-Id: c2a5',
      },
    });
  });

  it('notifications are checked by clientState', () => {
    const good = req('POST', '/hooks/graph/sub1', JSON.stringify({ value: [{ clientState: 'client-state' }] }));
    const bad = req('POST', '/hooks/graph/sub1', JSON.stringify({ value: [{ clientState: 'guess' }] }));
    expect(classifyInbound(config, good, { secret: 'client-state' }, NOW)).toEqual({ kind: 'event' });
    expect(classifyInbound(config, bad, { secret: 'client-state' }, NOW)).toMatchObject({ kind: 'rejected' });
  });
});

describe('Dropbox GET challenge', () => {
  const config = { verification: dropboxScheme, handshakes: [dropboxChallenge] };

  it('echoes the challenge as text/plain with nosniff on GET', () => {
    expect(classifyInbound(config, req('GET', '/hooks/dropbox?challenge=abc%20123', ''), { secret: 'app' }, NOW)).toEqual({
      kind: 'handshake',
      response: {
        kind: 'getChallenge', phase: 'beforeVerification', status: 200,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
        body: 'abc 123',
      },
    });
  });

  it('a POST carrying ?challenge= is not a handshake and must be signed', () => {
    const decision = classifyInbound(config, req('POST', '/hooks/dropbox?challenge=abc', '{}'), { secret: 'app' }, NOW);
    expect(decision).toMatchObject({ kind: 'rejected', failure: { reason: 'missing_signature' } });
  });
});

describe('headerChallenge (Okta event hook verification)', () => {
  const okta: Handshake = { kind: 'headerChallenge', header: 'X-Okta-Verification-Challenge', responseKey: 'verification' };
  const config = { verification: { kind: 'sharedSecret', header: 'authorization' } as VerificationScheme, handshakes: [okta] };

  it('echoes the header as JSON on GET, before (and without) verification', () => {
    const decision = classifyInbound(config, req('GET', '/hooks/s/1', '', { 'x-okta-verification-challenge': 'c2FtcGxl"<x>' }), undefined, NOW);
    expect(decision).toEqual({
      kind: 'handshake',
      response: {
        kind: 'headerChallenge', phase: 'beforeVerification', status: 200,
        headers: { 'content-type': 'application/json', 'x-content-type-options': 'nosniff' },
        body: JSON.stringify({ verification: 'c2FtcGxl"<x>' }),
      },
    });
    expect(handshakePhase(okta)).toBe('beforeVerification');
  });

  it('a POST with the header, or a GET without it, is no handshake and must carry the shared secret', () => {
    expect(classifyInbound(config, req('POST', '/hooks/s/1', '{}', { 'x-okta-verification-challenge': 'c' }), { secret: 's' }, NOW)).toMatchObject({ kind: 'rejected' });
    expect(classifyInbound(config, req('GET', '/hooks/s/1', '', { 'x-okta-verification-challenge': '' }), { secret: 's' }, NOW)).toMatchObject({ kind: 'rejected' });
    expect(classifyInbound(config, req('POST', '/hooks/s/1', '{}', { authorization: 's' }), { secret: 's' }, NOW)).toEqual({ kind: 'event' });
  });
});

it('the first matching handshake wins and unrelated requests are not handshakes', () => {
  const all = [graphValidation, dropboxChallenge, asanaHookSecret, slackUrlVerification];
  expect(detectHandshake(all, req('GET', '/?challenge=c&validationToken=t', ''))).toMatchObject({ kind: 'validationToken', body: 't' });
  expect(detectHandshake(all, req('POST', '/', '{"events":[]}'))).toBeNull();
});

describe('hmacChallenge (Zoom endpoint.url_validation)', () => {
  const zoomScheme: VerificationScheme = {
    kind: 'hmac', algorithm: 'sha256', header: 'x-zm-signature', prefix: 'v0=', encoding: 'hex',
    signingString: 'v0:{timestamp}:{body}', timestampHeader: 'x-zm-request-timestamp', toleranceSeconds: 300,
  };
  const zoomValidation: Handshake = {
    kind: 'hmacChallenge',
    match: { jsonPath: 'event', equals: 'endpoint.url_validation' },
    tokenPath: 'payload.plainToken',
    algorithm: 'sha256',
    encoding: 'hex',
    respondWith: { tokenKey: 'plainToken', hmacKey: 'encryptedToken' },
  };
  const config = { verification: zoomScheme, handshakes: [zoomValidation] };
  const body = JSON.stringify({ payload: { plainToken: 'qgg8vlvZRS6UYooatFL8Aw' }, event_ts: 1654503849680, event: 'endpoint.url_validation' });
  const signed = (raw: string, secret: string): VerifiableRequest => {
    const unsigned = req('POST', '/hooks/app/p/zoom', raw, { 'content-type': 'application/json' });
    return { ...unsigned, headers: { ...unsigned.headers, ...signRequest(zoomScheme, unsigned, { secret }, NOW) } };
  };

  it('is always answered after verification', () => {
    expect(handshakePhase(zoomValidation)).toBe('afterVerification');
  });

  it('answers a signed probe with the token and its hex HMAC-SHA256 under the secret', () => {
    const decision = classifyInbound(config, signed(body, 'zoom-secret'), { secret: 'zoom-secret' }, NOW);
    expect(decision.kind).toBe('handshake');
    if (decision.kind !== 'handshake') return;
    expect(decision.response.status).toBe(200);
    expect(decision.response.headers['content-type']).toBe('application/json');
    expect(JSON.parse(decision.response.body)).toEqual({
      plainToken: 'qgg8vlvZRS6UYooatFL8Aw',
      encryptedToken: createHmac('sha256', 'zoom-secret').update('qgg8vlvZRS6UYooatFL8Aw').digest('hex'),
    });
  });

  it('refuses an unsigned or wrongly signed probe without computing anything', () => {
    const unsigned = classifyInbound(config, req('POST', '/hooks/app/p/zoom', body), { secret: 'zoom-secret' }, NOW);
    expect(unsigned.kind).toBe('rejected');
    const forged = classifyInbound(config, signed(body, 'other-secret'), { secret: 'zoom-secret' }, NOW);
    expect(forged.kind).toBe('rejected');
    // The lower-level matcher never answers it before verification, nor without a secret.
    expect(detectHandshake([zoomValidation], signed(body, 'zoom-secret'), 'beforeVerification', { secret: 'zoom-secret' })).toBeNull();
    expect(detectHandshake([zoomValidation], signed(body, 'zoom-secret'), 'afterVerification')).toBeNull();
  });

  it('a probe without a token is a 400; other events are events', () => {
    const noToken = JSON.stringify({ payload: {}, event: 'endpoint.url_validation' });
    const decision = classifyInbound(config, signed(noToken, 'zoom-secret'), { secret: 'zoom-secret' }, NOW);
    expect(decision.kind === 'handshake' && decision.response.status).toBe(400);
    const event = JSON.stringify({ event: 'meeting.started', payload: { account_id: 'a' } });
    expect(classifyInbound(config, signed(event, 'zoom-secret'), { secret: 'zoom-secret' }, NOW).kind).toBe('event');
  });
});
