// OAuth connect end to end against a real OAuth server (oauth2-mock-server), on SQLite and PostgreSQL:
// authorization URL → provider → callback → encrypted credential → redirect with credentialId; forged,
// replayed and expired states; denied consent; redirect URL policy; reconnect.
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signState, STATE_TTL_MS } from '../../src/engine/connect.js';
import { RECONNECT_MESSAGE } from '../../src/engine/tokens.js';
import { createKeyring, generateKey } from '../../src/secrets/keyring.js';
import { DIALECTS, rawRows } from '../helpers/databases.js';
import { APP_REDIRECT, CLIENT_ID, CLIENT_SECRET, connectableTestkit, startOAuthWorld, type OAuthWorld } from '../helpers/oauth-world.js';

describe.each(DIALECTS)('OAuth connect on %s', (dialect) => {
  let w: OAuthWorld;
  beforeEach(async () => {
    w = await startOAuthWorld(dialect);
  });
  afterEach(async () => {
    await w.close();
  });

  it('connects an account: PKCE + signed state → code exchange → encrypted credential → redirect with credentialId', async () => {
    const { location, authorizationUrl, callbackUrl } = await w.connect();

    // The authorization request: our client, our callback, the integration's scopes, PKCE S256.
    expect(authorizationUrl.origin + authorizationUrl.pathname).toBe(w.oauth.authorizeUrl);
    const q = authorizationUrl.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(CLIENT_ID);
    expect(q.get('redirect_uri')).toBe(`${w.t.url}/oauth/callback`);
    expect(q.get('scope')).toBe('read');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('state')).toMatch(/^[\w-]+\.[0-9a-z]+\.[\w-]{43}$/);
    expect(callbackUrl.startsWith(`${w.t.url}/oauth/callback?`)).toBe(true);

    // The browser lands on the app's URL (its own query kept) with the new credential's id.
    expect(location.origin + location.pathname).toBe('https://app.example.com/settings/integrations');
    expect(location.searchParams.get('tab')).toBe('connected');
    const credentialId = location.searchParams.get('credentialId');
    expect(credentialId).toMatch(/^[0-9a-f-]{36}$/);

    // One code exchange, with the client secret and the verifier matching the challenge.
    expect(w.oauth.tokenRequests).toHaveLength(1);
    const exchange = w.oauth.tokenRequests[0]!;
    expect(exchange).toMatchObject({ grantType: 'authorization_code', status: 200, params: { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uri: `${w.t.url}/oauth/callback` } });
    expect(createHash('sha256').update(exchange.params.code_verifier ?? '').digest('base64url')).toBe(q.get('code_challenge'));

    // Stored: the issued tokens, the provider account from accountId(), the expiry — sealed at rest.
    const issued = w.oauth.issued[0]!;
    const stored = await w.t.svc.storage.credentials.get(credentialId!);
    expect(stored).toMatchObject({
      userId: 'user-1', integration: 'testkit', providerAccountId: 'acct_1', status: 'VALID',
      secrets: { accessToken: issued.accessToken, refreshToken: issued.refreshToken, extra: { region: 'eu-1' } },
      expiresAt: w.clock.now() + 3600_000,
    });
    const raw = JSON.stringify(await rawRows(w.t.db.url, 'credentials'));
    expect(raw).not.toContain(issued.accessToken);
    expect(raw).not.toContain(issued.refreshToken);
    expect(JSON.stringify(await rawRows(w.t.db.url, 'oauth_states'))).not.toContain(exchange.params.code_verifier);

    // The API shows the account, never a token; no URL and no log line ever carried a token.
    const list = await w.user.get(`${w.base}/credentials`);
    expect(list.body.credentials).toEqual([expect.objectContaining({ id: credentialId, integration: 'testkit', providerAccountId: 'acct_1', status: 'VALID' })]);
    expect(list.text).not.toContain(issued.accessToken);
    expect(w.logs.length).toBeGreaterThan(5); // the service logged at trace level throughout
    for (const text of [location.toString(), callbackUrl, authorizationUrl.toString(), w.logs.join('\n')]) {
      expect(text).not.toContain(issued.accessToken);
      expect(text).not.toContain(issued.refreshToken);
      expect(text).not.toContain(CLIENT_SECRET);
    }
    // The connected account works: a subscription is set up with the issued token.
    const sub = await w.user.post(`${w.base}/trigger-subscriptions`, { type: 'TESTKIT_TRIGGER_ITEM_CREATED', parameters: { folder: 'inbox' } });
    expect(sub.status).toBe(200);
    expect(sub.body.credentialId).toBe(credentialId);
    expect(w.provider.requests.at(-1)?.auth).toBe(`Bearer ${issued.accessToken}`);
  });

  it('refuses forged states before touching the database, and sends nothing to the provider', async () => {
    const start = await w.user.post(`${w.base}/connect/testkit`, { redirectUrl: APP_REDIRECT });
    const state = new URL(start.body.authorizationUrl).searchParams.get('state')!;
    const [id, exp] = state.split('.');
    const otherServiceState = signState(createKeyring(generateKey()), id!, parseInt(exp!, 36));
    const tampered = [
      `${id}.${exp}.${'A'.repeat(43)}`, // bad signature
      `${id}.${(parseInt(exp!, 36) + 60_000).toString(36)}.${state.split('.')[2]}`, // extended expiry
      otherServiceState, // signed with another service's key
      'not-a-state',
      '',
    ];
    // Count state look-ups: a forged state must be refused on its signature alone.
    const states = w.t.svc.storage.oauthStates;
    let lookups = 0;
    const consume = states.consume.bind(states);
    const get = states.get.bind(states);
    states.consume = (...a) => (lookups++, consume(...a));
    states.get = (...a) => (lookups++, get(...a));
    for (const s of tampered) {
      const r = await w.callback(`${w.t.url}/oauth/callback?code=abc&state=${encodeURIComponent(s)}`);
      expect(r.status, s).toBe(400);
      expect(r.location).toBeUndefined();
      expect(JSON.parse(r.body)).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
      expect(JSON.parse(r.body).message).toMatch(/^state: /);
    }
    const missing = await w.callback(`${w.t.url}/oauth/callback?code=abc`);
    expect(missing.status).toBe(400);
    expect(lookups).toBe(0);
    expect(w.oauth.tokenRequests).toHaveLength(0);
    expect(await w.t.svc.storage.credentials.listForUser(w.project.id, 'user-1')).toEqual([]);
    // The genuine state still works afterwards: the forgeries did not burn it.
    const cb = await w.callback(await w.authorize(start.body.authorizationUrl));
    expect(new URL(cb.location!).searchParams.get('credentialId')).toBeTruthy();
  });

  it('accepts a state once: a replayed callback is sent back with an error and creates nothing', async () => {
    const { location, callbackUrl } = await w.connect();
    expect(location.searchParams.get('credentialId')).toBeTruthy();
    const replay = await w.callback(callbackUrl);
    expect(replay.status).toBe(302);
    const back = new URL(replay.location!);
    expect(back.origin + back.pathname).toBe('https://app.example.com/settings/integrations');
    expect(back.searchParams.get('error')).toBe('invalid_state');
    expect(back.searchParams.get('credentialId')).toBeNull();
    expect(w.oauth.tokenRequests).toHaveLength(1);
    expect(await w.t.svc.storage.credentials.listForUser(w.project.id, 'user-1')).toHaveLength(1);
  });

  it('refuses an expired state (10 minutes) with a redirect saying so', async () => {
    const start = await w.user.post(`${w.base}/connect/testkit`, { redirectUrl: APP_REDIRECT });
    expect(Date.parse(start.body.expiresAt)).toBe(w.clock.now() + STATE_TTL_MS);
    const callbackUrl = await w.authorize(start.body.authorizationUrl);
    w.clock.advance(STATE_TTL_MS + 1000);
    const r = await w.callback(callbackUrl);
    expect(r.status).toBe(302);
    const back = new URL(r.location!);
    expect(back.searchParams.get('error')).toBe('expired_state');
    expect(back.searchParams.get('error_description')).toContain('10 minutes');
    expect(w.oauth.tokenRequests).toHaveLength(0);
    expect(await w.t.svc.storage.credentials.listForUser(w.project.id, 'user-1')).toEqual([]);
  });

  it('passes a denied consent back to the app as error and error_description', async () => {
    w.oauth.denyNextAuthorization('access_denied', 'The user denied access to testkit');
    const { location, callbackUrl } = await w.connect();
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('error_description')).toBe('The user denied access to testkit');
    expect(location.searchParams.get('credentialId')).toBeNull();
    expect(w.oauth.tokenRequests).toHaveLength(0);
    // The state was used up by the refusal.
    expect(new URL((await w.callback(callbackUrl.replace(/error=[^&]*/, 'code=late'))).location!).searchParams.get('error')).toBe('invalid_state');
    expect(await w.t.svc.storage.credentials.listForUser(w.project.id, 'user-1')).toEqual([]);
  });

  it('reports a refused code exchange and an unreachable account lookup as errors on the redirect', async () => {
    // Wrong client secret configured: the token endpoint answers 401 invalid_client.
    await w.t.admin.put(`/admin/v1/projects/${w.project.id}/integrations/testkit`, { enabled: true, clientSecret: 'wrong' });
    const refused = await w.connect();
    expect(refused.location.searchParams.get('error')).toBe('invalid_client');
    expect(refused.location.searchParams.get('error_description')).toContain('HTTP 401');
    await w.t.admin.put(`/admin/v1/projects/${w.project.id}/integrations/testkit`, { enabled: true, clientSecret: CLIENT_SECRET });
    // accountId() fails: the provider API is down.
    w.provider.failNext(1, 503);
    const lookup = await w.connect();
    expect(lookup.location.searchParams.get('error')).toBe('account_lookup_failed');
    expect(await w.t.svc.storage.credentials.listForUser(w.project.id, 'user-1')).toEqual([]);
  });

  it('validates the request: OAuth integration, configured client, http(s) redirect URL, allow-list', async () => {
    const post = (body: unknown, integration = 'testkit') => w.user.post(`${w.base}/connect/${integration}`, body);
    for (const redirectUrl of ['javascript:alert(1)', 'ftp://app.example.com/x', '/relative/path', 'https://user:pw@app.example.com/']) {
      const r = await post({ redirectUrl });
      expect(r.status, redirectUrl).toBe(400);
      expect(r.body.message).toMatch(/^redirectUrl: /);
    }
    expect((await post({})).status).toBe(400);
    expect((await post({ redirectUrl: APP_REDIRECT, extra: 1 })).status).toBe(400);
    const unknown = await post({ redirectUrl: APP_REDIRECT }, 'nope');
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('integration: unknown integration nope');
    const noAuth = await w.t.admin.withToken('').post(`${w.base}/connect/testkit`, { redirectUrl: APP_REDIRECT });
    expect(noAuth.status).toBe(401);

    // Allow-list on the project: only listed origins may receive the browser.
    const badOrigin = await w.t.admin.put(`/admin/v1/projects/${w.project.id}/oauth-redirect-origins`, { origins: ['https://app.example.com/path'] });
    expect(badOrigin.status).toBe(400);
    expect(badOrigin.body.message).toMatch(/^origins\[0\]: /);
    const set = await w.t.admin.put(`/admin/v1/projects/${w.project.id}/oauth-redirect-origins`, { origins: ['https://app.example.com', 'http://localhost:3000/'] });
    expect(set.body).toEqual({ origins: ['https://app.example.com', 'http://localhost:3000'] });
    expect((await w.t.admin.get(`/admin/v1/projects/${w.project.id}/oauth-redirect-origins`)).body.origins).toHaveLength(2);
    const evil = await post({ redirectUrl: 'https://evil.example.net/steal' });
    expect(evil.status).toBe(400);
    expect(evil.body.message).toContain('not in the project');
    expect((await post({ redirectUrl: 'http://localhost:3000/done' })).status).toBe(200);

    // Not configured / disabled for the project: 422 saying so.
    await w.t.admin.put(`/admin/v1/projects/${w.project.id}/integrations/testkit`, { enabled: false });
    const disabled = await post({ redirectUrl: APP_REDIRECT });
    expect(disabled.status).toBe(422);
    expect(disabled.body).toMatchObject({ code: 'INTEGRATION_NOT_CONFIGURED' });
    await w.t.admin.put(`/admin/v1/projects/${w.project.id}/integrations/testkit`, { enabled: true, clientSecret: null });
    expect((await post({ redirectUrl: APP_REDIRECT })).body.message).toContain('no OAuth client id and secret');
  });

  it("uses the project's scopes and authorization URL overrides, keeping the URL's own query", async () => {
    await w.t.admin.put(`/admin/v1/projects/${w.project.id}/integrations/testkit`, {
      enabled: true, scopes: ['read', 'write:items'], authorizationUrl: `${w.oauth.authorizeUrl}?prompt=consent&access_type=offline`,
    });
    const { authorizationUrl, location } = await w.connect();
    expect(authorizationUrl.searchParams.get('scope')).toBe('read write:items');
    expect(authorizationUrl.searchParams.get('prompt')).toBe('consent');
    expect(authorizationUrl.searchParams.get('access_type')).toBe('offline');
    expect(location.searchParams.get('credentialId')).toBeTruthy();
  });

  it('reconnecting the same account keeps the credential id and revives subscriptions ERRORED by a refused refresh', async () => {
    const first = (await w.connect()).location.searchParams.get('credentialId')!;
    const sub = await w.user.post(`${w.base}/trigger-subscriptions`, { type: 'TESTKIT_TRIGGER_ITEM_CREATED', parameters: { folder: 'inbox' } });
    expect(sub.status).toBe(200);
    // The grant is revoked at the provider: the next refresh is refused.
    w.oauth.refuseRefresh = true;
    w.provider.validTokens.clear();
    const after401 = await w.user.patch(`${w.base}/trigger-subscriptions/${sub.body.id}`, { parameters: { folder: 'archive' } });
    expect(after401.status).toBe(422);
    expect((await w.user.get(`${w.base}/trigger-subscriptions/${sub.body.id}`)).body).toMatchObject({ status: 'ERRORED', error: RECONNECT_MESSAGE });
    expect((await w.user.get(`${w.base}/credentials`)).body.credentials[0]).toMatchObject({ id: first, status: 'INVALID', statusReason: RECONNECT_MESSAGE });

    // The user reconnects the same provider account.
    w.oauth.refuseRefresh = false;
    const again = await w.connect();
    expect(again.location.searchParams.get('credentialId')).toBe(first);
    const creds = (await w.user.get(`${w.base}/credentials`)).body.credentials;
    expect(creds).toEqual([expect.objectContaining({ id: first, status: 'VALID' })]);
    expect((await w.t.svc.storage.credentials.get(first))?.secrets.accessToken).toBe(w.oauth.issued.at(-1)?.accessToken);
    const revived = await w.user.get(`${w.base}/trigger-subscriptions/${sub.body.id}`);
    expect(revived.body.status).toBe('ACTIVE');
    expect(revived.body.error).toBeUndefined();
    const logs = await w.t.svc.storage.logs.list(sub.body.id, 10);
    expect(logs[0]?.message).toContain('reconnected');
  });
});

describe.each(DIALECTS)('OAuth connect without PKCE on %s', (dialect) => {
  it('omits the challenge and the verifier when the integration does not use PKCE', async () => {
    const auth = connectableTestkit.auth.kind === 'oauth2' ? connectableTestkit.auth : null;
    const w = await startOAuthWorld(dialect, { integrations: [{ ...connectableTestkit, auth: { ...auth!, pkce: false } }] });
    try {
      const { authorizationUrl, location } = await w.connect();
      expect(authorizationUrl.searchParams.has('code_challenge')).toBe(false);
      expect(w.oauth.tokenRequests[0]?.params).not.toHaveProperty('code_verifier');
      expect(location.searchParams.get('credentialId')).toBeTruthy();
    } finally {
      await w.close();
    }
  });
});
