// Zendesk end to end through the public API, on SQLite and PostgreSQL: subscribe → a webhook subscribed to the
// trigger's Zendesk event is created at the fake Zendesk on the credential's account origin, and its signing secret
// (chosen by Zendesk) is read → Zendesk posts a signed event → exactly one signed delivery of the event → Zendesk's
// repeat of the same event adds nothing → unsubscribe → the webhook is deleted. Plus forged, tampered, unsigned and
// stale requests (401, nothing stored), Zendesk's refusals at subscribe time (403, 429, 5xx, a revoked token, no
// account), and the hourly check that creates a webhook deleted or deactivated in Zendesk again (ADR 0018).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import organizationCreated from '../../src/integrations/zendesk/fixtures/organization-created.json' with { type: 'json' };
import ticketCommentAdded from '../../src/integrations/zendesk/fixtures/ticket-comment-added.json' with { type: 'json' };
import ticketCreated from '../../src/integrations/zendesk/fixtures/ticket-created.json' with { type: 'json' };
import ticketStatusChanged from '../../src/integrations/zendesk/fixtures/ticket-status-changed.json' with { type: 'json' };
import { zendeskIntegration } from '../../src/integrations/zendesk/integration.js';
import { ZENDESK_SIGNATURE } from '../../src/integrations/zendesk/webhooks.js';
import { signRequest } from '../../src/sdk/index.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld, subscriptionOf } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeZendesk, type FakeZendesk, type ZendeskHook } from '../providers/zendesk.js';

