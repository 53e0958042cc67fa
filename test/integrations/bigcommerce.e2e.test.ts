// BigCommerce end to end through the public API, on SQLite and PostgreSQL: a credential with a store API account's
// token and the store (`extra.storeHash`, filling the `{storeHash}` placeholder of the API path) → subscribe → a V3
// webhook in the store (our per-subscription URL, the trigger's scope, the subscription's secret as a custom header)
// → a thin callback → the object read from the API and delivered once → BigCommerce's retry of the same callback adds
// nothing → unsubscribe deletes the hook. Plus a wrong or missing secret refused (401, nothing stored), the status
// filter, errors mapped at subscribe time, the hourly check re-creating a deactivated or deleted hook, and OAuth connect.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import customerCreated from '../../src/integrations/bigcommerce/fixtures/customer-created.json' with { type: 'json' };
import orderCreated from '../../src/integrations/bigcommerce/fixtures/order-created.json' with { type: 'json' };
import productCreated from '../../src/integrations/bigcommerce/fixtures/product-created.json' with { type: 'json' };
import { SECRET_HEADER, bigcommerceIntegration } from '../../src/integrations/bigcommerce/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeBigCommerce, type BigCommerceHook, type FakeBigCommerce } from '../providers/bigcommerce.js';

const TOKEN = 'bc-store-api-token-0123456789';

