import { Agent, request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { behave, closedPortUrl, type FakeReceiver, startFakeReceiver } from './fake-receiver.js';

describe('fake receiver', () => {
  let receiver: FakeReceiver;
  // A private agent so keep-alive sockets from one test never leak into another, and close() is clean.
  const dispatcher = new Agent();

  beforeAll(async () => {
    receiver = await startFakeReceiver();
  });
  afterEach(() => receiver.script([]));
  afterAll(async () => {
    await dispatcher.close();
    await receiver.close();
  });

  const post = (path: string, body: string, options: { headersTimeout?: number } = {}) =>
    request(new URL(path, receiver.url), {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-test': 'yes' },
      dispatcher,
      ...options,
    });

  it('answers 200 by default and records the exact request', async () => {
    const before = receiver.requests.length;
    const body = '{"eventId":"evt_1","text":"héllo"}';
    const res = await post('/hooks/a?x=1', body);
    expect(res.statusCode).toBe(200);
    await res.body.dump();

    const recorded = receiver.requests[before]!;
    expect(recorded).toMatchObject({ method: 'POST', path: '/hooks/a?x=1', json: { eventId: 'evt_1', text: 'héllo' } });
    expect(recorded.headers['x-test']).toBe('yes');
    expect(recorded.rawBody.equals(Buffer.from(body, 'utf8'))).toBe(true);
    expect(recorded.receivedAt).toBeGreaterThan(0);
  });

  it('plays a queue of behaviours in order, then falls back to 200', async () => {
    receiver.script([
      behave.status(500, 'boom', { 'x-reason': 'test' }),
      behave.retryAfter(429, 7),
      behave.status(410, { gone: true }),
      behave.redirect('http://127.0.0.1:1/elsewhere'),
    ]);
    const answers = [];
    for (let i = 0; i < 5; i++) {
      const res = await post('/', '{}');
      answers.push({ status: res.statusCode, headers: res.headers, body: await res.body.text() });
    }
    expect(answers[0]).toMatchObject({ status: 500, body: 'boom', headers: { 'x-reason': 'test' } });
    expect(answers[1]).toMatchObject({ status: 429, headers: { 'retry-after': '7' } });
    expect(answers[2]).toMatchObject({ status: 410, body: '{"gone":true}', headers: { 'content-type': 'application/json' } });
    expect(answers[3]).toMatchObject({ status: 302, headers: { location: 'http://127.0.0.1:1/elsewhere' } });
    expect(answers[4]).toMatchObject({ status: 200 });
  });

  it('lets a function decide from the request', async () => {
    receiver.script((req) => (req.path === '/fail' ? behave.status(503) : behave.ok({ seen: req.json })));
    const failed = await post('/fail', '{}');
    await failed.body.dump();
    expect(failed.statusCode).toBe(503);
    const ok = await post('/ok', '{"n":1}');
    expect(await ok.body.json()).toEqual({ seen: { n: 1 } });
  });

  it('can be slower than the sender’s timeout', async () => {
    receiver.script([behave.slow(5_000)]);
    await expect(post('/', '{}', { headersTimeout: 100 })).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
  });

  it('can reset the connection', async () => {
    const before = receiver.requests.length;
    receiver.script([behave.reset()]);
    await expect(post('/', '{}')).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|UND_ERR_SOCKET/) });
    expect(receiver.requests).toHaveLength(before + 1); // recorded although never answered
  });

  it('waitFor resolves once enough requests arrived and times out clearly otherwise', async () => {
    const target = receiver.requests.length + 2;
    const waiting = receiver.waitFor(target, 2_000);
    await (await post('/', '{}')).body.dump();
    await (await post('/', '{}')).body.dump();
    expect(await waiting).toHaveLength(target);
    await expect(receiver.waitFor(target + 1, 50)).rejects.toThrow(/expected \d+ request\(s\) within 50 ms/);
  });
});

describe('closedPortUrl', () => {
  it('gives a URL where the connection is refused', async () => {
    const url = await closedPortUrl();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    await expect(request(url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('close', () => {
  it('returns promptly even with a slow response in flight, and uses the injected clock', async () => {
    const receiver = await startFakeReceiver({ now: () => 42 });
    receiver.script([behave.slow(60_000)]);
    const agent = new Agent();
    const pending = request(receiver.url, { method: 'POST', body: '{}', dispatcher: agent }).catch((e: unknown) => e);
    const [recorded] = await receiver.waitFor(1);
    expect(recorded?.receivedAt).toBe(42);
    const started = Date.now();
    await receiver.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await pending).toBeInstanceOf(Error);
    await agent.close();
  });
});
