// monday.com end to end through the public API, on SQLite and PostgreSQL: subscribe → `create_webhook` at the
// fake monday, which first sends the URL-verification challenge to our hook URL and creates the webhook only
// once it is echoed → a webhook request signed with the app's Signing Secret (JWT in Authorization) → exactly
// one signed delivery at the receiver → monday's retry of the same request → no duplicate → unsubscribe →
// `delete_webhook`. Plus: forged, unsigned and expired-token requests refused with 401 storing nothing,
// error mapping at registration (401, complexity budget, 5xx, unknown board, no Signing Secret), and the
// hourly `webhooks(board_id)` check re-creating a webhook removed from the board.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import { boardId, mondayEvents } from '../../src/integrations/monday/fixtures/events.js';
import { MONDAY_API_VERSION, mondayIntegration } from '../../src/integrations/monday/integration.js';
import { signJwt } from '../../src/sdk/index.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeMonday, type FakeMonday } from '../providers/monday.js';

const CASES = [
  { type: 'MONDAY_TRIGGER_ITEM_CREATED_WITH_NEW_API_VERSION', parameters: {}, event: 'create_item', config: null, body: mondayEvents.itemCreated },
  { type: 'MONDAY_TRIGGER_COLUMN_VALUE_CHANGED', parameters: {}, event: 'change_column_value', config: null, body: mondayEvents.columnValueChanged },
  { type: 'MONDAY_TRIGGER_COLUMN_VALUE_CHANGED', parameters: { columnId: 'text0' }, event: 'change_specific_column_value', config: '{"columnId":"text0"}', body: mondayEvents.columnValueChanged },
  { type: 'MONDAY_TRIGGER_STATUS_CHANGED', parameters: { columnId: 'status' }, event: 'change_status_column_value', config: null, body: mondayEvents.statusChanged },
  { type: 'MONDAY_TRIGGER_UPDATE_CREATED', parameters: {}, event: 'create_update', config: null, body: mondayEvents.updateCreated },
  { type: 'MONDAY_TRIGGER_ITEM_ARCHIVED', parameters: {}, event: 'item_archived', config: null, body: mondayEvents.itemArchived },
] as const;

