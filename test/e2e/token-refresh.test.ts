// OAuth token refresh end to end against a real OAuth server (oauth2-mock-server), on SQLite and
// PostgreSQL: before expiry (renewal scheduler), after a provider 401 (through a subscribe call),
// single-flight across concurrent callers and processes, rotating refresh tokens, and a refused refresh.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Renewals } from '../../src/engine/renewals.js';
import { REFRESH_MARGIN_MS, RECONNECT_MESSAGE, TokenManager } from '../../src/engine/tokens.js';
import { DIALECTS } from '../helpers/databases.js';
import { connectableTestkit, startOAuthWorld, type OAuthWorld } from '../helpers/oauth-world.js';

const HOUR = 3600_000;

describe.each(DIALECTS)('OAuth token refresh on %s', (dialect) => {
  let w: OAuthWorld;
  let credentialId: string;
  const renewals = () => new Renewals(w.t.svc.deps, { catalog: (p) => w.t.svc.subscriptions.catalogFor(p) });
  const stored = async () => (await w.t.svc.storage.credentials.get(credentialId))!;

  beforeEach(async () => {
    w = await startOAuthWorld(dialect);
    credentialId = (await w.connect()).location.searchParams.get('credentialId')!;
    expect(w.oauth.issued).toHaveLength(1);
  });
  afterEach(async () => {
    await w.close();
  });

  it('refreshes before expiry from the renewal scheduler and stores the rotated refresh token', async () => {
    const first = w.oauth.issued[0]!;
    const r = renewals();
    expect((await r.runOnce()).tokens.refreshed).toBe(0); // an hour left: not due
    w.clock.advance(HOUR - REFRESH_MARGIN_MS + 60_000); // 4 minutes before expiry
    expect((await r.runOnce()).tokens.refreshed).toBe(1);
    expect(w.oauth.refreshRequests()).toHaveLength(1);
    expect(w.oauth.refreshRequests()[0]!.params.refresh_token).toBe(first.refreshToken);

    const second = w.oauth.issued[1]!;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(await stored()).toMatchObject({
      status: 'VALID',
      secrets: { accessToken: second.accessToken, refreshToken: second.refreshToken, extra: { region: 'eu-1' } },
      expiresAt: w.clock.now() + HOUR,
    });
    // The server rotated the old refresh token out; the next cycle must use the new one — and does.
    expect(w.oauth.validRefreshTokens.has(first.refreshToken)).toBe(false);
    expect((await r.runOnce()).tokens.refreshed).toBe(0);
    w.clock.advance(HOUR - REFRESH_MARGIN_MS + 60_000);
    expect((await r.runOnce()).tokens.refreshed).toBe(1);
    expect(w.oauth.refreshRequests().map((q) => [q.params.refresh_token, q.status])).toEqual([[first.refreshToken, 200], [second.refreshToken, 200]]);
    expect((await stored()).secrets.accessToken).toBe(w.oauth.issued[2]!.accessToken);
    for (const t of w.oauth.issued) expect(w.logs.join('\n')).not.toContain(t.accessToken);
  });

  it('refreshes after a provider 401 during subscribe, once, and retries with the new token', async () => {
    const first = w.oauth.issued[0]!;
    // The provider stops accepting the first access token (still unexpired by our clock).
    w.provider.validTokens.delete(first.accessToken);
    const sub = await w.user.post(`${w.base}/trigger-subscriptions`, { type: 'TESTKIT_TRIGGER_ITEM_CREATED', parameters: { folder: 'inbox' } });
    expect(sub.status).toBe(200);
    expect(w.oauth.refreshRequests()).toHaveLength(1);
    const second = w.oauth.issued[1]!;
    const items = w.provider.requests.filter((q) => q.path.startsWith('/items'));
    expect(items.map((q) => q.auth)).toEqual([`Bearer ${first.accessToken}`, `Bearer ${second.accessToken}`]);
    expect((await stored()).secrets).toMatchObject({ accessToken: second.accessToken, refreshToken: second.refreshToken });
  });

  it('refreshes once for many concurrent callers in two processes (single-flight + lease)', async () => {
    w.clock.advance(HOUR + 1000); // expired
    w.oauth.tokenDelayMs = 300; // a slow token endpoint widens the race
    const config = await w.t.svc.storage.integrationConfigs.get(w.project.id, 'testkit');
    const processA = w.t.svc.deps.tokens;
    const processB = new TokenManager(w.t.svc.storage, w.clock.now); // another process: own in-memory map
    const headers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? processA : processB).authFor(connectableTestkit, credentialId, config).headers(false)),
    );
    expect(w.oauth.refreshRequests()).toHaveLength(1);
    const fresh = w.oauth.issued[1]!.accessToken;
    expect(new Set(headers.map((h) => h.authorization))).toEqual(new Set([`Bearer ${fresh}`]));

    // Two worker processes' schedulers racing for the next expiry: still one token request.
    w.clock.advance(HOUR + 1000);
    const workerB = new Renewals({ ...w.t.svc.deps, tokens: new TokenManager(w.t.svc.storage, w.clock.now) }, { catalog: (p) => w.t.svc.subscriptions.catalogFor(p) });
    const reports = await Promise.all([renewals().runOnce(), workerB.runOnce()]);
    expect(reports.map((r) => r.tokens.failed)).toEqual([0, 0]);
    expect(w.oauth.refreshRequests()).toHaveLength(2);
    expect((await stored()).secrets.accessToken).toBe(w.oauth.issued[2]!.accessToken);
  });

  it('marks the credential INVALID and its subscriptions ERRORED with the reconnect message when the refresh is refused', async () => {
    const poll = await w.user.post(`${w.base}/trigger-subscriptions`, { type: 'TESTKIT_TRIGGER_ITEM_CREATED', parameters: { folder: 'inbox' } });
    const hook = await w.user.post(`${w.base}/trigger-subscriptions`, { type: 'TESTKIT_TRIGGER_HOOK_EVENT', parameters: { folder: 'inbox' } });
    expect([poll.status, hook.status]).toEqual([200, 200]);
    w.oauth.refuseRefresh = true; // the user revoked the grant at the provider
    w.clock.advance(HOUR - REFRESH_MARGIN_MS + 60_000);
    const r = renewals();
    expect((await r.runOnce()).tokens).toMatchObject({ refreshed: 0, failed: 1 });
    expect(w.oauth.refreshRequests().map((q) => q.status)).toEqual([400]);

    expect(await stored()).toMatchObject({ status: 'INVALID', statusReason: RECONNECT_MESSAGE });
    const errored = await w.user.get(`${w.base}/trigger-subscriptions?status=ERRORED`);
    expect(errored.body.triggers.testkit.map((s: { id: string; error: string }) => [s.id, s.error]).sort()).toEqual(
      [[poll.body.id, RECONNECT_MESSAGE], [hook.body.id, RECONNECT_MESSAGE]].sort(),
    );
    expect(RECONNECT_MESSAGE).toContain('reconnect');
    expect((await w.t.svc.storage.logs.list(poll.body.id, 5))[0]).toMatchObject({ level: 'error', message: RECONNECT_MESSAGE });
    expect((await w.user.get(`${w.base}/credentials`)).body.credentials[0]).toMatchObject({ status: 'INVALID', statusReason: RECONNECT_MESSAGE });
    // Nothing more is asked of the provider for an invalid credential, and new subscriptions say why.
    await r.runOnce();
    expect(w.oauth.refreshRequests()).toHaveLength(1);
    const again = await w.user.post(`${w.base}/trigger-subscriptions`, { type: 'TESTKIT_TRIGGER_ITEM_CREATED', parameters: { folder: 'inbox' } });
    expect(again.status).toBe(422);
    expect(again.body.message).toContain('reconnected');
  });

  it('leaves a token without a refresh token alone until it lapses, then asks for a reconnect', async () => {
    const given = await w.user.post(`${w.base}/credentials`, { integration: 'testkit', accessToken: 'valid-token', providerAccountId: 'acct_9', expiresAt: w.clock.now() + 2 * 60_000 });
    expect(given.status).toBe(201);
    const r = renewals();
    expect((await r.runOnce()).tokens).toMatchObject({ refreshed: 0, failed: 0, skipped: 1 });
    expect((await w.t.svc.storage.credentials.get(given.body.id))?.status).toBe('VALID');
    w.clock.advance(3 * 60_000);
    expect((await r.runOnce()).tokens.failed).toBe(1);
    expect((await w.t.svc.storage.credentials.get(given.body.id))?.status).toBe('INVALID');
    expect(w.oauth.refreshRequests()).toHaveLength(0);
  });
});
