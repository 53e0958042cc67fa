// Trello end to end through the public API, on SQLite and PostgreSQL: subscribe → Trello checks our hook URL
// with HEAD (answered 200 by the service) and creates a webhook on the board → Trello delivers a signed
// createCard → exactly one signed delivery → Trello's retry of the same action adds nothing → unsubscribe →
// the webhook is deleted. Plus forged signatures (401, nothing stored), refusals at subscribe time, and the
// hourly check that creates again a webhook Trello deactivated or deleted (ADR 0018).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import cardMoved from '../../src/integrations/trello/fixtures/card-moved.json' with { type: 'json' };
import commentCard from '../../src/integrations/trello/fixtures/comment-card.json' with { type: 'json' };
import createCard from '../../src/integrations/trello/fixtures/create-card.json' with { type: 'json' };
import { trelloIntegration } from '../../src/integrations/trello/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld, subscriptionOf } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeTrello, trelloSignature, type FakeTrello, type TrelloHook } from '../providers/trello.js';

const BOARD = createCard.action.data.board.id;

describe.each(DIALECTS)('Trello end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let trello: FakeTrello;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const events = () => w.events();
  const subscribe = (type: string, parameters: Record<string, unknown> = { boardId: BOARD }, headers?: Record<string, string>) => w.subscribe(type, parameters, headers);
  const subscribed = async (type: string, parameters: Record<string, unknown> = { boardId: BOARD }) => subscriptionOf(await subscribe(type, parameters));
  const hookFor = (subscriptionId: string): TrelloHook | undefined => [...trello.hooks.values()].find((h) => h.callbackURL === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    trello = await startFakeTrello();
    trello.validTokens.add('user-token');
    trello.boards.add(BOARD);
    w = await startIntegrationWorld({
      dialect,
      integration: trelloIntegration,
      config: { apiBaseUrl: `${trello.url}/1`, webhookSecret: trello.appSecret },
      credential: { apiKey: `oauth_consumer_key="${trello.apiKey}", oauth_token="user-token"` },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await trello.close();
  });

  it('card created: webhook created after the HEAD check, one signed delivery, retry deduplicated, webhook deleted', async () => {
    const sub = await subscribed('TRELLO_TRIGGER_CARD_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ idModel: BOARD, active: true, token: 'user-token' });
    expect(trello.headChecks).toEqual([{ url: hook.callbackURL, status: 200 }]);
    expect(trello.requests.find((r) => r.method === 'POST')!.auth).toBe(trello.authorization('user-token'));

    expect((await trello.deliver(hook.id, createCard)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      userId: 'user-1', integration: 'trello', triggerType: 'TRELLO_TRIGGER_CARD_CREATED', triggerSubscriptionId: sub.id,
      credentialId, projectId: project.id, payload: createCard,
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // Trello retries the same action: acknowledged, nothing new. Other actions of the board are acknowledged and ignored.
    expect((await trello.deliver(hook.id, createCard)).status).toBe(200);
    expect((await trello.deliver(hook.id, commentCard)).status).toBe(200);
    expect((await trello.deliver(hook.id, cardMoved)).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(trello.hooks.size).toBe(0);
    expect(trello.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
    expect(trello.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/1/webhooks/${hook.id}` });
  });

  it('refuses forged and unsigned deliveries with 401 and stores nothing', async () => {
    const sub = await subscribed('TRELLO_TRIGGER_COMMENT_ADDED');
    const hook = hookFor(sub.id)!;
    expect((await trello.deliver(hook.id, commentCard, { secret: 'not-the-app-secret' })).status).toBe(401);
    // Signed for another callback URL (a delivery replayed to a different subscription).
    expect((await trello.deliver(hook.id, commentCard, { callbackURL: `${t.url}/hooks/s/00000000-0000-4000-8000-000000000000` })).status).toBe(401);
    const body = JSON.stringify(commentCard);
    const tampered = await fetch(hook.callbackURL, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-trello-webhook': trelloSignature(trello.appSecret, body, hook.callbackURL) }, body: body.replace('shared folder', 'other folder'),
    });
    expect(tampered.status).toBe(401);
    const unsigned = await fetch(hook.callbackURL, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    await worker.drain();
    expect(await events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('refuses bad parameters with 400 naming the parameter, and reports Trello refusals at subscribe time without storing anything', async () => {
    const bad = await subscribe('TRELLO_TRIGGER_CARD_CREATED', { boardId: 'iCZf1Oev' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('boardId');
    expect((await subscribe('TRELLO_TRIGGER_CARD_CREATED', {})).status).toBe(400);
    const unknown = await subscribe('TRELLO_TRIGGER_CARD_CREATED', { boardId: '0123456789abcdef01234567' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toContain('invalid value for idModel');
    trello.failNext(1, 429, 'API_TOKEN_LIMIT_EXCEEDED', { 'retry-after': '5' });
    expect((await subscribe('TRELLO_TRIGGER_CARD_CREATED')).status).toBe(429);
    const revoked = await user.post(`${base}/credentials`, { integration: 'trello', apiKey: `oauth_consumer_key="${trello.apiKey}", oauth_token="revoked-token"` });
    expect(revoked.status, revoked.text).toBe(201);
    const r401 = await subscribe('TRELLO_TRIGGER_CARD_CREATED', { boardId: BOARD }, { 'x-paragon-credential': revoked.body.id });
    expect(r401.status).toBe(422);
    expect(r401.text).not.toContain('revoked-token');
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(trello.hooks.size).toBe(0);
  });

  it('checks the webhook every hour: one Trello deleted or deactivated is created again and delivers', async () => {
    const sub = await subscribed('TRELLO_TRIGGER_CARD_MOVED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });

    const first = hookFor(sub.id)!;
    const before = trello.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(trello.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /1/webhooks/${first.id}`]);

    // Deleted at Trello (the board was deleted and restored, or the user removed it): a new one.
    trello.hooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect(second.id).not.toBe(first.id);
    expect((await trello.deliver(second.id, cardMoved)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);

    // Deactivated after failed deliveries: deleted, then created again.
    second.active = false;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const third = hookFor(sub.id)!;
    expect([third.id === second.id, third.active]).toEqual([false, true]);
    expect(trello.deletedHooks.map((h) => h.id)).toEqual([second.id]);
    expect(trello.hooks.size).toBe(1);
    const next = { ...cardMoved, action: { ...cardMoved.action, id: '5f9b3d1a7c2e8f0013b4d5ff' } };
    expect((await trello.deliver(third.id, next)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(2);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });
});
