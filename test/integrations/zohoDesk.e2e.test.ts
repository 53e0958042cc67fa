// Zoho Desk end to end through the public API, on SQLite and PostgreSQL: subscribe → the fake Zoho Desk gets a webhook
// (`POST /api/v1/webhooks`, with `Zoho-oauthtoken` and the credential's `orgId` header) for our per-subscription URL
// with `?token=<secret>` and the trigger's event → Zoho Desk posts an array of events there → exactly one signed
// delivery per key → a repeat adds nothing → unsubscribe → the webhook is deleted. Plus wrong or missing tokens refused,
// errors mapped at subscribe time, the hourly check re-creating a deleted or disabled webhook, a refreshed token, and
// connecting through OAuth (the help desk found with GET /organizations).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import events from '../../src/integrations/zohoDesk/fixtures/events.json' with { type: 'json' };
import { zohoDeskIntegration } from '../../src/integrations/zohoDesk/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeZohoDesk, type DeskHook, type FakeZohoDesk } from '../providers/zohoDesk.js';

const TOKEN = 'desk-access-token-1';
const ORG = '60001280952';
const DEPT = '1892000000082069';
const OTHER_DEPT = '1892000000006907';

describe.each(DIALECTS)('Zoho Desk end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let zd: FakeZohoDesk;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribe = (type: string, parameters: Record<string, unknown> = {}, headers?: Record<string, string>) => w.subscribe(type, parameters, headers);
  const subscribed = async (type: string, parameters?: Record<string, unknown>) => {
    const r = await subscribe(type, parameters);
    expect(r.status, r.text).toBe(200);
    return r.body as { id: string; status: string; credentialId: string };
  };
  const hookFor = (id: string): DeskHook | undefined => [...zd.hooks.values()].find((h) => h.url.startsWith(`${t.url}/hooks/s/${id}?`));
  const tokenOf = (hook: DeskHook) => new URL(hook.url).searchParams.get('token')!;
  const payloads = () => receiver.requests.map((r) => (r.json as { triggerSubscriptionId: string; payload: any }));

  beforeEach(async () => {
    zd = await startFakeZohoDesk();
    zd.tokens.add(TOKEN);
    zd.refreshTokens.set('desk-refresh-1', 'desk-access-token-2');
    w = await startIntegrationWorld({
      dialect,
      integration: zohoDeskIntegration,
      config: { apiBaseUrl: `${zd.url}/api/v1`, authorizationUrl: `${zd.url}/oauth/v2/auth`, tokenUrl: `${zd.url}/oauth/v2/token`, clientId: zd.clientId, clientSecret: zd.clientSecret },
      credential: { accessToken: TOKEN, refreshToken: 'desk-refresh-1', providerAccountId: ORG, extra: { orgId: ORG } },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await zd.close();
  });

  it('ticket created: a department webhook for Ticket_Add, one signed delivery, repeats deduplicated, webhook deleted', async () => {
    const sub = await subscribed('ZOHO_DESK_TRIGGER_TICKET_CREATED', { departmentIds: ` ${DEPT} ` });
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = hookFor(sub.id)!;
    expect(hook.subscriptions).toEqual({ Ticket_Add: { departmentIds: [DEPT] } });
    expect(tokenOf(hook)).toMatch(/^[0-9a-f]{64}$/);
    expect(zd.requests[0]).toMatchObject({ method: 'POST', path: '/api/v1/webhooks', auth: `Zoho-oauthtoken ${TOKEN}`, orgId: ORG });

    // Zoho Desk retries the same event; a ticket of another department is not sent to this webhook.
    expect(await zd.emit(events.Ticket_Add, { times: 2 })).toEqual({ [hook.id]: 200 });
    await zd.emit({ ...events.Ticket_Add, payload: { ...events.Ticket_Add.payload, id: '1892000000143999', departmentId: OTHER_DEPT } });
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({ integration: 'zohoDesk', triggerType: 'ZOHO_DESK_TRIGGER_TICKET_CREATED', triggerSubscriptionId: sub.id, credentialId, projectId: project.id, payload: events.Ticket_Add });
    expectSignedDelivery(sent!, project.signingSecret);
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(zd.hooks.size).toBe(0);
    expect(zd.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
    expect(zd.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/api/v1/webhooks/${hook.id}`, orgId: ORG });
  });

  it('ticket updated (every version), status changed (only status changes), comments and contacts', async () => {
    const updated = await subscribed('ZOHO_DESK_TRIGGER_TICKET_UPDATED');
    const status = await subscribed('ZOHO_DESK_TRIGGER_TICKET_STATUS_CHANGED');
    const comments = await subscribed('ZOHO_DESK_TRIGGER_TICKET_COMMENT_ADDED');
    const contacts = await subscribed('ZOHO_DESK_TRIGGER_CONTACT_CREATED');
    expect(hookFor(updated.id)!.subscriptions).toEqual({ Ticket_Update: { includePrevState: true } });
    expect(hookFor(status.id)!.subscriptions).toEqual({ Ticket_Update: { includePrevState: true } });
    expect(hookFor(comments.id)!.subscriptions).toEqual({ Ticket_Comment_Add: null });
    expect(hookFor(contacts.id)!.subscriptions).toEqual({ Contact_Add: null });

    const priority = { ...events.Ticket_Update, eventTime: '1765188000000', payload: { ...events.Ticket_Update.payload, priority: 'Low', modifiedTime: '2026-12-08T10:00:00.000Z' }, prevState: { priority: 'High', modifiedTime: '2026-12-08T09:00:00.000Z' } };
    await zd.emit(events.Ticket_Update, { times: 2 });
    await zd.emit(priority);
    await zd.emit(events.Ticket_Comment_Add);
    await zd.emit(events.Contact_Add);
    await worker.drain();
    await receiver.waitFor(5);
    await worker.drain();
    const bySub = (id: string) => payloads().filter((p) => p.triggerSubscriptionId === id).map((p) => p.payload);
    expect(bySub(updated.id)).toEqual([events.Ticket_Update, priority]);
    expect(bySub(status.id)).toEqual([events.Ticket_Update]);
    expect(bySub(comments.id)).toEqual([events.Ticket_Comment_Add]);
    expect(bySub(contacts.id)).toEqual([events.Contact_Add]);
    expect(receiver.requests).toHaveLength(5);
  });

  it('refuses deliveries with a wrong, foreign or missing token with 401 and stores nothing', async () => {
    const hook = hookFor((await subscribed('ZOHO_DESK_TRIGGER_CONTACT_CREATED')).id)!;
    const other = hookFor((await subscribed('ZOHO_DESK_TRIGGER_TICKET_CREATED')).id)!;
    const forged = (token: string | null) => () => {
      const u = new URL(hook.url);
      if (token === null) u.searchParams.delete('token');
      else u.searchParams.set('token', token);
      return u.toString();
    };
    expect(await zd.emit(events.Contact_Add, { url: forged('0'.repeat(64)) })).toEqual({ [hook.id]: 401 });
    expect(await zd.emit(events.Contact_Add, { url: forged(tokenOf(other)) })).toEqual({ [hook.id]: 401 });
    expect(await zd.emit(events.Contact_Add, { url: forged(null) })).toEqual({ [hook.id]: 401 });
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('maps errors at subscribe time and stores nothing: parameters, unknown department, no permission, rate limit, 5xx, no orgId', async () => {
    const bad = await subscribe('ZOHO_DESK_TRIGGER_TICKET_CREATED', { departmentIds: '1892,../x' });
    expect(bad.status, bad.text).toBe(400);
    expect(bad.text).toContain('departmentIds');
    const unknown = await subscribe('ZOHO_DESK_TRIGGER_TICKET_CREATED', { departmentIds: '1892000000000001' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toContain('INVALID_DATA');
    expect(unknown.body.message).toContain('departmentIds');
    zd.webhookPermission = false;
    const forbidden = await subscribe('ZOHO_DESK_TRIGGER_TICKET_CREATED');
    expect(forbidden.status).toBe(422);
    expect(forbidden.body.message).toContain('Zoho Desk FORBIDDEN');
    zd.webhookPermission = true;
    zd.failNext(1, 429, { errorCode: 'TOO_MANY_REQUESTS', message: 'API call limit exceeded' }, { 'retry-after': '2' });
    expect((await subscribe('ZOHO_DESK_TRIGGER_TICKET_CREATED')).status).toBe(429);
    zd.failNext(1, 503);
    expect((await subscribe('ZOHO_DESK_TRIGGER_TICKET_CREATED')).status).toBe(502);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(zd.hooks.size).toBe(0);

    // A direct credential without extra.orgId: refused before anything is sent, naming the field.
    const before = zd.requests.length;
    const noOrg = await user.post(`${base}/credentials`, { integration: 'zohoDesk', accessToken: TOKEN, providerAccountId: 'other' });
    expect(noOrg.status, noOrg.text).toBe(201);
    const r = await subscribe('ZOHO_DESK_TRIGGER_TICKET_CREATED', {}, { 'x-paragon-credential': noOrg.body.id });
    expect(r.status).toBe(422);
    expect(r.body.message).toContain('extra.orgId');
    expect(zd.requests.length).toBe(before);
  });

  it('refreshes a refused token at the accounts server and registers with the new one', async () => {
    zd.tokens.delete(TOKEN);
    const sub = await subscribed('ZOHO_DESK_TRIGGER_TICKET_CREATED');
    expect(hookFor(sub.id)).toBeDefined();
    const token = zd.requests.filter((r) => r.path === '/oauth/v2/token');
    expect(token).toHaveLength(1);
    expect(token[0]!.body).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'desk-refresh-1', client_id: zd.clientId, client_secret: zd.clientSecret });
    expect(zd.requests.at(-1)).toMatchObject({ method: 'POST', path: '/api/v1/webhooks', auth: 'Zoho-oauthtoken desk-access-token-2' });
  });

  it('checks the webhook every hour: one deleted, or disabled, is created again with a new token', async () => {
    const sub = await subscribed('ZOHO_DESK_TRIGGER_TICKET_COMMENT_ADDED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });
    const first = hookFor(sub.id)!;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(zd.requests.at(-1)).toMatchObject({ method: 'GET', path: `/api/v1/webhooks/${first.id}`, orgId: ORG });

    zd.hooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect(second.id).not.toBe(first.id);
    expect(tokenOf(second)).not.toBe(tokenOf(first));
    expect(await zd.emit(events.Ticket_Comment_Add, { url: () => first.url })).toEqual({ [second.id]: 401 });

    second.isEnabled = false;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    expect(zd.deletedHooks.map((h) => h.id)).toEqual([second.id]);
    const third = hookFor(sub.id)!;
    expect(third.isEnabled).toBe(true);
    expect(await zd.emit(events.Ticket_Comment_Add)).toEqual({ [third.id]: 200 });
    await worker.drain();
    await receiver.waitFor(1);
  });

  it('unsubscribes when the webhook was already deleted in Zoho Desk (404)', async () => {
    const sub = await subscribed('ZOHO_DESK_TRIGGER_TICKET_CREATED');
    zd.hooks.delete(hookFor(sub.id)!.id);
    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(zd.requests.at(-1)).toMatchObject({ method: 'DELETE' });
  });

  it('connects through OAuth: scopes and offline access asked, the default help desk becomes the account and orgId', async () => {
    zd.apiDomain = 'https://www.zohoapis.com';
    const start = await user.post(`${base}/connect/zohoDesk`, { redirectUrl: 'https://app.example.com/connected' });
    expect(start.status, start.text).toBe(200);
    const authorizationUrl = new URL(start.body.authorizationUrl);
    expect(`${authorizationUrl.origin}${authorizationUrl.pathname}`).toBe(`${zd.url}/oauth/v2/auth`);
    expect(Object.fromEntries(authorizationUrl.searchParams)).toMatchObject({ client_id: zd.clientId, response_type: 'code', scope: 'Desk.tickets.READ,Desk.contacts.READ,Desk.basic.READ,Desk.events.ALL', access_type: 'offline', prompt: 'consent' });

    zd.codes.set('code-1', 'desk-connected-token');
    const state = encodeURIComponent(authorizationUrl.searchParams.get('state')!);
    const cb = await t.admin.get(`/oauth/callback?code=code-1&state=${state}`);
    expect(cb.status, cb.text).toBe(302);
    const connectedId = new URL(String(cb.headers.location)).searchParams.get('credentialId')!;
    const orgCall = zd.requests.find((r) => r.path === '/api/v1/organizations')!;
    expect(orgCall).toMatchObject({ auth: 'Zoho-oauthtoken desk-connected-token', orgId: undefined });
    const stored = await t.svc.storage.credentials.get(connectedId);
    expect(stored).toMatchObject({ providerAccountId: ORG, secrets: { accessToken: 'desk-connected-token', refreshToken: 'refresh-desk-connected-token', extra: { orgId: ORG, orgName: 'Zylker', portalName: 'zylker', api_domain: 'https://www.zohoapis.com' } } });

    const r = await w.subscribe('ZOHO_DESK_TRIGGER_CONTACT_CREATED', {}, { 'x-paragon-credential': connectedId });
    expect(r.status, r.text).toBe(200);
    expect(zd.requests.at(-1)).toMatchObject({ method: 'POST', path: '/api/v1/webhooks', auth: 'Zoho-oauthtoken desk-connected-token', orgId: ORG });
  });
});
