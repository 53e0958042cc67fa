// Calendly end to end through the public API, on SQLite and PostgreSQL: subscribe → a webhook subscription is
// created at the fake Calendly (our per-subscription URL, the trigger's event, the user's organization and user
// URIs, a fresh signing key) → Calendly delivers a signed invitee.created → exactly one signed delivery of the
// webhook body → Calendly's retry (re-signed, same body) adds nothing → unsubscribe → the Calendly subscription
// is deleted. Plus forged and stale signatures (401, nothing stored), an expired token refreshed with a
// single-use refresh token, Calendly's 429 / 5xx / 403 at subscribe time, and the hourly check that creates a
// subscription Calendly deleted or disabled again (ADR 0018).
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import { calendlyIntegration } from '../../src/integrations/calendly/integration.js';
import inviteeCanceled from '../../src/integrations/calendly/fixtures/invitee-canceled.json' with { type: 'json' };
import inviteeCreated from '../../src/integrations/calendly/fixtures/invitee-created.json' with { type: 'json' };
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld, subscriptionOf } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeCalendly, type CalendlyHook, type FakeCalendly } from '../providers/calendly.js';

describe.each(DIALECTS)('Calendly end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let cal: FakeCalendly;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const events = () => w.events();
  const subscribe = (type: string, parameters: Record<string, unknown> = {}, headers?: Record<string, string>) => w.subscribe(type, parameters, headers);
  const subscribed = async (type: string, parameters: Record<string, unknown> = {}) => subscriptionOf(await subscribe(type, parameters));
  const hookFor = (subscriptionId: string): CalendlyHook | undefined => [...cal.hooks.values()].find((h) => h.callback_url === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    cal = await startFakeCalendly();
    cal.validTokens.add('valid-token');
    w = await startIntegrationWorld({
      dialect,
      integration: calendlyIntegration,
      config: {
        clientId: cal.clientId, clientSecret: cal.clientSecret, apiBaseUrl: cal.url, tokenUrl: cal.tokenUrl,
      },
      credential: {
        accessToken: 'valid-token', providerAccountId: cal.userUri,
        extra: { userUri: cal.userUri, organizationUri: cal.organizationUri },
      },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
    expect(w.config.webhookUrl).toBeNull(); // per-subscription webhooks: nothing to paste
  });
  afterEach(async () => {
    await w.close();
    await cal.close();
  });

  it('invitee created: subscription created, one signed delivery of the webhook body, retry deduplicated, subscription deleted', async () => {
    const sub = await subscribed('CALENDLY_TRIGGER_INVITEE_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId, parameters: { scope: 'user' } });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ events: ['invitee.created'], scope: 'user', organization: cal.organizationUri, user: cal.userUri, state: 'active' });
    expect(hook.signing_key).toMatch(/^[0-9a-f]{64}$/);
    expect(cal.requests.find((r) => r.method === 'POST')!.auth).toBe('Bearer valid-token');

    const first = await cal.deliver(hook.uuid, inviteeCreated);
    expect(first.status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      userId: 'user-1', integration: 'calendly', triggerType: 'CALENDLY_TRIGGER_INVITEE_CREATED', triggerSubscriptionId: sub.id,
      credentialId, projectId: project.id, payload: inviteeCreated,
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // Calendly retries with a fresh signature over the same body: acknowledged, nothing new.
    expect((await cal.deliver(hook.uuid, inviteeCreated, { timestamp: Math.floor(Date.now() / 1000) + 1 })).status).toBe(200);
    // An event of the other type reaching this URL is acknowledged and ignored.
    expect((await cal.deliver(hook.uuid, inviteeCanceled)).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(cal.hooks.size).toBe(0);
    expect(cal.deletedHooks.map((x) => x.uuid)).toEqual([hook.uuid]);
    expect(cal.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/webhook_subscriptions/${hook.uuid}` });
    // A delivery in flight when the subscription went away finds nothing.
    cal.hooks.set(hook.uuid, hook);
    expect((await cal.deliver(hook.uuid, inviteeCreated)).status).toBe(404);
  });

  it('both triggers for a reschedule: the cancel half and the new booking, each delivered once to its subscription', async () => {
    const created = await subscribed('CALENDLY_TRIGGER_INVITEE_CREATED');
    const canceled = await subscribed('CALENDLY_TRIGGER_INVITEE_CANCELED');
    const oldUri = inviteeCanceled.payload.uri;
    const newUri = 'https://api.calendly.com/scheduled_events/HHHHHHHHHHHHHHHH/invitees/IIIIIIIIIIIIIIII';
    const cancelHalf = { ...inviteeCanceled, payload: { ...inviteeCanceled.payload, rescheduled: true, new_invitee: newUri } };
    const newBooking = { ...inviteeCreated, payload: { ...inviteeCreated.payload, uri: newUri, old_invitee: oldUri } };
    expect((await cal.deliver(hookFor(canceled.id)!.uuid, cancelHalf)).status).toBe(200);
    expect((await cal.deliver(hookFor(created.id)!.uuid, newBooking)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(2);
    const got = receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: any });
    expect(got.map((g) => [g.triggerType, g.triggerSubscriptionId, g.payload.payload.uri]).sort()).toEqual([
      ['CALENDLY_TRIGGER_INVITEE_CANCELED', canceled.id, oldUri],
      ['CALENDLY_TRIGGER_INVITEE_CREATED', created.id, newUri],
    ]);
  });

  it('refuses forged, tampered, stale and unsigned deliveries with 401 and stores nothing', async () => {
    const sub = await subscribed('CALENDLY_TRIGGER_INVITEE_CANCELED');
    const hook = hookFor(sub.id)!;
    expect((await cal.deliver(hook.uuid, inviteeCanceled, { key: 'not-the-signing-key' })).status).toBe(401);
    expect((await cal.deliver(hook.uuid, inviteeCanceled, { timestamp: Math.floor(Date.now() / 1000) - 600 })).status).toBe(401);
    const body = JSON.stringify(inviteeCanceled);
    const t0 = Math.floor(Date.now() / 1000);
    const v1 = createHmac('sha256', hook.signing_key!).update(`${t0}.${body}`).digest('hex');
    const tampered = await fetch(hook.callback_url, { method: 'POST', headers: { 'content-type': 'application/json', 'calendly-webhook-signature': `t=${t0},v1=${v1}` }, body: body.replace('Meeting conflict', 'Changed') });
    expect(tampered.status).toBe(401);
    const unsigned = await fetch(hook.callback_url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    await worker.drain();
    expect(await events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it("verifies with the OAuth app's signing key once configured, still with the key we sent, and follows a rotated app key at once", async () => {
    const configure = (webhookSecret: string | null) => t.admin.put(`/admin/v1/projects/${project.id}/integrations/calendly`, { enabled: true, webhookSecret });
    const sub = await subscribed('CALENDLY_TRIGGER_INVITEE_CREATED');
    const hook = hookFor(sub.id)!;
    const at = (n: number) => ({ ...inviteeCreated, payload: { ...inviteeCreated.payload, uri: `${inviteeCreated.payload.uri}-${n}` } });
    // Not configured yet: the app's key is not trusted.
    cal.signWith = 'app';
    expect((await cal.deliver(hook.uuid, at(1))).status).toBe(401);
    // Configured after the subscription was made: it applies to it without subscribing again.
    expect((await configure(cal.appSigningKey)).status).toBe(200);
    expect((await cal.deliver(hook.uuid, at(2))).status).toBe(200);
    // A personal-token subscription is still signed with the key we sent: accepted too.
    cal.signWith = 'subscription';
    expect((await cal.deliver(hook.uuid, at(3))).status).toBe(200);
    // The app key rotated: the new one applies at once, the old one no longer does.
    expect((await configure('rotated-app-key')).status).toBe(200);
    expect((await cal.deliver(hook.uuid, at(4), { key: 'rotated-app-key' })).status).toBe(200);
    expect((await cal.deliver(hook.uuid, at(5), { key: cal.appSigningKey })).status).toBe(401);
    await worker.drain();
    await receiver.waitFor(3);
    expect((await events()).map((e) => e.payload.payload.uri).sort()).toEqual([2, 3, 4].map((n) => `${inviteeCreated.payload.uri}-${n}`));
  });

  it('refreshes an expired token once (single-use refresh token rotated) and creates the subscription with the new one', async () => {
    cal.refreshTokens.add('refresh-1');
    const stale = await user.post(`${base}/credentials`, { integration: 'calendly', accessToken: 'expired-token', refreshToken: 'refresh-1', providerAccountId: cal.userUri });
    expect(stale.status, stale.text).toBe(201);
    const r = await subscribe('CALENDLY_TRIGGER_INVITEE_CREATED', {}, { 'x-paragon-credential': stale.body.id });
    expect(r.status, r.text).toBe(200);
    const refresh = cal.requests.find((q) => q.path === '/oauth/token')!;
    expect(refresh.body).toEqual({ grant_type: 'refresh_token', refresh_token: 'refresh-1' });
    expect(refresh.auth).toMatch(/^Basic /);
    expect(cal.refreshTokens.has('refresh-1')).toBe(false);
    const stored = (await t.svc.storage.credentials.get(stale.body.id))!;
    expect(cal.refreshTokens.has(stored.secrets.refreshToken!)).toBe(true);
    // No URIs in this credential's extra: looked up with the refreshed token, then the subscription created.
    const calls = cal.requests.filter((q) => q.path !== '/oauth/token').map((q) => [`${q.method} ${q.path}`, q.auth]);
    expect(calls).toEqual([
      ['GET /users/me', 'Bearer expired-token'],
      ['GET /users/me', `Bearer ${stored.secrets.accessToken}`],
      ['POST /webhook_subscriptions', `Bearer ${stored.secrets.accessToken}`],
    ]);
    expect(hookFor(r.body.id)).toBeDefined();
  });

  it('reports Calendly refusals at subscribe time and stores nothing: organization scope, rate limit, 5xx, revoked token', async () => {
    const org = await subscribe('CALENDLY_TRIGGER_INVITEE_CREATED', { scope: 'organization' });
    expect(org.status).toBe(422);
    expect(org.body.message).toContain('Permission Denied');
    expect((await subscribe('CALENDLY_TRIGGER_INVITEE_CREATED', { scope: 'group' })).status).toBe(400);
    cal.rateLimitNext(30);
    expect((await subscribe('CALENDLY_TRIGGER_INVITEE_CREATED')).status).toBe(429);
    cal.failNext(1, 502);
    expect((await subscribe('CALENDLY_TRIGGER_INVITEE_CREATED')).status).toBe(502);
    const revoked = await user.post(`${base}/credentials`, { integration: 'calendly', accessToken: 'revoked', providerAccountId: cal.userUri, extra: { userUri: cal.userUri, organizationUri: cal.organizationUri } });
    const r401 = await subscribe('CALENDLY_TRIGGER_INVITEE_CREATED', {}, { 'x-paragon-credential': revoked.body.id });
    expect(r401.status).toBe(422);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(cal.hooks.size).toBe(0);
    // An admin may watch the whole organization.
    cal.role = 'admin';
    const ok = await subscribed('CALENDLY_TRIGGER_INVITEE_CREATED', { scope: 'organization' });
    expect(hookFor(ok.id)).toMatchObject({ scope: 'organization', user: null });
  });

  it('checks the subscription every hour: one Calendly deleted or disabled is created again and delivers', async () => {
    const sub = await subscribed('CALENDLY_TRIGGER_INVITEE_CREATED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });
    const logs = async () => JSON.stringify((await t.admin.get(`/admin/v1/projects/${project.id}/subscriptions/${sub.id}/logs`)).body);
    const gets = () => cal.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/webhook_subscriptions/'));

    // Still there: one GET of the subscription, nothing else.
    const first = hookFor(sub.id)!;
    const before = cal.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(cal.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /webhook_subscriptions/${first.uuid}`]);
    expect(gets()).toHaveLength(1);
    expect((await t.svc.storage.subscriptions.get(sub.id))!.renewAt! - Date.now()).toBeGreaterThan(55 * 60_000);

    // Our URL answered 410 once (or the user deleted it): Calendly removed it. A new one, with a new signing key.
    cal.hooks.delete(first.uuid);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect(second.uuid).not.toBe(first.uuid);
    expect(second.signing_key).toMatch(/^[0-9a-f]{64}$/);
    expect(second.signing_key).not.toBe(first.signing_key);
    expect(await logs()).toContain('the webhook was deleted at the provider (found by the hourly check); registered it again with a new secret; events from while it was missing were not sent by the provider and cannot be recovered');
    expect((await cal.deliver(second.uuid, inviteeCreated, { key: first.signing_key! })).status).toBe(401);
    expect((await cal.deliver(second.uuid, inviteeCreated)).status).toBe(200);
    await worker.drain();
    expect((await receiver.waitFor(1)).map((r) => (r.json as { triggerSubscriptionId: string }).triggerSubscriptionId)).toEqual([sub.id]);

    // Deliveries failed for 24 hours: Calendly disabled it. It still holds the URL (409 for a second one), so the
    // disabled one is deleted first, then a new one created.
    second.state = 'disabled';
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const third = hookFor(sub.id)!;
    expect([third.uuid === second.uuid, third.state]).toEqual([false, 'active']);
    expect(cal.deletedHooks.map((h) => h.uuid)).toEqual([second.uuid]);
    expect(cal.hooks.size).toBe(1);
    expect(await logs()).toContain('the provider had disabled this webhook; removed it and registered a new one with a new secret');
    expect((await cal.deliver(third.uuid, { ...inviteeCreated, payload: { ...inviteeCreated.payload, uri: `${inviteeCreated.payload.uri}-2` } })).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(2);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });

  it('unsubscribes when Calendly already removed the subscription (404), and warns when the deletion fails', async () => {
    const gone = await subscribed('CALENDLY_TRIGGER_INVITEE_CREATED');
    cal.hooks.delete(hookFor(gone.id)!.uuid);
    expect((await user.delete(`${base}/trigger-subscriptions/${gone.id}`)).body).toEqual({ success: true });
    const failing = await subscribed('CALENDLY_TRIGGER_INVITEE_CREATED');
    cal.rateLimitNext(10);
    const del = await user.delete(`${base}/trigger-subscriptions/${failing.id}`);
    expect(del.body.success).toBe(true);
    expect(del.body.warning).toContain('provider teardown failed');
  });
});
