// Todoist end to end through the public API, on SQLite and PostgreSQL, against the fake Todoist: a user connects
// with OAuth (the id from GET /api/v1/user becomes the credential's provider account id), subscribes, and the fake
// Todoist POSTs signed webhook events to the app URL the admin API shows → exactly one signed delivery of the
// webhook body at the receiver; Todoist's retries (same X-Todoist-Delivery-ID) add nothing; after unsubscribe
// nothing more. Plus the projectId filter, routing by user_id, forged requests refused, and Todoist failures at
// connect time mapped to the connect errors.
//
// Todoist webhooks are app configuration: subscribing and unsubscribing make no Todoist API call.
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { todoistIntegration } from '../../src/integrations/todoist/integration.js';
import itemAdded from '../../src/integrations/todoist/fixtures/item-added.json' with { type: 'json' };
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestService } from '../helpers/service.js';
import { sendTodoistWebhook, startFakeTodoist, webhookBody, type FakeTodoist, type TodoistUser } from '../providers/todoist.js';

const ALICE: TodoistUser = { id: '2671355', email: 'alice@example.com', full_name: 'Alice' };
const BOB: TodoistUser = { id: '6VfWjjjFg2xqX6Pa', email: 'bob@example.com', full_name: 'Bob' };

describe.each(DIALECTS)('Todoist end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let todoist: FakeTodoist;
  let receiver: FakeReceiver;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let hookUrl: string;

  const send = (body: unknown, opts: Parameters<typeof sendTodoistWebhook>[3] = {}) => sendTodoistWebhook(hookUrl, body, todoist.clientSecret, opts);
  const deliveries = () => receiver.requests.map((r) => r.json as { userId: string; triggerType: string; triggerSubscriptionId: string; credentialId: string; payload: any });
  const subscribe = async (client: ApiClient, type: string, parameters: Record<string, unknown> = {}) =>
    subscriptionOf(await client.post(`${base}/trigger-subscriptions`, { integration: 'todoist', type, parameters }));
  /** The OAuth connect flow as a browser runs it: our authorize URL → Todoist consent → our callback. */
  const connect = async (client: ApiClient, who: TodoistUser, register = true) => {
    const start = await client.post(`${base}/connect/todoist`, { redirectUrl: 'https://app.example.com/connected' });
    expect(start.status, start.text).toBe(200);
    const authorize = new URL(start.body.authorizationUrl);
    const code = `code-${who.id}-${Math.random().toString(36).slice(2)}`;
    if (register) todoist.codes.set(code, who);
    const cb = await t.admin.get(`/oauth/callback?code=${code}&state=${encodeURIComponent(authorize.searchParams.get('state')!)}`);
    expect(cb.status, cb.text).toBe(302);
    const location = new URL(String(cb.headers.location));
    return { authorize, location, credentialId: location.searchParams.get('credentialId') };
  };

  beforeEach(async () => {
    todoist = await startFakeTodoist();
    w = await startIntegrationWorld({
      dialect,
      integration: todoistIntegration,
      config: {
        clientId: todoist.clientId, clientSecret: todoist.clientSecret,
        // Todoist signs webhooks with the app's client secret: the project's webhookSecret is that same value.
        webhookSecret: todoist.clientSecret,
        apiBaseUrl: todoist.apiBaseUrl, tokenUrl: todoist.tokenUrl, authorizationUrl: todoist.authorizationUrl,
      },
    });
    ({ t, receiver, base, user, worker } = w);
    hookUrl = w.config.webhookUrl;
    expect(hookUrl).toBe(`${t.url}/hooks/app/${w.project.id}/todoist`);
  });
  afterEach(async () => {
    await w.close();
    await todoist.close();
  });

  it('connects with OAuth: comma-separated scope, no PKCE, the API v1 user id as the provider account id', async () => {
    const { authorize, location, credentialId } = await connect(user, ALICE);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(todoist.authorizationUrl);
    expect(authorize.searchParams.get('client_id')).toBe(todoist.clientId);
    expect(authorize.searchParams.get('scope')).toBe('data:read');
    expect(authorize.searchParams.has('code_challenge')).toBe(false);
    expect(`${location.origin}${location.pathname}`).toBe('https://app.example.com/connected');
    const creds = (await user.get(`${base}/credentials`)).body.credentials;
    expect(creds).toMatchObject([{ id: credentialId, integration: 'todoist', providerAccountId: ALICE.id, status: 'VALID' }]);
    const exchange = todoist.requests.find((r) => r.path === '/oauth/access_token')!;
    expect(exchange.form).toMatchObject({ client_id: todoist.clientId, client_secret: todoist.clientSecret, grant_type: 'authorization_code' });
    const me = todoist.requests.find((r) => r.path === '/api/v1/user')!;
    expect(me.auth).toMatch(/^Bearer [0-9a-f]{40}$/);
  });

  it('task created: one signed delivery of the webhook body; Todoist retries add nothing; nothing after unsubscribe', async () => {
    const { credentialId } = await connect(user, ALICE);
    const sub = await subscribe(user, 'TODOIST_TRIGGER_TASK_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });

    const first = await send(itemAdded);
    expect(first.status).toBe(200);
    await worker.drain();
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({
      userId: 'user-1', integration: 'todoist', triggerType: 'TODOIST_TRIGGER_TASK_CREATED', triggerSubscriptionId: sub.id,
      credentialId, projectId: w.project.id, payload: itemAdded,
    });
    expectSignedDelivery(delivery!, w.project.signingSecret);

    // Todoist re-sends a notification it saw fail under the same delivery id.
    for (let i = 0; i < 2; i++) expect((await send(itemAdded, { deliveryId: first.deliveryId })).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect((await send(webhookBody('item:added', ALICE.id, { ...itemAdded.event_data, id: 'later' }))).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
  });

  it('every trigger: each Todoist example reaches its own subscription exactly once', async () => {
    await connect(user, ALICE);
    const subs = new Map<string, string>();
    for (const trigger of todoistIntegration.triggers) subs.set(trigger.type, (await subscribe(user, trigger.type)).id);
    for (const trigger of todoistIntegration.triggers) expect((await send(trigger.examplePayload)).status, trigger.type).toBe(200);
    await worker.drain();
    await receiver.waitFor(todoistIntegration.triggers.length);
    await worker.drain();
    const got = deliveries();
    expect(got.map((g) => g.triggerType).sort()).toEqual(todoistIntegration.triggers.map((x) => x.type).sort());
    for (const g of got) {
      expect(g.triggerSubscriptionId).toBe(subs.get(g.triggerType));
      expect(g.payload).toEqual(todoistIntegration.triggers.find((x) => x.type === g.triggerType)!.examplePayload);
    }
  });

  it('projectId: only that project\'s tasks; a malformed projectId is refused naming the field', async () => {
    await connect(user, ALICE);
    const only = await subscribe(user, 'TODOIST_TRIGGER_TASK_COMPLETED', { projectId: '6Jf8VQXxpwv56VQ7' });
    const all = await subscribe(user, 'TODOIST_TRIGGER_TASK_COMPLETED');
    await send(webhookBody('item:completed', ALICE.id, { id: 't-in', project_id: '6Jf8VQXxpwv56VQ7', content: 'in', checked: true }));
    await send(webhookBody('item:completed', ALICE.id, { id: 't-out', project_id: '6Jf8VQXxpwv56VQ9', content: 'out', checked: true }));
    await worker.drain();
    await receiver.waitFor(3);
    await worker.drain();
    expect(deliveries().map((d) => [d.triggerSubscriptionId, d.payload.event_data.id]).sort()).toEqual(
      [[only.id, 't-in'], [all.id, 't-in'], [all.id, 't-out']].sort(),
    );
    const refused = await user.post(`${base}/trigger-subscriptions`, { integration: 'todoist', type: 'TODOIST_TRIGGER_TASK_CREATED', parameters: { projectId: 'not a/project' } });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('projectId');
  });

  it('routes by user_id: each user gets only their own events; a user nobody connected is acknowledged and dropped', async () => {
    await connect(user, ALICE);
    const other = await w.project.userClient('user-2');
    await connect(other, BOB);
    const mine = await subscribe(user, 'TODOIST_TRIGGER_PROJECT_CREATED');
    const theirs = await subscribe(other, 'TODOIST_TRIGGER_PROJECT_CREATED');
    await send(webhookBody('project:added', ALICE.id, { id: 'p-alice', name: 'Alice' }));
    await send(webhookBody('project:added', BOB.id, { id: 'p-bob', name: 'Bob' }));
    const stranger = await send(webhookBody('project:added', '99999999', { id: 'p-nobody', name: 'Nobody' }));
    expect(stranger.status).toBe(200);
    await worker.drain();
    await receiver.waitFor(2);
    await worker.drain();
    expect(deliveries().map((d) => [d.userId, d.triggerSubscriptionId, d.payload.event_data.id]).sort()).toEqual([
      ['user-1', mine.id, 'p-alice'],
      ['user-2', theirs.id, 'p-bob'],
    ]);
  });

  it('refuses forged, tampered, hex-signed and unsigned requests with 401 and stores nothing', async () => {
    await connect(user, ALICE);
    await subscribe(user, 'TODOIST_TRIGGER_TASK_CREATED');
    expect((await send(itemAdded, { secret: 'not-the-client-secret' })).status).toBe(401);
    expect((await send(itemAdded, { unsigned: true })).status).toBe(401);
    const raw = JSON.stringify(itemAdded);
    expect((await send(itemAdded, { signatureOverride: createHmac('sha256', todoist.clientSecret).update(raw).digest('hex') })).status).toBe(401);
    const good = createHmac('sha256', todoist.clientSecret).update(raw).digest('base64');
    const tampered = await fetch(hookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-todoist-hmac-sha256': good, 'x-todoist-delivery-id': 'd-1' },
      body: JSON.stringify({ ...itemAdded, event_data: { ...itemAdded.event_data, content: 'changed' } }),
    });
    expect(tampered.status).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('maps Todoist failures at connect time (GET /user 429, 503, 401; a refused code) and stores no credential', async () => {
    const attempt = async (register: boolean) => {
      const { location, credentialId } = await connect(user, ALICE, register);
      expect(credentialId).toBeNull();
      return location.searchParams;
    };
    todoist.failNext(1, 429, { 'retry-after': '30' }, '/api/v1/user');
    const limited = await attempt(true);
    expect(limited.get('error')).toBe('account_lookup_failed');
    expect(limited.get('error_description')).toContain('429');
    todoist.failNext(1, 503, {}, '/api/v1/user');
    expect((await attempt(true)).get('error')).toBe('account_lookup_failed');
    todoist.failNext(1, 401, {}, '/api/v1/user');
    expect((await attempt(true)).get('error')).toBe('account_lookup_failed');
    // Todoist refuses an unknown code with 400 {"error": "invalid_grant"}: its code reaches the app's redirect.
    const refused = await attempt(false);
    expect(refused.get('error')).toBe('invalid_grant');
    expect((await user.get(`${base}/credentials`)).body.credentials).toEqual([]);
    for (const params of [limited, refused]) expect(params.toString()).not.toContain(todoist.clientSecret);
  });
});
