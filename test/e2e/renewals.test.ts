// Renewal of expiring provider subscriptions through the real service, on SQLite and PostgreSQL: renew
// with margin, 404 → re-create with a fresh secret, 429 slows down, repeated failures → ERRORED with the
// last error, one renewer per subscription across processes, and the timer-driven role stops cleanly.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_RENEW_FAILURES, RENEW_BACKOFF_MS, Renewals } from '../../src/engine/renewals.js';
import { RENEW_MARGIN_MS } from '../../src/engine/subscriptions.js';
import { TokenManager } from '../../src/engine/tokens.js';
import { ProviderError, defineTrigger, type IntegrationDefinition } from '../../src/sdk/index.js';
import { DIALECTS } from '../helpers/databases.js';
import { connectableTestkit, startOAuthWorld, type OAuthWorld } from '../helpers/oauth-world.js';
import { testkitHookScheme } from '../helpers/testkit-integration.js';

const CHANNEL_TTL_MS = 24 * 3600_000;

/** A per-subscription provider webhook that expires after a day, like a Google push channel. */
const channelEvent = defineTrigger<{ folder: string }>({
  type: 'TESTKIT_TRIGGER_CHANNEL_EVENT',
  title: 'Channel event (expiring webhook)',
  description: 'A provider subscription that lives a day and must be renewed.',
  parameters: [{ id: 'folder', title: 'Folder', type: 'TEXT', required: true }],
  examplePayload: { id: 'evt_1' },
  source: {
    kind: 'webhook',
    verification: testkitHookScheme,
    async register(ctx) {
      const r = await ctx.http.request<{ id: string }>({ method: 'POST', path: '/hooks', json: { url: ctx.hookUrl, secret: ctx.secret, folder: ctx.params.folder } });
      return { state: { hookId: r.body.id }, expiresAt: ctx.now() + CHANNEL_TTL_MS };
    },
    async unregister(ctx) {
      await ctx.http.request({ method: 'DELETE', path: `/hooks/${String(ctx.state.hookId)}`, allowStatus: [404] });
    },
    async renew(ctx) {
      await ctx.http.request({ method: 'POST', path: `/hooks/${String(ctx.state.hookId)}/renew` });
      return { state: ctx.state, expiresAt: ctx.now() + CHANNEL_TTL_MS };
    },
    toItems(req) {
      const body = req.body as { id?: string };
      if (typeof body.id !== 'string') throw new ProviderError('permanent', 'event without id');
      return [{ key: body.id, payload: body }];
    },
  },
});

const integration: IntegrationDefinition = { ...connectableTestkit, triggers: [...connectableTestkit.triggers, channelEvent] };

