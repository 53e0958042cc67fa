// Client-credentials accounts (RFC 6749 §4.4) end to end, on SQLite and PostgreSQL, against a real OAuth server
// (oauth2-mock-server) and a small provider that accepts only the tokens that server issued: the credential is stored
// as a client id and secret (checked field by field, never echoed), the engine exchanges it for a token at the first
// call (with the scope and the declared extra field), keeps the token while it is valid, exchanges again before it
// expires and after a 401, and a client the provider refuses marks the credential INVALID and the subscription
// ERRORED.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLIENT_REFUSED_MESSAGE } from '../../src/engine/tokens.js';
import { ccdemoIntegration } from '../helpers/ccdemo-integration.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import { startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import { startMockOAuth, type MockOAuth } from '../helpers/oauth-mock.js';

const CLIENT_ID = 'cc-client';
const CLIENT_SECRET = 'cc-secret-never-shown';
const MIN = 60_000;

/** The provider: `GET /items` with a Bearer token the OAuth server issued and that was not revoked since. */
async function startProvider(oauth: MockOAuth) {
  const valid = new Set<string>();
  const seen: string[] = [];
  const items: Array<{ id: string }> = [];
  oauth.onAccessToken = (token) => valid.add(token);
  const server: Server = createServer((req, res) => {
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    seen.push(token);
    if (req.url !== '/items') return void res.writeHead(404).end();
    if (!valid.has(token)) return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_token"}');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    items, seen,
    revokeAll: () => valid.clear(),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe.each(DIALECTS)('client-credentials accounts on %s', (dialect) => {
  let oauth: MockOAuth;
  let provider: Awaited<ReturnType<typeof startProvider>>;
  let w: IntegrationWorld;
  let clock: TestClock;
  const exchanges = () => oauth.tokenRequests.filter((r) => r.grantType === 'client_credentials');
  const credential = (body: Record<string, unknown>) => w.user.post(`${w.base}/credentials`, { integration: 'ccdemo', ...body });
  const stored = async (id: string) => ((await w.user.get(`${w.base}/credentials`)).body.credentials as Array<{ id: string }>).find((c) => c.id === id);
  const poll = async () => {
    clock.advance(2_000);
    await w.poller!.runDue();
    await w.worker.drain();
  };

  beforeEach(async () => {
    clock = new TestClock(Date.now());
    oauth = await startMockOAuth({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    provider = await startProvider(oauth);
    w = await startIntegrationWorld({ dialect, integration: ccdemoIntegration, now: clock.now, poller: true, config: { apiBaseUrl: provider.url, tokenUrl: oauth.tokenUrl } });
  });
  afterEach(async () => {
    await w.close();
    await provider.close();
    await oauth.close();
  });

  it('refuses an incomplete credential naming the field, and stores nothing', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ clientSecret: CLIENT_SECRET, extra: { userId: '42' } }, 'clientId'],
      [{ clientId: CLIENT_ID, extra: { userId: '42' } }, 'clientSecret'],
      [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, 'extra.userId'],
      [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, extra: { userId: {} } }, 'extra.userId'],
      [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, accessToken: 'minted-elsewhere', extra: { userId: '42' } }, 'accessToken'],
      [{ clientId: CLIENT_ID, clientSecret: 7, extra: { userId: '42' } }, 'clientSecret'],
    ];
    for (const [body, field] of cases) {
      const r = await credential(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.text).toContain(field);
      expect(r.text).not.toContain(CLIENT_SECRET);
    }
    expect((await w.user.get(`${w.base}/credentials`)).body).toEqual({ credentials: [] });
    expect(exchanges()).toHaveLength(0);
  });

  it('exchanges the client for a token at the first call, keeps it while valid, again before expiry and after a 401', async () => {
    const created = await credential({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, extra: { userId: '42' } });
    expect(created.status, created.text).toBe(201);
    expect(created.text).not.toContain(CLIENT_SECRET);
    expect(JSON.stringify((await w.user.get(`${w.base}/credentials`)).body)).not.toContain(CLIENT_SECRET);
    expect(exchanges()).toHaveLength(0); // nothing is fetched before it is needed

    const sub = subscriptionOf(await w.subscribe('CCDEMO_TRIGGER_ITEM_CREATED', {}));
    expect(sub.status).toBe('ACTIVE');
    expect(exchanges()).toHaveLength(1);
    expect(exchanges()[0]!.params).toMatchObject({ grant_type: 'client_credentials', client_id: CLIENT_ID, scope: 'items:read items:list', sub: '42' });
    const first = oauth.issued[0]!.accessToken;
    expect(provider.seen.at(-1)).toBe(first);

    provider.items.push({ id: 'i1' });
    await poll();
    expect((await w.receiver.waitFor(1))[0]!.json).toMatchObject({ triggerType: 'CCDEMO_TRIGGER_ITEM_CREATED', payload: { id: 'i1' } });
    expect(exchanges()).toHaveLength(1); // the stored token was used again
    expect(provider.seen.at(-1)).toBe(first);

    clock.advance(56 * MIN); // within the refresh margin of the token's hour
    await poll();
    expect(exchanges()).toHaveLength(2);
    expect(provider.seen.at(-1)).toBe(oauth.issued[1]!.accessToken);

    provider.revokeAll(); // the provider answers 401: one new exchange, and the call is made again with it
    provider.items.push({ id: 'i2' });
    await poll();
    expect(exchanges()).toHaveLength(3);
    expect((await w.receiver.waitFor(2))[1]!.json).toMatchObject({ payload: { id: 'i2' } });
    expect(await stored(created.body.id)).toMatchObject({ status: 'VALID' });
  });

  it('a client the provider refuses marks the credential INVALID and the subscription is not made', async () => {
    const created = await credential({ clientId: CLIENT_ID, clientSecret: 'a-wrong-secret', extra: { userId: 42 } });
    expect(created.status, created.text).toBe(201);
    const r = await w.subscribe('CCDEMO_TRIGGER_ITEM_CREATED', {});
    expect(r.status).not.toBe(200);
    expect(r.text).not.toContain('a-wrong-secret');
    expect(exchanges().map((e) => [e.status, e.params.sub])).toEqual([[401, '42']]);
    expect(await stored(created.body.id)).toMatchObject({ status: 'INVALID', statusReason: CLIENT_REFUSED_MESSAGE });
  });
});