describe.each(DIALECTS)('BigCommerce end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let bc: FakeBigCommerce;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribed = async (type: string, params: Record<string, unknown> = {}) => subscriptionOf(await w.subscribe(type, params));
  const hookFor = (subscriptionId: string): BigCommerceHook | undefined => [...bc.hooks.values()].find((h) => h.destination === `${t.url}/hooks/s/${subscriptionId}`);
  const apiPath = (p: string) => `/stores/${bc.storeHash}${p}`;

  beforeEach(async () => {
    bc = await startFakeBigCommerce();
    bc.validTokens.add(TOKEN);
    bc.orders.set(250, orderCreated.order);
    bc.products.set(205, productCreated.product);
    bc.customers.set(32, customerCreated.customer);
    w = await startIntegrationWorld({
      dialect,
      integration: bigcommerceIntegration,
      config: {
        apiBaseUrl: bc.apiBaseTemplate,
        authorizationUrl: `${bc.url}/oauth2/authorize`,
        tokenUrl: `${bc.url}/oauth2/token`,
        clientId: bc.clientId,
        clientSecret: bc.clientSecret,
      },
      // A store API account's token stored directly, with its store (given in capitals: the engine keeps `abc123`).
      credential: { accessToken: TOKEN, providerAccountId: bc.storeHash, extra: { storeHash: 'ABC123' } },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await bc.close();
  });

  it('order created: hook created with its secret header, the order read and delivered once, retry deduplicated, hook deleted', async () => {
    const sub = await subscribed('BIGCOMMERCE_TRIGGER_ORDER_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = hookFor(sub.id)!;
    const post = bc.requests.find((r) => r.method === 'POST')!;
    expect(post).toMatchObject({ path: apiPath('/v3/hooks'), token: TOKEN });
    expect(post.body).toEqual({ scope: 'store/order/created', destination: `${t.url}/hooks/s/${sub.id}`, is_active: true, headers: { [SECRET_HEADER]: expect.any(String) } });
    expect(hook.headers![SECRET_HEADER]!.length).toBeGreaterThanOrEqual(32);
    expect(JSON.stringify(await t.svc.storage.subscriptions.get(sub.id))).toContain(`"hookId":"${hook.id}"`);

    const callback = bc.callback('store/order/created', { type: 'order', id: 250 });
    expect((await bc.deliver(hook.id, callback)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      integration: 'bigcommerce', triggerType: 'BIGCOMMERCE_TRIGGER_ORDER_CREATED', triggerSubscriptionId: sub.id, credentialId, projectId: project.id,
      payload: { ...callback, order: orderCreated.order },
    });
    expectSignedDelivery(sent!, project.signingSecret);
    expect(bc.requests.at(-1)).toMatchObject({ method: 'GET', path: apiPath('/v2/orders/250'), token: TOKEN });

    // BigCommerce retries the same callback: acknowledged, nothing new. Another scope or store reaching this URL is ignored.
    expect((await bc.deliver(hook.id, callback)).status).toBe(200);
    expect((await bc.deliver(hook.id, bc.callback('store/order/statusUpdated', { type: 'order', id: 250, status: { previous_status_id: 11, new_status_id: 2 } }))).status).toBe(200);
    expect((await bc.deliver(hook.id, { ...bc.callback('store/order/created', { type: 'order', id: 251 }), producer: 'stores/other1' })).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(bc.hooks.size).toBe(0);
    expect(bc.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
    expect(bc.requests.at(-1)).toMatchObject({ method: 'DELETE', path: apiPath(`/v3/hooks/${hook.id}`) });
  });

  it('order status updated: each change once, and only changes to the chosen status when one is set', async () => {
    const all = await subscribed('BIGCOMMERCE_TRIGGER_ORDER_STATUS_UPDATED');
    const shipped = await subscribed('BIGCOMMERCE_TRIGGER_ORDER_STATUS_UPDATED', { newStatusId: '2' });
    const bad = await w.subscribe('BIGCOMMERCE_TRIGGER_ORDER_STATUS_UPDATED', { newStatusId: 'shipped' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('newStatusId');

    const toShipped = bc.callback('store/order/statusUpdated', { type: 'order', id: 250, status: { previous_status_id: 11, new_status_id: 2 } }, 1561482670);
    const toCompleted = bc.callback('store/order/statusUpdated', { type: 'order', id: 250, status: { previous_status_id: 2, new_status_id: 10 } }, 1561482700);
    for (const sub of [all, shipped]) {
      const hook = hookFor(sub.id)!;
      expect(hook.scope).toBe('store/order/statusUpdated');
      for (const cb of [toShipped, toCompleted, toShipped]) expect((await bc.deliver(hook.id, cb)).status).toBe(200);
    }
    await worker.drain();
    await receiver.waitFor(3);
    const got = receiver.requests.map((r) => r.json as { triggerSubscriptionId: string; payload: { data: { status: { new_status_id: number } }; order: unknown } });
    expect(got.filter((g) => g.triggerSubscriptionId === all.id).map((g) => g.payload.data.status.new_status_id).sort()).toEqual([10, 2]);
    expect(got.filter((g) => g.triggerSubscriptionId === shipped.id).map((g) => g.payload.data.status.new_status_id)).toEqual([2]);
    expect(got[0]!.payload.order).toEqual(orderCreated.order);
  });

  it('product and customer created deliver the object read from the API; one deleted meanwhile arrives as null', async () => {
    const p = await subscribed('BIGCOMMERCE_TRIGGER_PRODUCT_CREATED');
    const c = await subscribed('BIGCOMMERCE_TRIGGER_CUSTOMER_CREATED');
    expect((await bc.deliver(hookFor(p.id)!.id, bc.callback('store/product/created', { type: 'product', id: 205 }))).status).toBe(200);
    expect((await bc.deliver(hookFor(c.id)!.id, bc.callback('store/customer/created', { type: 'customer', id: 32 }))).status).toBe(200);
    expect((await bc.deliver(hookFor(c.id)!.id, bc.callback('store/customer/created', { type: 'customer', id: 99 }))).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(3);
    const byKey = receiver.requests.map((r) => (r.json as { triggerType: string; payload: Record<string, unknown> }));
    expect(byKey.find((g) => g.triggerType === 'BIGCOMMERCE_TRIGGER_PRODUCT_CREATED')!.payload.product).toEqual(productCreated.product);
    const customers = byKey.filter((g) => g.triggerType === 'BIGCOMMERCE_TRIGGER_CUSTOMER_CREATED').map((g) => g.payload.customer);
    expect(customers).toContainEqual(customerCreated.customer);
    expect(customers).toContainEqual(null);
    expect(bc.requests.some((r) => r.path === apiPath('/v3/customers') && decodeURIComponent(r.query) === '?id:in=32')).toBe(true);
  });

  it("refuses a wrong secret, another subscription's secret and a missing header with 401, storing nothing", async () => {
    const sub = await subscribed('BIGCOMMERCE_TRIGGER_ORDER_CREATED');
    const hook = hookFor(sub.id)!;
    const other = hookFor((await subscribed('BIGCOMMERCE_TRIGGER_ORDER_CREATED')).id)!;
    const callback = bc.callback('store/order/created', { type: 'order', id: 250 });
    expect((await bc.deliver(hook.id, callback, { headers: { [SECRET_HEADER]: 'not-the-secret' } })).status).toBe(401);
    expect((await bc.deliver(hook.id, callback, { headers: { [SECRET_HEADER]: other.headers![SECRET_HEADER] } })).status).toBe(401);
    expect((await bc.deliver(hook.id, callback, { headers: { [SECRET_HEADER]: undefined } })).status).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
    expect(bc.requests.some((r) => r.path.includes('/v2/orders/'))).toBe(false);
  });

  it('maps BigCommerce errors at subscribe time without storing anything; a revoked token marks the credential invalid', async () => {
    bc.failNext(1, 422, { status: 422, title: 'Input is invalid', type: 'about:blank', errors: { destination: 'must be served on port 443' } });
    const r422 = await w.subscribe('BIGCOMMERCE_TRIGGER_ORDER_CREATED', {});
    expect(r422.status).toBe(422);
    expect(r422.body.message).toContain('port 443');
    bc.failNext(1, 429, { status: 429, title: 'Too many requests' }, { 'x-rate-limit-time-reset-ms': '3000' });
    expect((await w.subscribe('BIGCOMMERCE_TRIGGER_ORDER_CREATED', {})).status).toBe(429);
    bc.failNext(1, 503);
    expect((await w.subscribe('BIGCOMMERCE_TRIGGER_ORDER_CREATED', {})).status).toBe(502);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(bc.hooks.size).toBe(0);

    bc.validTokens.clear();
    const r401 = await w.subscribe('BIGCOMMERCE_TRIGGER_ORDER_CREATED', {});
    expect(r401.status).toBeGreaterThanOrEqual(400);
    expect(r401.text).not.toContain(TOKEN);
    expect(await t.svc.storage.credentials.get(credentialId)).toMatchObject({ status: 'INVALID' });
  });

  it('checks the hook every hour: a deactivated one is deleted and created again, a deleted one created again', async () => {
    const sub = await subscribed('BIGCOMMERCE_TRIGGER_ORDER_CREATED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });

    const first = hookFor(sub.id)!;
    let before = bc.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(bc.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${apiPath(`/v3/hooks/${first.id}`)}`]);

    // BigCommerce deactivated it after failed deliveries: deleted, then created again with a new secret.
    first.is_active = false;
    before = bc.requests.length;
    await due();
    await renewals.runOnce();
    expect(bc.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET ${apiPath(`/v3/hooks/${first.id}`)}`, `DELETE ${apiPath(`/v3/hooks/${first.id}`)}`, `POST ${apiPath('/v3/hooks')}`,
    ]);
    const second = hookFor(sub.id)!;
    expect(second.id).not.toBe(first.id);
    expect(second.headers![SECRET_HEADER]).not.toBe(first.headers![SECRET_HEADER]);

    // Deleted in the control panel: created again.
    bc.hooks.delete(second.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const third = hookFor(sub.id)!;
    expect(third.id).not.toBe(second.id);
    const callback = bc.callback('store/order/created', { type: 'order', id: 250 });
    expect((await bc.deliver(third.id, callback, { headers: { [SECRET_HEADER]: second.headers![SECRET_HEADER] } })).status).toBe(401);
    expect((await bc.deliver(third.id, callback)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
  });

  it('connects through OAuth at login.bigcommerce.com for the store named by parameters.storeHash', async () => {
    const connect = (parameters?: Record<string, string>) => user.post(`${base}/connect/bigcommerce`, { redirectUrl: 'https://app.example.com/connected', ...(parameters ? { parameters } : {}) });
    const missing = await connect();
    expect(missing.status).toBe(400);
    expect(missing.body.message).toContain('parameters.storeHash');
    expect((await connect({ storeHash: 'abc123/../x' })).status).toBe(400);

    const start = await connect({ storeHash: 'abc123' });
    expect(start.status, start.text).toBe(200);
    const authorizationUrl = new URL(start.body.authorizationUrl);
    expect(Object.fromEntries(authorizationUrl.searchParams)).toMatchObject({ client_id: bc.clientId, scope: expect.stringContaining('store_v2_orders_read_only') });
    bc.codes.set('code-1', 'bc-connected-token');
    const state = encodeURIComponent(authorizationUrl.searchParams.get('state')!);
    const cb = await t.admin.get(`/oauth/callback?code=code-1&state=${state}&scope=store_v2_orders_read_only&context=stores%2Fabc123`);
    expect(cb.status, cb.text).toBe(302);
    const connectedId = new URL(String(cb.headers.location)).searchParams.get('credentialId')!;
    expect(connectedId).toBe(credentialId);
    expect(bc.tokenRequests).toEqual([expect.objectContaining({ code: 'code-1', client_id: bc.clientId, grant_type: 'authorization_code' })]);
    expect(await t.svc.storage.credentials.get(connectedId)).toMatchObject({
      providerAccountId: 'abc123', secrets: { accessToken: 'bc-connected-token', extra: { storeHash: 'abc123', storeName: 'BigCommerce Example Store' } },
    });
    const sub = subscriptionOf(await w.subscribe('BIGCOMMERCE_TRIGGER_PRODUCT_CREATED', {}, { 'x-paragon-credential': connectedId }));
    expect(sub.credentialId).toBe(connectedId);
    expect(bc.requests.at(-1)).toMatchObject({ method: 'POST', path: apiPath('/v3/hooks'), token: 'bc-connected-token' });
  });
});
