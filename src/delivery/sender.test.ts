// The sender against a real HTTP receiver: every way an attempt can end, in process and on its thread.
import { createHmac, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { behave, closedPortUrl, startFakeReceiver, type FakeReceiver } from '../../test/helpers/fake-receiver.js';
import { EXCERPT_BYTES, WebhookSender, type Sender, type SenderOptions } from './sender.js';
import { SenderThread } from './sender-thread.js';

const body = Buffer.from('{"hello":"world"}');
const headers = { 'content-type': 'application/json' };

const senders: Array<[string, (opts: Omit<SenderOptions, 'resolve'>) => Sender]> = [
  ['WebhookSender', (opts) => new WebhookSender(opts)],
  ['SenderThread', (opts) => new SenderThread(opts)],
];

describe.each(senders)('%s', (_name, makeSender) => {
  let receiver: FakeReceiver;
  let other: FakeReceiver;
  let sender: Sender;
  beforeAll(async () => {
    receiver = await startFakeReceiver();
    other = await startFakeReceiver();
    sender = makeSender({ timeoutMs: 300, allowPrivate: true, connectionsPerOrigin: 4 });
  });
  afterAll(async () => {
    await sender.close();
    await receiver.close();
    await other.close();
  });

  it('sends the exact bytes and headers; 2xx is success with an excerpt', async () => {
    receiver.script([behave.status(201, 'thanks')]);
    const before = receiver.requests.length;
    const r = await sender.send({ url: `${receiver.url}hook?x=1`, headers: { ...headers, 'x-extra': 'y' }, body });
    expect(r).toMatchObject({ kind: 'success', statusCode: 201, excerpt: 'thanks' });
    const req = receiver.requests[before]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/hook?x=1');
    expect(req.rawBody.equals(body)).toBe(true);
    expect(req.headers['x-extra']).toBe('y');
  });

  it('signs just before sending: both SPEC §4 signatures of the exact bytes, every active secret', async () => {
    const current = `whsec_${randomBytes(32).toString('base64')}`;
    const previous = `whsec_${randomBytes(32).toString('base64')}`;
    const timestampSeconds = Math.floor(Date.now() / 1000);
    receiver.script([behave.status(200)]);
    const before = receiver.requests.length;
    const sign = { eventId: 'evt-signed-1', timestampSeconds, secrets: [current, previous] };
    expect(await sender.send({ url: receiver.url, headers: { ...headers, 'x-extra': 'y' }, body, sign })).toMatchObject({ kind: 'success' });
    const req = receiver.requests[before]!;
    expect(req.headers['x-extra']).toBe('y');
    expect(req.headers['webhook-id']).toBe('evt-signed-1');
    expect(req.headers['webhook-timestamp']).toBe(String(timestampSeconds));
    const paragon = (secret: string) => `v1=${createHmac('sha256', secret).update(req.rawBody).digest('hex')}`;
    expect(req.headers['x-paragon-signature']).toBe(`${paragon(current)} ${paragon(previous)}`);
    for (const secret of [current, previous]) {
      expect(() => new Webhook(secret).verify(req.rawBody.toString('utf8'), req.headers as Record<string, string>)).not.toThrow();
    }
  });

  it('sends and signs a text body as its UTF-8 bytes', async () => {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const text = '{"name":"Zoë","emoji":"🎉"}';
    receiver.script([behave.status(200)]);
    const before = receiver.requests.length;
    const sign = { eventId: 'evt-text-1', timestampSeconds: Math.floor(Date.now() / 1000), secrets: [secret] };
    expect(await sender.send({ url: receiver.url, headers, body: text, sign })).toMatchObject({ kind: 'success' });
    const req = receiver.requests[before]!;
    expect(req.rawBody.equals(Buffer.from(text, 'utf8'))).toBe(true);
    expect(req.headers['content-length']).toBe(String(Buffer.byteLength(text, 'utf8')));
    expect(req.headers['x-paragon-signature']).toBe(`v1=${createHmac('sha256', secret).update(Buffer.from(text, 'utf8')).digest('hex')}`);
    expect(() => new Webhook(secret).verify(text, req.headers as Record<string, string>)).not.toThrow();
  });

  it('refuses, without a request, a delivery whose secret cannot sign', async () => {
    const before = receiver.requests.length;
    const sign = { eventId: 'evt-1', timestampSeconds: 1, secrets: ['not-a-secret'] };
    expect(await sender.send({ url: receiver.url, headers, body, sign })).toMatchObject({ kind: 'refused', reason: expect.stringContaining('cannot sign') });
    expect(receiver.requests.length).toBe(before);
  });

  it('keeps only a bounded excerpt of a large body', async () => {
    receiver.script([behave.status(500, 'x'.repeat(200_000))]);
    const r = await sender.send({ url: receiver.url, headers, body });
    expect(r.kind).toBe('http-error');
    if (r.kind !== 'http-error') return;
    expect(r.excerpt).toHaveLength(EXCERPT_BYTES + 1);
    expect(r.excerpt?.endsWith('…')).toBe(true);
  });

  it('reports Retry-After and 410 Gone', async () => {
    receiver.script([behave.retryAfter(429, 7), behave.status(410)]);
    expect(await sender.send({ url: receiver.url, headers, body })).toMatchObject({ kind: 'http-error', statusCode: 429, retryAfter: '7' });
    expect(await sender.send({ url: receiver.url, headers, body })).toMatchObject({ kind: 'gone', statusCode: 410 });
  });

  it('does not follow redirects', async () => {
    receiver.script([behave.redirect(other.url, 307)]);
    const r = await sender.send({ url: receiver.url, headers, body });
    expect(r).toMatchObject({ kind: 'http-error', statusCode: 307 });
    expect(other.requests).toHaveLength(0);
  });

  it('times out a receiver slower than the timeout', async () => {
    receiver.script([behave.slow(2_000)]);
    const r = await sender.send({ url: receiver.url, headers, body });
    expect(r).toMatchObject({ kind: 'timeout', timeoutMs: 300 });
    expect(r.latencyMs).toBeLessThan(1_500);
  });

  it('reports a reset connection and a closed port as network errors', async () => {
    receiver.script([behave.reset()]);
    expect(await sender.send({ url: receiver.url, headers, body })).toMatchObject({ kind: 'network-error' });
    const closed = await sender.send({ url: await closedPortUrl(), headers, body });
    expect(closed).toMatchObject({ kind: 'network-error', code: 'ECONNREFUSED' });
  });

  it('refuses URLs that can never work', async () => {
    expect(await sender.send({ url: 'ftp://example.com/', headers, body })).toMatchObject({ kind: 'refused' });
    expect(await sender.send({ url: 'not a url', headers, body })).toMatchObject({ kind: 'refused' });
  });

  it('sends many requests at once, each with its own result', async () => {
    // Its own sender with a generous timeout: 40 requests over 4 connections on a loaded machine may take
    // longer than the suite's 300 ms, and timeouts are not what this case is about.
    const patient = makeSender({ timeoutMs: 10_000, allowPrivate: true, connectionsPerOrigin: 4 });
    try {
      receiver.script(Array.from({ length: 40 }, (_, i) => behave.status(i % 2 === 0 ? 200 : 503, `r${i}`)));
      const results = await Promise.all(Array.from({ length: 40 }, () => patient.send({ url: receiver.url, headers, body })));
      expect(results.filter((r) => r.kind === 'success')).toHaveLength(20);
      expect(results.filter((r) => r.kind === 'http-error' && r.statusCode === 503)).toHaveLength(20);
    } finally {
      await patient.close();
    }
  });

  it('refuses a private literal address when private URLs are not allowed', async () => {
    const guarded = makeSender({ timeoutMs: 300, allowPrivate: false, connectionsPerOrigin: 1 });
    try {
      const before = receiver.requests.length;
      expect(await guarded.send({ url: receiver.url, headers, body })).toMatchObject({ kind: 'refused' });
      expect(receiver.requests.length).toBe(before);
    } finally {
      await guarded.close();
    }
  });
});

describe('WebhookSender with an injected resolver', () => {
  let receiver: FakeReceiver;
  beforeAll(async () => {
    receiver = await startFakeReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('refuses private destinations unless allowed: literal IPs and names that resolve to them', async () => {
    const guarded = new WebhookSender({
      timeoutMs: 300,
      allowPrivate: false,
      connectionsPerOrigin: 1,
      resolve: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    try {
      const before = receiver.requests.length;
      const literal = await guarded.send({ url: receiver.url, headers, body });
      expect(literal).toMatchObject({ kind: 'refused' });
      const port = new URL(receiver.url).port;
      const named = await guarded.send({ url: `http://rebinding.example:${port}/`, headers, body });
      expect(named.kind).toBe('refused');
      if (named.kind === 'refused') expect(named.reason).toContain('127.0.0.1');
      expect(receiver.requests.length).toBe(before);
    } finally {
      await guarded.close();
    }
  });
});

describe('SenderThread when its thread dies', () => {
  it('answers every waiting request with a retryable network error, then starts a fresh thread', async () => {
    const receiver = await startFakeReceiver();
    // A thread that exits as soon as it is asked to send anything.
    const dying = new URL('data:text/javascript,import { parentPort } from "node:worker_threads"; parentPort.on("message", () => process.exit(3));');
    const sender = new SenderThread({ timeoutMs: 300, allowPrivate: true, connectionsPerOrigin: 1, entry: dying });
    try {
      const results = await Promise.all([1, 2, 3].map(() => sender.send({ url: receiver.url, headers, body })));
      for (const r of results) expect(r).toMatchObject({ kind: 'network-error', code: 'ERR_SENDER_THREAD' });
      expect(results[0]!.kind === 'network-error' && results[0]!.message).toContain('exited (code 3)');
      // The next send spawns a new thread (this one dies again, and says so again).
      expect(await sender.send({ url: receiver.url, headers, body })).toMatchObject({ kind: 'network-error', code: 'ERR_SENDER_THREAD' });
      expect(receiver.requests).toHaveLength(0);
    } finally {
      await sender.close();
      await receiver.close();
    }
  });

  it('answers a send after close without a thread', async () => {
    const sender = new SenderThread({ timeoutMs: 300, allowPrivate: true, connectionsPerOrigin: 1 });
    await sender.close();
    expect(await sender.send({ url: 'http://127.0.0.1:9/', headers, body })).toMatchObject({ kind: 'network-error', code: 'ERR_SENDER_THREAD' });
  });
});
