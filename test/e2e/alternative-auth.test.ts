// Integrations that take two kinds of accounts (`alternativeAuth`: OAuth 2 and an API key), end to end on SQLite and
// PostgreSQL: a credential given with `apiKey` sends the key the integration's way and is never "refreshed" (a 401
// marks it INVALID after one call), one given with `accessToken` (or made by the connect flow) is an OAuth token
// refreshed as usual, a credential with neither is refused naming both, and the admin listing names both kinds.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineIntegration, defineTrigger } from '../../src/sdk/index.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import { startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import { startMockOAuth, type MockOAuth } from '../helpers/oauth-mock.js';

const CLIENT = { clientId: 'dual-client', clientSecret: 'dual-secret' };

const itemCreated = defineTrigger<Record<string, never>>({
  type: 'DUALDEMO_TRIGGER_ITEM_CREATED',
  title: 'New item',
  description: 'Fires when an item is created (polling).',
  parameters: [],
  examplePayload: { id: 'i1' },
  source: {
    kind: 'poll',
    async poll(ctx) {
      const res: { items: Array<{ id: string }> } = await ctx.http.get('/items');
      return { items: res.items.map((i) => ({ key: i.id, payload: i })), cursor: res.items.length };
    },
  },
});

const dualdemo = defineIntegration({
  key: 'dualdemo',
  name: 'Dual demo',
  auth: { kind: 'oauth2', authorizationUrl: 'https://auth.dual.example/authorize', tokenUrl: 'https://auth.dual.example/token', scopes: ['read'], pkce: true },
  alternativeAuth: { kind: 'apiKey', header: 'authorization', prefix: 'Token token=' },
  apiBaseUrl: 'https://api.dual.example',
  triggers: [itemCreated],
});

/** Accepts `Token token=good-key` and the Bearer tokens the OAuth server issued. */
async function startProvider(oauth: MockOAuth) {
  const bearers = new Set<string>(['minted-elsewhere']);
  const seen: string[] = [];
  oauth.onAccessToken = (t) => bearers.add(t);
  const server: Server = createServer((req, res) => {
    const auth = req.headers.authorization ?? '';
    seen.push(auth);
    const ok = auth === 'Token token=good-key' || (auth.startsWith('Bearer ') && bearers.has(auth.slice(7)));
    if (!ok) return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[]}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    revoke: (token: string) => bearers.delete(token),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe.each(DIALECTS)('two kinds of accounts for one integration on %s', (dialect) => {
  let oauth: MockOAuth;
  let provider: Awaited<ReturnType<typeof startProvider>>;
  let w: IntegrationWorld;
  const credential = async (body: Record<string, unknown>) => w.user.post(`${w.base}/credentials`, { integration: 'dualdemo', ...body });
  const subscribeWith = (credentialId: string) => w.subscribe('DUALDEMO_TRIGGER_ITEM_CREATED', {}, { 'x-paragon-credential': credentialId });
  const statusOf = async (id: string) => ((await w.user.get(`${w.base}/credentials`)).body.credentials as Array<{ id: string; status: string }>).find((c) => c.id === id)?.status;

  beforeEach(async () => {
    oauth = await startMockOAuth(CLIENT);
    provider = await startProvider(oauth);
    w = await startIntegrationWorld({
      dialect, integration: dualdemo, now: new TestClock(Date.now()).now,
      config: { apiBaseUrl: provider.url, tokenUrl: oauth.tokenUrl, authorizationUrl: oauth.authorizeUrl, ...CLIENT },
    });
  });
  afterEach(async () => {
    await w.close();
    await provider.close();
    await oauth.close();
  });

  it('lists both kinds, and refuses a credential with neither, naming both', async () => {
    const listed = (await w.t.admin.get(`/admin/v1/projects/${w.project.id}/integrations`)).body.integrations.find((i: { integration: string }) => i.integration === 'dualdemo');
    expect(listed).toMatchObject({ authKind: 'oauth2', authKinds: ['oauth2', 'apiKey'] });
    const r = await credential({ providerAccountId: 'acct' });
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/apiKey or an OAuth accessToken/);
  });

  it('sends an API key the integration\'s way and never tries to refresh it', async () => {
    const key = await credential({ apiKey: 'good-key' });
    expect(key.status, key.text).toBe(201);
    expect(subscriptionOf(await subscribeWith(key.body.id)).status).toBe('ACTIVE');
    expect(provider.seen.at(-1)).toBe('Token token=good-key');

    const bad = await credential({ apiKey: 'revoked-key' });
    const before = provider.seen.length;
    expect((await subscribeWith(bad.body.id)).status).not.toBe(200);
    expect(provider.seen.slice(before)).toEqual(['Token token=revoked-key']); // one call: a key cannot be refreshed
    expect(oauth.tokenRequests).toHaveLength(0);
    expect(await statusOf(bad.body.id)).toBe('INVALID'); // as a refused poll does: the account needs reconnecting
    expect(await statusOf(key.body.id)).toBe('VALID');
  });

  it('treats an access token as OAuth: Bearer, refreshed after a 401 with the refresh token', async () => {
    const seed = await fetchTokens(oauth);
    const tok = await credential({ accessToken: seed.access_token, refreshToken: seed.refresh_token });
    expect(tok.status, tok.text).toBe(201);
    provider.revoke(seed.access_token);
    expect(subscriptionOf(await subscribeWith(tok.body.id)).status).toBe('ACTIVE');
    expect(oauth.refreshRequests()).toHaveLength(1);
    expect(provider.seen.slice(-2)).toEqual([`Bearer ${seed.access_token}`, `Bearer ${oauth.issued.at(-1)!.accessToken}`]);
    expect(await statusOf(tok.body.id)).toBe('VALID');
  });
});

/** A token pair from the mock server, as an app that connected the account elsewhere would hold. */
async function fetchTokens(oauth: MockOAuth): Promise<{ access_token: string; refresh_token: string }> {
  const { request } = await import('undici');
  const res = await request(oauth.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, scope: 'read' }).toString(),
  });
  const body = (await res.body.json()) as { access_token: string; refresh_token?: string };
  // client_credentials answers carry no refresh token; the mock accepts any it issued, so register one.
  const refresh = body.refresh_token ?? `rt-${Date.now()}`;
  oauth.validRefreshTokens.add(refresh);
  oauth.tokenRequests.length = 0;
  oauth.issued.length = 0;
  return { access_token: body.access_token, refresh_token: refresh };
}