describe.each(DIALECTS)('provider subscription renewals on %s', (dialect) => {
  let w: OAuthWorld;
  let subId: string;
  const renewals = (tokens?: TokenManager) =>
    new Renewals(tokens ? { ...w.t.svc.deps, tokens } : w.t.svc.deps, { catalog: (p) => w.t.svc.subscriptions.catalogFor(p) });
  const sub = async () => (await w.t.svc.storage.subscriptions.get(subId))!;
  const renewRequests = () => w.provider.requests.filter((q) => q.path.endsWith('/renew'));
  const messages = async () => (await w.t.svc.storage.logs.list(subId, 20)).map((l) => `${l.level}: ${l.message}`);

  beforeEach(async () => {
    w = await startOAuthWorld(dialect, { integrations: [integration] });
    await w.connect();
    w.oauth.expiresIn = 100 * 24 * 3600; // keep token refresh out of these tests
    const r = await w.user.post(`${w.base}/trigger-subscriptions`, { type: 'TESTKIT_TRIGGER_CHANNEL_EVENT', parameters: { folder: 'inbox' } });
    expect(r.status).toBe(200);
    subId = r.body.id;
  });
  afterEach(async () => {
    await w.close();
  });

  it('renews before expiry, with the margin, and only when due', async () => {
    const created = await sub();
    expect(created.renewAt).toBe(w.clock.now() + CHANNEL_TTL_MS - RENEW_MARGIN_MS);
    const r = renewals();
    expect((await r.runOnce()).subscriptions).toEqual({});
    w.clock.advance(CHANNEL_TTL_MS - RENEW_MARGIN_MS);
    expect((await r.runOnce()).subscriptions).toEqual({ renewed: 1 });
    const hook = [...w.provider.hooks.values()][0]!;
    expect(hook.renewals).toBe(1);
    expect(await sub()).toMatchObject({ renewAt: w.clock.now() + CHANNEL_TTL_MS - RENEW_MARGIN_MS, state: { hookId: hook.id }, secret: created.secret, status: 'ACTIVE' });
    expect((await messages())[0]).toMatch(/^info: provider subscription renewed until /);
    expect((await r.runOnce()).subscriptions).toEqual({});
    expect(renewRequests()).toHaveLength(1);
  });

  it('re-creates the provider subscription with a fresh secret when renew answers 404', async () => {
    const before = await sub();
    w.provider.hooks.clear(); // the provider forgot the channel
    w.clock.advance(CHANNEL_TTL_MS - RENEW_MARGIN_MS);
    expect((await renewals().runOnce()).subscriptions).toEqual({ recreated: 1 });
    const [hook] = [...w.provider.hooks.values()];
    expect(hook?.url).toBe(`${w.t.url}/hooks/s/${subId}`);
    const after = await sub();
    expect(after.state).toEqual({ hookId: hook!.id });
    expect(hook!.id).not.toBe(before.state.hookId);
    expect(after.secret).toBe(hook!.secret);
    expect(after.secret).not.toBe(before.secret);
    expect(after.renewAt).toBe(w.clock.now() + CHANNEL_TTL_MS - RENEW_MARGIN_MS);
    expect((await messages())[0]).toContain('404 on renew');
  });

  it('backs off on failures, makes the subscription ERRORED after repeated ones, and treats 429 as a pause', async () => {
    const r = renewals();
    w.clock.advance(CHANNEL_TTL_MS - RENEW_MARGIN_MS);
    // A rate limit is not a failure: retry after the provider's pause.
    w.provider.failNext(1, 429, { 'retry-after': '120' });
    expect((await r.runOnce()).subscriptions).toEqual({ rate_limited: 1 });
    expect(await sub()).toMatchObject({ consecutiveFailures: 0, renewAt: w.clock.now() + 120_000 });
    w.clock.advance(120_000);
    for (let attempt = 1; attempt <= MAX_RENEW_FAILURES; attempt++) {
      w.provider.failNext(1, 500);
      const outcome = (await r.runOnce()).subscriptions;
      const s = await sub();
      if (attempt < MAX_RENEW_FAILURES) {
        expect(outcome).toEqual({ failed: 1 });
        expect(s).toMatchObject({ status: 'ACTIVE', consecutiveFailures: attempt, renewAt: w.clock.now() + RENEW_BACKOFF_MS[attempt - 1]! });
        expect((await r.runOnce()).subscriptions).toEqual({}); // not due during the backoff
        w.clock.advance(RENEW_BACKOFF_MS[attempt - 1]!);
      } else {
        expect(outcome).toEqual({ errored: 1 });
        expect(s.status).toBe('ERRORED');
        expect(s.error).toContain(`failed ${MAX_RENEW_FAILURES} times`);
        expect(s.error).toContain('HTTP 500');
      }
    }
    expect((await messages())[0]).toMatch(/^error: Renewing the provider subscription failed 5 times/);
    const api = await w.user.get(`${w.base}/trigger-subscriptions/${subId}`);
    expect(api.body).toMatchObject({ status: 'ERRORED', error: expect.stringContaining('HTTP 500') });
    // An ERRORED subscription still holds events, so its channel keeps being renewed (slowly).
    w.clock.advance(3600_000);
    expect((await r.runOnce()).subscriptions).toEqual({ renewed: 1 });
    expect(await sub()).toMatchObject({ consecutiveFailures: 0, status: 'ERRORED' });
  });

  it('renews each due subscription once when several workers run at the same moment', async () => {
    for (let i = 0; i < 4; i++) {
      const r = await w.user.post(`${w.base}/trigger-subscriptions`, { type: 'TESTKIT_TRIGGER_CHANNEL_EVENT', parameters: { folder: `f${i}` } });
      expect(r.status).toBe(200);
    }
    w.clock.advance(CHANNEL_TTL_MS - RENEW_MARGIN_MS);
    const workers = [renewals(), renewals(new TokenManager(w.t.svc.storage, w.clock.now)), renewals(new TokenManager(w.t.svc.storage, w.clock.now))];
    const reports = await Promise.all(workers.map((x) => x.runOnce()));
    expect(reports.reduce((n, rep) => n + (rep.subscriptions.renewed ?? 0), 0)).toBe(5);
    expect(renewRequests()).toHaveLength(5);
    expect(new Set(renewRequests().map((q) => q.path)).size).toBe(5);
  });

  it('runs on a timer as a background role and stops gracefully', async () => {
    w.clock.advance(CHANNEL_TTL_MS - RENEW_MARGIN_MS);
    const r = new Renewals(w.t.svc.deps, { catalog: (p) => w.t.svc.subscriptions.catalogFor(p), intervalMs: 20 });
    r.start();
    for (let i = 0; i < 100 && renewRequests().length === 0; i++) await new Promise((res) => setTimeout(res, 20));
    await r.stop();
    expect(renewRequests()).toHaveLength(1);
    const after = renewRequests().length;
    await new Promise((res) => setTimeout(res, 100));
    expect(renewRequests()).toHaveLength(after);
  });
});
