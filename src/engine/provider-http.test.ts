import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGuardedConnector } from '../delivery/ssrf.js';
import { defineIntegration, ProviderError } from '../sdk/index.js';
import { createProviderHttp } from './provider-http.js';

const integration = defineIntegration({ key: 'sample', name: 'Sample', auth: { kind: 'apiKey', header: 'x-key' }, apiBaseUrl: 'https://api.sample.example', triggers: [] });
const auth = { canRefresh: false, headers: async () => ({ 'x-key': 'k' }) };

describe('provider HTTP: hosts named by credential data', () => {
  let server: Server;
  let origin: string;
  const paths: string[] = [];
  const guarded = new Agent({ connect: createGuardedConnector({ allowPrivate: false }) });

  beforeAll(async () => {
    server = createServer((req, res) => {
      paths.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await guarded.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it("reach the operator's apiBaseUrl even on a private address (GitHub Enterprise, a test double)", async () => {
    const http = createProviderHttp({ integration, apiBaseUrl: origin, auth, foreignHostDispatcher: guarded });
    expect(await http.get('/same')).toEqual({ ok: true });
    expect(await http.get(`${origin}/same-origin-absolute`)).toEqual({ ok: true });
  });

  it('refuse a private address on another origin, permanently, without sending anything', async () => {
    const http = createProviderHttp({ integration, apiBaseUrl: 'https://api.sample.example', auth, foreignHostDispatcher: guarded });
    const before = paths.length;
    const err = await http.get(`${origin}/metadata`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'permanent', message: expect.stringContaining('not a public address') });
    expect(paths.length).toBe(before);
  });

  it('send anywhere when no guard is given (OPENTRIGGERS_ALLOW_PRIVATE_WEBHOOK_URLS=true)', async () => {
    const http = createProviderHttp({ integration, apiBaseUrl: 'https://api.sample.example', auth });
    expect(await http.get(`${origin}/allowed`)).toEqual({ ok: true });
  });
});

describe('provider HTTP: per-credential headers', () => {
  let server: Server;
  let origin: string;
  const seen: Array<Record<string, string | string[] | undefined>> = [];
  const withAccount = defineIntegration({
    key: 'accounted', name: 'Accounted', auth: { kind: 'apiKey', header: 'x-key' }, apiBaseUrl: 'https://api.sample.example', triggers: [],
    defaultHeaders: { 'x-version': '2' },
    credentialHeaders: (credential) => {
      if (typeof credential.extra.account !== 'string') throw new ProviderError('permanent', 'extra.account: the credential needs the account id');
      // Tries to override the token: the engine's auth header must still win.
      return { 'x-account': credential.extra.account, 'x-key': 'from-extra' };
    },
  });

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => new Promise<void>((r) => server.close(() => r())));

  it("add the integration's headers for the call's credential, after the defaults and under the token", async () => {
    const http = createProviderHttp({ integration: withAccount, apiBaseUrl: origin, auth, credential: { id: 'c1', providerAccountId: null, extra: { account: '4711' } } });
    await http.get('/x');
    expect(seen.at(-1)).toMatchObject({ 'x-account': '4711', 'x-version': '2', 'x-key': 'k' });
  });

  it("fail the call with the integration's message, sending nothing, when the credential lacks the value", async () => {
    const http = createProviderHttp({ integration: withAccount, apiBaseUrl: origin, auth, credential: { id: 'c1', providerAccountId: null, extra: {} } });
    const before = seen.length;
    await expect(http.get('/x')).rejects.toMatchObject({ kind: 'permanent', message: 'extra.account: the credential needs the account id' });
    expect(seen.length).toBe(before);
  });
});

describe('provider HTTP: a token refused in the body', () => {
  let server: Server;
  let origin: string;
  const tokens: string[] = [];
  // Slack-style: HTTP 200 with {"ok": false, "error": "token_expired"} for any token but the fresh one.
  const slackish = defineIntegration({
    key: 'slackish', name: 'Slackish', auth: { kind: 'apiKey', header: 'x-key' }, apiBaseUrl: 'https://api.sample.example', triggers: [],
    tokenRefused: (res) => (res.body as { ok?: boolean; error?: string } | null)?.error === 'token_expired',
  });
  const rotating = (refreshes: { n: number }) => ({
    canRefresh: true,
    headers: async (forceRefresh: boolean) => {
      if (forceRefresh) refreshes.n++;
      return { authorization: `Bearer ${refreshes.n > 0 ? 'fresh' : 'stale'}` };
    },
  });

  beforeAll(async () => {
    server = createServer((req, res) => {
      tokens.push(req.headers.authorization ?? '');
      const body = req.headers.authorization === 'Bearer fresh' ? { ok: true } : { ok: false, error: req.url === '/other' ? 'channel_not_found' : 'token_expired' };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => new Promise<void>((r) => server.close(() => r())));

  it('gets a new token and calls once more, as after a 401', async () => {
    const refreshes = { n: 0 };
    const http = createProviderHttp({ integration: slackish, apiBaseUrl: origin, auth: rotating(refreshes) });
    tokens.length = 0;
    expect(await http.get('/x')).toEqual({ ok: true });
    expect(tokens).toEqual(['Bearer stale', 'Bearer fresh']);
    expect(refreshes.n).toBe(1);
  });

  it('returns the second refusal as it is (no loop), and other answers untouched', async () => {
    const never = { canRefresh: true, headers: async () => ({ authorization: 'Bearer stale' }) };
    const http = createProviderHttp({ integration: slackish, apiBaseUrl: origin, auth: never });
    tokens.length = 0;
    expect(await http.get('/x')).toEqual({ ok: false, error: 'token_expired' });
    expect(tokens).toHaveLength(2);
    tokens.length = 0;
    expect(await http.get('/other')).toEqual({ ok: false, error: 'channel_not_found' });
    expect(tokens).toHaveLength(1);
  });

  it('does not retry when the credential cannot get a new token (an API key)', async () => {
    const http = createProviderHttp({ integration: slackish, apiBaseUrl: origin, auth });
    tokens.length = 0;
    expect(await http.get('/x')).toEqual({ ok: false, error: 'token_expired' });
    expect(tokens).toHaveLength(1);
  });
});