describe.each(DIALECTS)('monday.com end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let monday: FakeMonday;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const events = () => w.events();
  const hookFor = (subscriptionId: string) => [...monday.webhooks.values()].find((h) => h.url === `${t.url}/hooks/s/${subscriptionId}`);
  const subscribe = (type: string, parameters: Record<string, unknown> = {}) =>
    user.post(`${base}/trigger-subscriptions`, { integration: 'monday', type, parameters: { boardId, ...parameters } });
  const configure = (body: Record<string, unknown>) => t.admin.put(`/admin/v1/projects/${project.id}/integrations/monday`, { enabled: true, ...body });

  beforeEach(async () => {
    monday = await startFakeMonday();
    w = await startIntegrationWorld({
      dialect,
      integration: mondayIntegration,
      config: { clientId: 'monday-client', clientSecret: 'monday-client-secret', webhookSecret: monday.signingSecret, apiBaseUrl: monday.url },
      credential: { accessToken: 'monday_oauth_valid', providerAccountId: String(monday.accountId) },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await monday.close();
  });

  it.each(CASES)('$type $parameters: challenge answered, webhook created, one signed delivery, retry deduplicated, webhook deleted', async ({ type, parameters, event, config, body }) => {
    const r = await subscribe(type, parameters);
    expect(r.status, r.text).toBe(200);
    const hook = hookFor(r.body.id);
    expect(hook).toMatchObject({ boardId, event, config });
    // monday verified the URL during create_webhook: our hook URL echoed its challenge.
    expect(monday.challenges).toHaveLength(1);
    expect(monday.challenges[0]).toMatchObject({ url: hook!.url, status: 200 });
    expect(JSON.parse(monday.challenges[0]!.answer)).toEqual({ challenge: monday.challenges[0]!.challenge });
    const create = monday.requests.find((q) => q.operation === 'create_webhook')!;
    expect(create).toMatchObject({ apiVersion: MONDAY_API_VERSION, auth: 'Bearer monday_oauth_valid', variables: { boardId, url: hook!.url, event } });

    expect((await monday.deliver(hook!.id, body)).status).toBe(200);
    await worker.drain();
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({
      integration: 'monday', triggerType: type, triggerSubscriptionId: r.body.id, credentialId, userId: 'user-1', payload: body,
    });
    expectSignedDelivery(delivery!, project.signingSecret);

    // monday retries the request (same body, same triggerUuid, a fresh token): no second event.
    expect((await monday.deliver(hook!.id, body)).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${r.body.id}`)).body).toEqual({ success: true });
    expect(monday.webhooks.size).toBe(0);
    expect(monday.requests.at(-1)).toMatchObject({ operation: 'delete_webhook', variables: { id: hook!.id } });
  });

  it('keeps only the chosen status column', async () => {
    const r = await subscribe('MONDAY_TRIGGER_STATUS_CHANGED', { columnId: 'priority' });
    expect(r.status, r.text).toBe(200);
    expect((await monday.deliver(hookFor(r.body.id)!.id, mondayEvents.statusChanged)).status).toBe(200);
    await worker.drain();
    expect(await events()).toEqual([]);
  });

  it('refuses forged, unsigned and expired requests with 401 and stores nothing', async () => {
    const r = await subscribe('MONDAY_TRIGGER_ITEM_CREATED_WITH_NEW_API_VERSION');
    const hook = hookFor(r.body.id)!;
    expect((await monday.deliver(hook.id, mondayEvents.itemCreated, { secret: 'not-the-signing-secret' })).status).toBe(401);
    expect((await monday.deliver(hook.id, mondayEvents.itemCreated, { authorization: null })).status).toBe(401);
    const iat = Math.floor(Date.now() / 1000) - 3600;
    const expired = signJwt({ accountId: monday.accountId, iat, exp: iat + 300 }, monday.signingSecret);
    expect((await monday.deliver(hook.id, mondayEvents.itemCreated, { authorization: expired })).status).toBe(401);
    await worker.drain();
    expect(await events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('maps errors at subscribe time: 401, complexity budget, 5xx, unknown board, no Signing Secret — storing nothing', async () => {
    monday.errorNext([{ message: 'Complexity budget exhausted', extensions: { code: 'COMPLEXITY_BUDGET_EXHAUSTED', retry_in_seconds: 20 } }]);
    const limited = await subscribe('MONDAY_TRIGGER_ITEM_CREATED_WITH_NEW_API_VERSION');
    expect(limited.status).toBe(429);

    monday.failNext(503);
    expect((await subscribe('MONDAY_TRIGGER_ITEM_CREATED_WITH_NEW_API_VERSION')).status).toBe(502);

    const unknown = await subscribe('MONDAY_TRIGGER_ITEM_CREATED_WITH_NEW_API_VERSION', { boardId: '999' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toContain('Board not found: 999');
    expect(unknown.text).not.toContain('monday_oauth_valid');

    const badParam = await subscribe('MONDAY_TRIGGER_ITEM_CREATED_WITH_NEW_API_VERSION', { boardId: 'my board' });
    expect(badParam.status).toBe(400);
    expect(badParam.body.message).toContain('parameters.boardId');

    expect((await configure({ webhookSecret: null })).status).toBe(200);
    const noKey = await subscribe('MONDAY_TRIGGER_ITEM_CREATED_WITH_NEW_API_VERSION');
    expect(noKey.status).toBe(422);
    expect(noKey.body.message).toContain('Signing Secret');
    expect((await configure({ webhookSecret: monday.signingSecret })).status).toBe(200);

    // monday refuses the token: the engine reports the credential (no refresh token to try), never the token.
    monday.tokens.clear();
    const unauthorized = await subscribe('MONDAY_TRIGGER_ITEM_CREATED_WITH_NEW_API_VERSION');
    expect(unauthorized.status).toBe(422);
    expect(unauthorized.body.message).toContain('credential');
    expect(unauthorized.text).not.toContain('monday_oauth_valid');

    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(monday.webhooks.size).toBe(0);
  });

  it('checks the webhook every hour: one removed from the board is created again and delivers', async () => {
    const r = await subscribe('MONDAY_TRIGGER_UPDATE_CREATED');
    expect(r.status, r.text).toBe(200);
    const id = r.body.id as string;
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(id, { renewAt: Date.now() - 1 });

    const first = hookFor(id)!;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(monday.requests.at(-1)).toMatchObject({ operation: 'webhooks', variables: { boardId } });

    monday.webhooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(id)!;
    expect(second.id).not.toBe(first.id);
    expect(second).toMatchObject({ boardId, event: 'create_update' });
    expect((await monday.deliver(second.id, mondayEvents.updateCreated)).status).toBe(200);
    await worker.drain();
    expect((await receiver.waitFor(1)).map((d) => (d.json as { triggerSubscriptionId: string }).triggerSubscriptionId)).toEqual([id]);
  });
});
