// Gorgias end to end through the public API, on SQLite and PostgreSQL, with an API-key credential (key + extra.email, sent as Basic)
// on the account's own path: subscribe → an HTTP integration at the fake Gorgias (our URL, POST, JSON, our secret
// as a header, the one trigger, an ids-only form) → Gorgias fires → the ticket or message read back and delivered,
// signed → the same event again adds nothing → unsubscribe deletes the integration. Plus wrong or missing secret
// headers (401, nothing stored), ticket versions, and Gorgias's errors at subscribe time.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import message from '../../src/integrations/gorgias/fixtures/message.json' with { type: 'json' };
import ticket from '../../src/integrations/gorgias/fixtures/ticket.json' with { type: 'json' };
import { gorgiasIntegration } from '../../src/integrations/gorgias/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeGorgias, type FakeGorgias, type GorgiasHttpIntegration } from '../providers/gorgias.js';

describe.each(DIALECTS)('Gorgias end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let g: FakeGorgias;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribed = async (type: string, parameters: Record<string, unknown> = {}) => subscriptionOf(await w.subscribe(type, parameters));
  const hookFor = (subscriptionId: string): GorgiasHttpIntegration | undefined => [...g.integrations.values()].find((h) => h.http.url === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    g = await startFakeGorgias();
    w = await startIntegrationWorld({
      dialect,
      integration: gorgiasIntegration,
      config: {
        apiBaseUrl: g.apiBaseUrl,
        authorizationUrl: `${g.url}/{domain}/oauth/authorize`,
        tokenUrl: `${g.url}/{domain}/oauth/token`,
        clientId: g.clientId,
        clientSecret: g.clientSecret,
      },
      credential: { apiKey: g.apiKey, providerAccountId: g.domain, extra: { domain: g.domain, email: g.email } },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
    g.tickets.set(ticket.id, ticket);
    g.messages.set(message.id, message);
  });
  afterEach(async () => {
    await w.close();
    await g.close();
  });

  it('ticket created: an HTTP integration with our secret header, the ticket read back and delivered once, deleted on unsubscribe', async () => {
    const sub = await subscribed('GORGIAS_TRIGGER_TICKET_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = hookFor(sub.id)!;
    const post = g.requests.find((r) => r.method === 'POST')!;
    expect(post.path).toBe('/acme/api/integrations');
    expect(post.headers.authorization).toBe(`Basic ${Buffer.from(`${g.email}:${g.apiKey}`).toString('base64')}`);
    expect(post.body).toMatchObject({ type: 'http', http: { method: 'POST', request_content_type: 'application/json', response_content_type: 'application/json', triggers: { 'ticket-created': true } } });
    expect(Object.keys(hook.http.triggers)).toEqual(['ticket-created']);
    expect(hook.http.form).toEqual({ event: 'ticket-created', ticket_id: '{{ticket.id}}' });
    const secret = hook.http.headers['x-opentriggers-secret']!;
    expect(secret).toMatch(/^[0-9a-f]{32,}$/);

    expect(await g.fire('ticket-created', { ticketId: ticket.id })).toEqual([200]);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({ integration: 'gorgias', triggerType: 'GORGIAS_TRIGGER_TICKET_CREATED', triggerSubscriptionId: sub.id, credentialId, projectId: project.id, payload: ticket });
    expectSignedDelivery(sent!, project.signingSecret);
    expect(sent!.rawBody.toString('utf8')).not.toContain(secret);
    expect(g.requests.filter((r) => r.method === 'GET').map((r) => r.path)).toEqual([`/acme/api/tickets/${ticket.id}`]);

    // Gorgias retries, or fires twice: acknowledged, nothing new.
    expect(await g.fire('ticket-created', { ticketId: ticket.id })).toEqual([200]);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(g.integrations.size).toBe(0);
    expect(g.deleted.map((h) => h.id)).toEqual([hook.id]);
    expect(g.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/acme/api/integrations/${hook.id}` });
  });

  it('ticket updated: one event per updated_datetime; message created: the message read by id', async () => {
    const updated = await subscribed('GORGIAS_TRIGGER_TICKET_UPDATED');
    const messages = await subscribed('GORGIAS_TRIGGER_TICKET_MESSAGE_CREATED', { channel: 'email' });
    expect(hookFor(messages.id)!.http.form).toEqual({ event: 'ticket-message-created', ticket_id: '{{ticket.id}}', message_id: '{{message.id}}' });
    expect(await g.fire('ticket-updated', { ticketId: ticket.id })).toEqual([200]);
    expect(await g.fire('ticket-updated', { ticketId: ticket.id })).toEqual([200]);
    g.tickets.set(ticket.id, { ...ticket, status: 'closed', updated_datetime: '2019-07-06T09:00:00.000000' });
    expect(await g.fire('ticket-updated', { ticketId: ticket.id })).toEqual([200]);
    expect(await g.fire('ticket-message-created', { ticketId: ticket.id, messageId: message.id })).toEqual([200]);
    await worker.drain();
    const sent = await receiver.waitFor(3);
    const seen = sent.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: { id: number; status?: string } }).map((j) => `${j.triggerType}:${j.payload.id}:${j.payload.status ?? '-'}`).sort();
    expect(seen).toEqual([
      `GORGIAS_TRIGGER_TICKET_MESSAGE_CREATED:${message.id}:-`,
      `GORGIAS_TRIGGER_TICKET_UPDATED:${ticket.id}:closed`,
      `GORGIAS_TRIGGER_TICKET_UPDATED:${ticket.id}:open`,
    ]);
    expect(g.requests.some((r) => r.path === `/acme/api/tickets/${ticket.id}/messages/${message.id}`)).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(receiver.requests).toHaveLength(3);
    expect(updated.status).toBe('ACTIVE');
  });

  it("refuses a wrong, missing or another subscription's secret header with 401, storing nothing", async () => {
    const sub = await subscribed('GORGIAS_TRIGGER_TICKET_CREATED');
    const hook = hookFor(sub.id)!;
    const other = hookFor((await subscribed('GORGIAS_TRIGGER_TICKET_CREATED')).id)!;
    expect(await g.fire('ticket-created', { ticketId: ticket.id }, { only: hook.id, headers: { 'x-opentriggers-secret': 'not-the-secret' } })).toEqual([401]);
    expect(await g.fire('ticket-created', { ticketId: ticket.id }, { only: hook.id, headers: {} })).toEqual([401]);
    expect(await g.fire('ticket-created', { ticketId: ticket.id }, { only: hook.id, headers: other.http.headers })).toEqual([401]);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
    expect(g.requests.filter((r) => r.method === 'GET')).toEqual([]);
    expect(await g.fire('ticket-created', { ticketId: ticket.id }, { only: hook.id })).toEqual([200]);
    await worker.drain();
    await receiver.waitFor(1);
  });

  it("maps Gorgias's errors at subscribe time, storing nothing", async () => {
    g.failNext(1, 400, { error: { msg: 'http.url: Not a valid URL.' } });
    const r400 = await w.subscribe('GORGIAS_TRIGGER_TICKET_CREATED', {});
    expect(r400.status).toBe(422);
    expect(r400.body.message).toContain('Not a valid URL');
    g.failNext(1, 429, { error: { msg: 'Too Many Requests' } }, { 'retry-after': '5' });
    expect((await w.subscribe('GORGIAS_TRIGGER_TICKET_CREATED', {})).status).toBe(429);
    g.failNext(1, 503);
    expect((await w.subscribe('GORGIAS_TRIGGER_TICKET_CREATED', {})).status).toBe(502);
    expect((await w.subscribe('GORGIAS_TRIGGER_TICKET_CREATED', { channel: 'Not A Channel' })).status).toBe(400);
    expect(g.integrations.size).toBe(0);
  });

  it("connects through OAuth on the account's host, subscribes with the token, refreshes a refused token once", async () => {
    const start = await user.post(`${base}/connect/gorgias`, { redirectUrl: 'https://app.example.com/connected', parameters: { domain: 'acme' } });
    expect(start.status, start.text).toBe(200);
    const authorizationUrl = new URL(start.body.authorizationUrl);
    expect(`${authorizationUrl.origin}${authorizationUrl.pathname}`).toBe(`${g.url}/acme/oauth/authorize`);
    expect(Object.fromEntries(authorizationUrl.searchParams)).toMatchObject({ client_id: g.clientId, scope: 'openid email profile offline write:all' });
    g.codes.set('gorgias-code-1', 'gorgias-token-1');
    const cb = await t.admin.get(`/oauth/callback?code=gorgias-code-1&state=${encodeURIComponent(authorizationUrl.searchParams.get('state')!)}`);
    expect(cb.status, cb.text).toBe(302);
    const oauthId = new URL(String(cb.headers.location)).searchParams.get('credentialId')!;
    expect(g.tokenRequests[0]).toMatchObject({ grant_type: 'authorization_code', code: 'gorgias-code-1' });
    expect(await t.svc.storage.credentials.get(oauthId)).toMatchObject({ providerAccountId: 'acme', secrets: { accessToken: 'gorgias-token-1', refreshToken: 'gorgias-refresh-1' } });

    const sub = subscriptionOf(await w.subscribe('GORGIAS_TRIGGER_TICKET_CREATED', {}, { 'x-paragon-credential': oauthId }));
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId: oauthId });
    expect(g.requests.find((r) => r.method === 'POST' && r.path === '/acme/api/integrations')!.headers.authorization).toBe('Bearer gorgias-token-1');
    expect(await g.fire('ticket-created', { ticketId: ticket.id })).toEqual([200]);
    await worker.drain();
    expect((await receiver.waitFor(1))[0]!.json).toMatchObject({ triggerType: 'GORGIAS_TRIGGER_TICKET_CREATED', credentialId: oauthId, payload: ticket });

    // The token is refused: one refresh, the call made again with the new token.
    g.tokens.delete('gorgias-token-1');
    const before = g.requests.length;
    subscriptionOf(await w.subscribe('GORGIAS_TRIGGER_TICKET_UPDATED', {}, { 'x-paragon-credential': oauthId }));
    expect(g.tokenRequests.at(-1)).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'gorgias-refresh-1' });
    const auths = g.requests.slice(before).filter((r) => r.path === '/acme/api/integrations').map((r) => r.headers.authorization);
    expect(auths).toEqual(['Bearer gorgias-token-1', 'Bearer gorgias-token-refreshed-1']);
  });
});