describe.each(DIALECTS)('Zendesk end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let zd: FakeZendesk;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const events = () => w.events();
  const subscribe = (type: string, headers?: Record<string, string>) => w.subscribe(type, {}, headers);
  const subscribed = async (type: string) => subscriptionOf(await subscribe(type));
  const hookFor = (subscriptionId: string): ZendeskHook | undefined => [...zd.hooks.values()].find((h) => h.endpoint === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    zd = await startFakeZendesk();
    zd.validTokens.add('valid-token');
    w = await startIntegrationWorld({
      dialect,
      integration: zendeskIntegration,
      // apiBaseUrl is deliberately not the fake: trigger calls must follow the credential's account origin.
      config: { clientId: 'zdg-opentriggers', clientSecret: 'zendesk-client-secret', apiBaseUrl: 'http://127.0.0.1:9', authorizationUrl: `${zd.url}/oauth/authorizations/new`, tokenUrl: `${zd.url}/oauth/tokens` },
      credential: { accessToken: 'valid-token', providerAccountId: `acme:${zd.userId}`, extra: { baseUrl: zd.url } },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
    expect(w.config.webhookUrl).toBeNull(); // per-subscription webhooks: nothing to paste
  });
  afterEach(async () => {
    await w.close();
    await zd.close();
  });

  it('ticket created: webhook and secret at Zendesk, one signed delivery, the repeat deduplicated, webhook deleted', async () => {
    const sub = await subscribed('ZENDESK_TRIGGER_TICKET_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ status: 'active', http_method: 'POST', request_format: 'json', subscriptions: ['zen:event-type:ticket.created'] });
    expect(zd.requests.map((r) => `${r.method} ${r.path} ${r.auth}`)).toEqual([
      'POST /api/v2/webhooks Bearer valid-token', `GET /api/v2/webhooks/${hook.id}/signing_secret Bearer valid-token`,
    ]);
    expect(zd.requests[0]!.body).toEqual({
      webhook: { name: 'OpenTriggers ticket.created', status: 'active', endpoint: `${t.url}/hooks/s/${sub.id}`, http_method: 'POST', request_format: 'json', subscriptions: ['zen:event-type:ticket.created'] },
    });

    expect((await zd.deliver(hook.id, ticketCreated)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      userId: 'user-1', integration: 'zendesk', triggerType: 'ZENDESK_TRIGGER_TICKET_CREATED', triggerSubscriptionId: sub.id,
      credentialId, projectId: project.id, payload: ticketCreated,
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // Zendesk repeats the delivery (our answer was lost): same event, signed again later — acknowledged, nothing new.
    expect((await zd.deliver(hook.id, ticketCreated, { now: Date.now() + 5000 })).status).toBe(200);
    // Another event type reaching this URL is acknowledged and ignored.
    expect((await zd.deliver(hook.id, ticketStatusChanged)).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(zd.hooks.size).toBe(0);
    expect(zd.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
    expect(zd.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/api/v2/webhooks/${hook.id}`, auth: 'Bearer valid-token' });
  });

  it('comments and status changes: each once, repeats (even under a new event id) not again', async () => {
    const comments = await subscribed('ZENDESK_TRIGGER_TICKET_COMMENT_ADDED');
    const statuses = await subscribed('ZENDESK_TRIGGER_TICKET_STATUS_CHANGED');
    const secondComment = { ...ticketCommentAdded, id: 'evt-2', event: { comment: { ...ticketCommentAdded.event.comment, id: '7654321098766', body: 'Done.' } } };
    const solved = { ...ticketStatusChanged, id: 'evt-3', detail: { ...ticketStatusChanged.detail, status: 'SOLVED', updated_at: '2099-07-07T06:00:00Z' }, event: { previous: 'OPEN', current: 'SOLVED' } };
    const c = hookFor(comments.id)!.id;
    const s = hookFor(statuses.id)!.id;
    for (const [id, body] of [[c, ticketCommentAdded], [c, ticketCommentAdded], [c, secondComment], [s, ticketStatusChanged], [s, { ...ticketStatusChanged, id: 'evt-re-emitted' }], [s, solved]] as const) {
      expect((await zd.deliver(id, body)).status).toBe(200);
    }
    await worker.drain();
    await receiver.waitFor(4);
    await worker.drain();
    const got = receiver.requests.map((r) => r.json as { triggerSubscriptionId: string; payload: any });
    expect(got.map((g) => [g.triggerSubscriptionId, g.payload.id])).toEqual([
      [comments.id, ticketCommentAdded.id], [comments.id, 'evt-2'], [statuses.id, ticketStatusChanged.id], [statuses.id, 'evt-3'],
    ]);
  });

  it('refuses forged, tampered, unsigned and stale requests with 401 and stores nothing', async () => {
    const sub = await subscribed('ZENDESK_TRIGGER_ORGANIZATION_CREATED');
    const other = await subscribed('ZENDESK_TRIGGER_ORGANIZATION_CREATED');
    const hook = hookFor(sub.id)!;
    expect((await zd.deliver(hook.id, organizationCreated, { secret: 'not-the-secret' })).status).toBe(401);
    // Another subscription's (valid) secret does not open this one.
    expect((await zd.deliver(hook.id, organizationCreated, { secret: hookFor(other.id)!.secret })).status).toBe(401);
    expect((await zd.deliver(hook.id, organizationCreated, { headers: { 'x-zendesk-webhook-signature': '' } })).status).toBe(401);
    // The timestamp is signed: one second off (well inside the window) fails.
    const secondAgo = new Date(Math.floor(Date.now() / 1000) * 1000 - 1000).toISOString().replace('.000Z', 'Z');
    expect((await zd.deliver(hook.id, organizationCreated, { headers: { 'x-zendesk-webhook-signature-timestamp': secondAgo } })).status).toBe(401);
    expect((await zd.deliver(hook.id, organizationCreated, { now: Date.now() - 2 * 3600_000 })).status).toBe(401);
    // Signed body, different bytes sent.
    const signedFor = signRequest(ZENDESK_SIGNATURE, { method: 'POST', url: '/', headers: {}, rawBody: Buffer.from(JSON.stringify(organizationCreated)) }, { secret: hook.secret }, Date.now());
    expect((await zd.deliver(hook.id, undefined, { rawBody: JSON.stringify({ ...organizationCreated, detail: { ...organizationCreated.detail, name: 'Evil' } }), headers: signedFor })).status).toBe(401);
    await worker.drain();
    expect(await events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('reports Zendesk refusals at subscribe time and stores nothing: not an admin, rate limit, 5xx, revoked token, no account', async () => {
    zd.failNext(1, 403, { error: 'Forbidden', description: 'You do not have access to this page.' });
    const r403 = await subscribe('ZENDESK_TRIGGER_USER_CREATED');
    expect(r403.status).toBe(422);
    expect(r403.body.message).toContain('You do not have access to this page.');
    zd.failNext(1, 429, { error: 'TooManyRequests' }, { 'retry-after': '3' });
    expect((await subscribe('ZENDESK_TRIGGER_USER_CREATED')).status).toBe(429);
    zd.failNext(1, 502);
    expect((await subscribe('ZENDESK_TRIGGER_USER_CREATED')).status).toBe(502);
    const revoked = await user.post(`${base}/credentials`, { integration: 'zendesk', accessToken: 'revoked', providerAccountId: `acme:${zd.userId}`, extra: { baseUrl: zd.url } });
    const r401 = await subscribe('ZENDESK_TRIGGER_USER_CREATED', { 'x-paragon-credential': revoked.body.id });
    expect([r401.status, r401.body.code]).toEqual([422, 'CREDENTIAL_INVALID']);
    const nowhere = await user.post(`${base}/credentials`, { integration: 'zendesk', accessToken: 'valid-token', providerAccountId: 'other:1' });
    const r = await subscribe('ZENDESK_TRIGGER_USER_CREATED', { 'x-paragon-credential': nowhere.body.id });
    expect(r.status).toBe(422);
    expect(r.body.message).toContain('subdomain');
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(zd.hooks.size).toBe(0);
  });

  it('checks the webhook every hour: one deleted or deactivated in Zendesk is created again and delivers', async () => {
    const sub = await subscribed('ZENDESK_TRIGGER_TICKET_CREATED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });

    const first = hookFor(sub.id)!;
    const before = zd.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(zd.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /api/v2/webhooks/${first.id}`]);

    // Deleted in Admin Center: a new one, with a new secret; the old secret no longer opens the URL.
    zd.hooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect(second.id).not.toBe(first.id);
    expect((await zd.deliver(second.id, ticketCreated, { secret: first.secret })).status).toBe(401);
    expect((await zd.deliver(second.id, ticketCreated)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);

    // Deactivated: deleted first, then created again.
    second.status = 'inactive';
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const third = hookFor(sub.id)!;
    expect([third.id === second.id, third.status]).toEqual([false, 'active']);
    expect(zd.deletedHooks.map((h) => h.id)).toEqual([second.id]);
    expect((await zd.deliver(third.id, { ...ticketCreated, id: 'evt-9', subject: 'zen:ticket:35437', detail: { ...ticketCreated.detail, id: '35437' } })).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(2);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });

  it('unsubscribes when Zendesk already removed the webhook (404)', async () => {
    const gone = await subscribed('ZENDESK_TRIGGER_ORGANIZATION_CREATED');
    zd.hooks.delete(hookFor(gone.id)!.id);
    expect((await user.delete(`${base}/trigger-subscriptions/${gone.id}`)).body).toEqual({ success: true });
    expect(zd.requests.at(-1)).toMatchObject({ method: 'DELETE' });
  });
});

// A credential made through the user API can name its account's URL (extra.baseUrl). Unless private destinations
// are allowed, a URL on a private address is refused before anything is sent: a connected user cannot make the
// service call into its own network (ADR 0027).
describe('Zendesk with private destinations refused', () => {
  it("refuses a credential's account URL on a private address, sending nothing", async () => {
    const zd = await startFakeZendesk();
    zd.validTokens.add('valid-token');
    const w = await startIntegrationWorld({
      dialect: 'sqlite',
      integration: zendeskIntegration,
      config: { clientId: 'zdg-opentriggers', clientSecret: 'zendesk-client-secret', apiBaseUrl: 'https://acme.zendesk.com', authorizationUrl: `${zd.url}/oauth/authorizations/new`, tokenUrl: `${zd.url}/oauth/tokens` },
      credential: { accessToken: 'valid-token', providerAccountId: `acme:${zd.userId}`, extra: { baseUrl: zd.url } },
    });
    // The world allows private destinations for its own receiver (the project's webhook URL is checked when it is
    // set); the engine reads the setting per call, so it is turned off for the provider calls alone.
    (w.t.svc.deps as { allowPrivateWebhookUrls: boolean }).allowPrivateWebhookUrls = false;
    try {
      const r = await w.subscribe('ZENDESK_TRIGGER_TICKET_CREATED', {});
      expect(r.status, r.text).toBe(422);
      expect(r.body.message).toContain('not a public address');
      expect(zd.requests).toEqual([]);
    } finally {
      await w.close();
      await zd.close();
    }
  });
});

// API tokens (alternativeAuth): `Authorization: Basic base64("{email}/token:{api_token}")` with the email from the
// credential's extra, on the account origin the credential names; no OAuth client configured at all.
describe.each(DIALECTS)('Zendesk with API tokens on %s', (dialect) => {
  const EMAIL = 'smith@acme.example';
  const basic = (token: string) => `Basic ${Buffer.from(`${EMAIL}/token:${token}`).toString('base64')}`;
  let w: IntegrationWorld;
  let zd: FakeZendesk;

  beforeEach(async () => {
    zd = await startFakeZendesk();
    zd.apiTokens.add(`${EMAIL}/token:zd-api-token`);
    w = await startIntegrationWorld({
      dialect,
      integration: zendeskIntegration,
      config: { apiBaseUrl: 'http://127.0.0.1:9' },
      credential: { apiKey: 'zd-api-token', providerAccountId: `acme:${zd.userId}`, extra: { baseUrl: zd.url, email: EMAIL } },
    });
  });
  afterEach(async () => {
    await w.close();
    await zd.close();
  });

  it('subscribes and delivers with the token as Basic {email}/token, deletes the webhook with it', async () => {
    const sub = subscriptionOf(await w.subscribe('ZENDESK_TRIGGER_TICKET_CREATED', {}));
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId: w.credentialId });
    const hook = [...zd.hooks.values()].find((h) => h.endpoint === `${w.t.url}/hooks/s/${sub.id}`)!;
    expect(zd.requests.map((r) => `${r.method} ${r.path} ${r.auth}`)).toEqual([
      `POST /api/v2/webhooks ${basic('zd-api-token')}`, `GET /api/v2/webhooks/${hook.id}/signing_secret ${basic('zd-api-token')}`,
    ]);
    expect((await zd.deliver(hook.id, ticketCreated)).status).toBe(200);
    await w.worker.drain();
    const [sent] = await w.receiver.waitFor(1);
    expect(sent!.json).toMatchObject({ integration: 'zendesk', triggerType: 'ZENDESK_TRIGGER_TICKET_CREATED', payload: ticketCreated });
    expectSignedDelivery(sent!, w.project.signingSecret);
    expect((await w.user.delete(`${w.base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(zd.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/api/v2/webhooks/${hook.id}`, auth: basic('zd-api-token') });
  });

  it('needs extra.email with a token (400, nothing stored); a refused token marks the credential INVALID, never refreshed', async () => {
    const noEmail = await w.user.post(`${w.base}/credentials`, { integration: 'zendesk', apiKey: 'zd-api-token', extra: { subdomain: 'acme' } });
    expect([noEmail.status, noEmail.body.message]).toEqual([400, expect.stringMatching(/^extra\.email: required/)]);
    expect(noEmail.text).not.toContain('zd-api-token');
    const bySubdomain = await w.user.post(`${w.base}/credentials`, { integration: 'zendesk', apiKey: 'zd-api-token', extra: { subdomain: 'acme.zendesk.com', email: EMAIL } });
    expect(bySubdomain.status, bySubdomain.text).toBe(201);
    expect((await w.t.svc.storage.credentials.get(bySubdomain.body.id))!.secrets.extra).toMatchObject({ subdomain: 'acme', email: EMAIL });

    const revoked = await w.user.post(`${w.base}/credentials`, { integration: 'zendesk', apiKey: 'revoked-token', extra: { baseUrl: zd.url, email: EMAIL } });
    const r = await w.subscribe('ZENDESK_TRIGGER_USER_CREATED', {}, { 'x-paragon-credential': revoked.body.id });
    expect([r.status, r.body.code]).toEqual([422, 'CREDENTIAL_INVALID']);
    expect(zd.requests.map((q) => q.auth)).toEqual([basic('revoked-token')]); // one call: a token is not refreshed
    expect(JSON.stringify(r.body)).not.toContain('revoked-token');
    expect((await w.t.svc.storage.credentials.get(revoked.body.id))!.status).toBe('INVALID');
    expect(zd.hooks.size).toBe(0);
  });
});
