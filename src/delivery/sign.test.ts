import { createHmac, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { prepareSigningKeys, signDelivery, SigningSecretError } from './sign.js';

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** What a Paragon-style receiver does: HMAC the raw body with the secret string, compare each v1= entry. */
function paragonSignatureFor(secret: string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

describe('signDelivery', () => {
  it('matches the published Standard Webhooks test vector and an openssl-computed Paragon signature', () => {
    // Vector from the Standard Webhooks reference test suite.
    const headers = signDelivery({
      body: '{"test": 2432232314}',
      eventId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      timestampSeconds: 1614265330,
      secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
    });
    expect(headers).toEqual({
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
      // printf '%s' '{"test": 2432232314}' | openssl dgst -sha256 -hmac whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
      'x-paragon-signature': 'v1=80ec8a89ce3cd22133a1066caecb4d04fea7467657c8514d717ec42c38a5c94c',
    });
  });

  it('verifies with the standardwebhooks library and with an independent HMAC', () => {
    const secret = newSecret();
    const body = JSON.stringify({ eventId: 'evt_1', payload: { text: 'héllo ✓' } });
    const headers = signDelivery({ body, eventId: 'evt_1', timestampSeconds: nowSeconds(), secrets: [secret] });

    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(headers['x-paragon-signature']).toBe(`v1=${paragonSignatureFor(secret, body)}`);
  });

  it('signs the exact bytes whether given a Buffer or a string', () => {
    const secret = newSecret();
    const text = '{"a":"ü"}';
    const common = { eventId: 'evt_2', timestampSeconds: 1_700_000_000, secrets: [secret] };
    expect(signDelivery({ ...common, body: Buffer.from(text, 'utf8') })).toEqual(signDelivery({ ...common, body: text }));
  });

  it('during a rotation signs with both secrets, current first, and each secret alone verifies', () => {
    const current = newSecret();
    const previous = newSecret();
    const body = '{"eventId":"evt_3"}';
    const headers = signDelivery({ body, eventId: 'evt_3', timestampSeconds: nowSeconds(), secrets: [current, previous] });

    const standard = headers['webhook-signature']!.split(' ');
    expect(standard).toHaveLength(2);
    expect(standard.every((s) => s.startsWith('v1,'))).toBe(true);
    expect(new Webhook(current).verify(body, headers)).toEqual({ eventId: 'evt_3' });
    expect(new Webhook(previous).verify(body, headers)).toEqual({ eventId: 'evt_3' });
    expect(() => new Webhook(newSecret()).verify(body, headers)).toThrow();

    expect(headers['x-paragon-signature']).toBe(
      `v1=${paragonSignatureFor(current, body)} v1=${paragonSignatureFor(previous, body)}`,
    );
  });

  it('gives the same headers from prepared keys as from raw secrets, and drops duplicate secrets', () => {
    const a = newSecret();
    const b = newSecret();
    const common = { body: '{}', eventId: 'evt_4', timestampSeconds: 1_700_000_000 };
    const prepared = prepareSigningKeys([a, b, a]);
    expect(prepared.keys).toHaveLength(2);
    expect(signDelivery({ ...common, secrets: prepared })).toEqual(signDelivery({ ...common, secrets: [a, b] }));
  });

  it('does not verify when the body, id or timestamp changed', () => {
    const secret = newSecret();
    const ts = nowSeconds();
    const headers = signDelivery({ body: '{"n":1}', eventId: 'evt_5', timestampSeconds: ts, secrets: [secret] });
    const wh = new Webhook(secret);
    expect(() => wh.verify('{"n":2}', headers)).toThrow();
    expect(() => wh.verify('{"n":1}', { ...headers, 'webhook-id': 'evt_6' })).toThrow();
    expect(() => wh.verify('{"n":1}', { ...headers, 'webhook-timestamp': String(ts - 1) })).toThrow();
  });

  it('refuses malformed secrets and inputs loudly', () => {
    const common = { body: '{}', eventId: 'evt_7', timestampSeconds: 1 };
    expect(() => signDelivery({ ...common, secrets: [] })).toThrow(SigningSecretError);
    expect(() => signDelivery({ ...common, secrets: ['no-prefix'] })).toThrow(SigningSecretError);
    expect(() => signDelivery({ ...common, secrets: ['whsec_'] })).toThrow(SigningSecretError);
    expect(() => signDelivery({ ...common, secrets: ['whsec_not base64!'] })).toThrow(SigningSecretError);
    const secrets = [newSecret()];
    expect(() => signDelivery({ ...common, secrets, eventId: '' })).toThrow(RangeError);
    expect(() => signDelivery({ ...common, secrets, eventId: 'a b' })).toThrow(RangeError);
    expect(() => signDelivery({ ...common, secrets, eventId: 'a\r\nx-evil: 1' })).toThrow(RangeError);
    expect(() => signDelivery({ ...common, secrets, timestampSeconds: 1.5 })).toThrow(RangeError);
  });
});
