// Webex end to end through the public API, on SQLite and PostgreSQL: subscribe → a webhook is created at the fake
// Webex (the trigger's resource and event, the space filter, our per-subscription URL, a fresh secret) → Webex posts
// the signed envelope → the message it names is read → exactly one signed delivery to the project → Webex's retry
// adds nothing → unsubscribe → the webhook is deleted. Plus forged, foreign and missing signatures (401, nothing
// stored), the filter honoured, refusals at subscribe time, and the hourly check that creates the webhook again when
// it was deleted or turned inactive at Webex.
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import { webexIntegration } from '../../src/integrations/webex/integration.js';
import messageCreated from '../../src/integrations/webex/fixtures/message-created.json' with { type: 'json' };
import message from '../../src/integrations/webex/fixtures/message.json' with { type: 'json' };
import roomCreated from '../../src/integrations/webex/fixtures/room-created.json' with { type: 'json' };
import membershipCreated from '../../src/integrations/webex/fixtures/membership-created.json' with { type: 'json' };
import meetingStarted from '../../src/integrations/webex/fixtures/meeting-started.json' with { type: 'json' };
import meetingEnded from '../../src/integrations/webex/fixtures/meeting-ended.json' with { type: 'json' };
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld, subscriptionOf } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeWebex, type FakeWebex, type WebexWebhook } from '../providers/webex.js';

const TOKEN = 'webex-access-token-e2e';
const ROOM = 'Y2lzY29zcGFyazovL3VzL1JPT00vYmJjZWIxYWQtNDNmMS0zYjU4LTkxNDctZjE0YmIwYzRkMTU0';
const OTHER_ROOM = 'Y2lzY29zcGFyazovL3VzL1JPT00vMDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAx';

const EVENTS: Record<string, [string, string, Record<string, unknown>]> = {
  WEBEX_TRIGGER_MESSAGE_CREATED: ['messages', 'created', messageCreated.data],
  WEBEX_TRIGGER_SPACE_CREATED: ['rooms', 'created', roomCreated.data],
  WEBEX_TRIGGER_MEMBERSHIP_CREATED: ['memberships', 'created', membershipCreated.data],
  WEBEX_TRIGGER_MEETING_STARTED: ['meetings', 'started', meetingStarted.data],
  WEBEX_TRIGGER_MEETING_ENDED: ['meetings', 'ended', meetingEnded.data],
};

describe.each(DIALECTS)('Webex end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let wx: FakeWebex;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribe = (type: string, parameters: Record<string, unknown> = {}, headers?: Record<string, string>) => w.subscribe(type, parameters, headers);
  const subscribed = async (type: string, parameters: Record<string, unknown> = {}) => subscriptionOf(await subscribe(type, parameters));
  const hookFor = (subscriptionId: string): WebexWebhook | undefined => [...wx.webhooks.values()].find((h) => h.targetUrl === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    wx = await startFakeWebex();
    wx.tokens.set(TOKEN, ['spark:messages_read', 'spark:rooms_read', 'spark:memberships_read', 'meeting:schedules_read']);
    wx.rooms.add(ROOM).add(OTHER_ROOM);
    wx.messages.set(message.id, message);
    w = await startIntegrationWorld({
      dialect,
      integration: webexIntegration,
      config: { clientId: 'webex-client-id', clientSecret: 'webex-client-secret', apiBaseUrl: wx.url },
      credential: { accessToken: TOKEN },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
    expect(w.config.webhookUrl).toBeNull();
  });
  afterEach(async () => {
    await w.close();
    await wx.close();
  });

  it('new message: webhook with the space filter, signed envelope, message read, one delivery, retry deduplicated, webhook deleted', async () => {
    const sub = await subscribed('WEBEX_TRIGGER_MESSAGE_CREATED', { roomId: ROOM });
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ resource: 'messages', event: 'created', filter: `roomId=${ROOM}`, targetUrl: `${t.url}/hooks/s/${sub.id}`, status: 'active' });
    expect(hook.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(wx.requests.find((r) => r.path === '/v1/webhooks')).toMatchObject({ method: 'POST', auth: `Bearer ${TOKEN}` });

    // A message in another space: Webex sends nothing for this webhook.
    expect(await wx.publish('messages', 'created', { ...messageCreated.data, id: 'other-message-id', roomId: OTHER_ROOM })).toEqual([]);

    const [first] = await wx.publish('messages', 'created', messageCreated.data);
    expect(first!.responses).toEqual([200]);
    expect(wx.requests.at(-1)).toMatchObject({ method: 'GET', path: `/v1/messages/${message.id}`, auth: `Bearer ${TOKEN}` });
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    const envelope = JSON.parse(first!.body) as Record<string, unknown>;
    expect(sent!.json).toMatchObject({
      userId: 'user-1', integration: 'webex', triggerType: 'WEBEX_TRIGGER_MESSAGE_CREATED', triggerSubscriptionId: sub.id,
      credentialId, projectId: project.id, payload: { ...envelope, data: message },
    });
    expect(JSON.stringify(sent!.json)).not.toContain(hook.secret!);
    expectSignedDelivery(sent!, project.signingSecret);

    // Webex retries the same body: stored once, the message not read again into a second event.
    expect((await wx.retry(first!)).responses).toEqual([200, 200]);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(wx.webhooks.size).toBe(0);
    expect(wx.deletedWebhooks.map((h) => h.id)).toEqual([hook.id]);
    expect(wx.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/v1/webhooks/${hook.id}` });
  });

  it('every trigger: its own webhook, resource and event, delivered once; all webhooks deleted', async () => {
    const subs = new Map<string, string>();
    for (const trigger of webexIntegration.triggers) subs.set(trigger.type, (await subscribed(trigger.type)).id);
    expect([...wx.webhooks.values()].map((h) => [h.resource, h.event, h.filter ?? null])).toEqual([
      ['messages', 'created', null], ['rooms', 'created', null], ['memberships', 'created', null], ['meetings', 'started', null], ['meetings', 'ended', null],
    ]);
    for (const trigger of webexIntegration.triggers) {
      const [resource, event, data] = EVENTS[trigger.type]!;
      const sent = await wx.publish(resource, event, data);
      expect(sent.map((d) => d.responses), trigger.type).toEqual([[200]]);
      expect((await wx.retry(sent[0]!)).responses.at(-1)).toBe(200);
    }
    await worker.drain();
    await receiver.waitFor(webexIntegration.triggers.length);
    await worker.drain();
    const got = receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: { data: { id: string } } });
    expect(got).toHaveLength(webexIntegration.triggers.length);
    for (const g of got) {
      expect(g.triggerSubscriptionId).toBe(subs.get(g.triggerType));
      expect(g.payload.data.id).toBe(EVENTS[g.triggerType]![2].id);
    }
    for (const id of subs.values()) expect((await user.delete(`${base}/trigger-subscriptions/${id}`)).body).toEqual({ success: true });
    expect(wx.webhooks.size).toBe(0);
  });

  it('refuses forged, foreign and missing signatures with 401 and stores nothing', async () => {
    const sub = await subscribed('WEBEX_TRIGGER_MEMBERSHIP_CREATED', { roomId: ROOM });
    const other = await subscribed('WEBEX_TRIGGER_SPACE_CREATED');
    expect(hookFor(sub.id)!.secret).not.toBe(hookFor(other.id)!.secret);
    expect((await wx.publish('memberships', 'created', membershipCreated.data, { signWith: 'not-the-secret' }))[0]!.responses).toEqual([401]);
    expect((await wx.publish('memberships', 'created', membershipCreated.data, { signWith: hookFor(other.id)!.secret! }))[0]!.responses).toEqual([401]);
    expect((await wx.publish('memberships', 'created', membershipCreated.data, { signWith: null }))[0]!.responses).toEqual([401]);
    // A body signed with the right secret, then changed on the way.
    const hook = hookFor(sub.id)!;
    const body = JSON.stringify({ id: hook.id, resource: 'memberships', event: 'created', data: membershipCreated.data });
    const signature = createHmac('sha1', hook.secret!).update(body).digest('hex');
    const tampered = await fetch(hook.targetUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-spark-signature': signature }, body: body.replace('John', 'Jane') });
    expect(tampered.status).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('reports Webex refusals at subscribe time and stores nothing: unknown space, bad parameter, rate limit, 5xx, missing scope, invalid token', async () => {
    const unknown = await subscribe('WEBEX_TRIGGER_MESSAGE_CREATED', { roomId: ROOM.replace('Y2', 'Z2') });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toContain('invalid value for filter: roomId');
    const badParam = await subscribe('WEBEX_TRIGGER_MESSAGE_CREATED', { roomId: 'x&personId=y' });
    expect(badParam.status).toBe(400);
    expect(badParam.body.message).toContain('parameters.roomId');
    wx.rateLimitNext(60);
    expect((await subscribe('WEBEX_TRIGGER_MESSAGE_CREATED')).status).toBe(429);
    wx.failNext(1, 502);
    expect((await subscribe('WEBEX_TRIGGER_MESSAGE_CREATED')).status).toBe(502);
    wx.tokens.set('messages-only', ['spark:messages_read']);
    const limited = await user.post(`${base}/credentials`, { integration: 'webex', accessToken: 'messages-only' });
    const noScope = await subscribe('WEBEX_TRIGGER_MEETING_STARTED', {}, { 'x-paragon-credential': limited.body.id });
    expect(noScope.status).toBe(422);
    expect(noScope.body.message).toContain('meeting:schedules_read');
    const revoked = await user.post(`${base}/credentials`, { integration: 'webex', accessToken: 'revoked' });
    const invalid = await subscribe('WEBEX_TRIGGER_MESSAGE_CREATED', {}, { 'x-paragon-credential': revoked.body.id });
    expect(invalid.status).toBe(422);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(wx.webhooks.size).toBe(0);
    expect(JSON.stringify([unknown.body, noScope.body, invalid.body])).not.toContain(TOKEN);
  });

  it('checks the webhook every hour: one deleted or inactive at Webex is created again and delivers', async () => {
    const sub = await subscribed('WEBEX_TRIGGER_MEETING_ENDED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p), metrics: t.svc.metrics });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });

    const first = hookFor(sub.id)!;
    const before = wx.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(wx.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v1/webhooks/${first.id}`]);

    // Deleted at Webex: a new webhook with a new secret; the old secret opens nothing.
    wx.webhooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect(second.id).not.toBe(first.id);
    expect(second.secret).not.toBe(first.secret);
    expect(second).toMatchObject({ resource: 'meetings', event: 'ended' });
    expect((await wx.publish('meetings', 'ended', meetingEnded.data, { signWith: first.secret! }))[0]!.responses).toEqual([401]);
    expect((await wx.publish('meetings', 'ended', meetingEnded.data))[0]!.responses).toEqual([200]);
    await worker.drain();
    await receiver.waitFor(1);

    // Disabled by Webex (inactive after failed deliveries): deleted and created again.
    second.status = 'inactive';
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    expect(wx.deletedWebhooks.map((h) => h.id)).toEqual([second.id]);
    const third = hookFor(sub.id)!;
    expect([third.id === second.id, third.status]).toEqual([false, 'active']);
    expect(wx.webhooks.size).toBe(1);
    expect((await wx.publish('meetings', 'ended', { ...meetingEnded.data, id: '089b137c3cf34b578896941e2d49dfe8_I_999' }))[0]!.responses).toEqual([200]);
    await worker.drain();
    await receiver.waitFor(2);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });

  it('unsubscribes when the webhook is already gone (404)', async () => {
    const gone = await subscribed('WEBEX_TRIGGER_SPACE_CREATED');
    wx.webhooks.delete(hookFor(gone.id)!.id);
    expect((await user.delete(`${base}/trigger-subscriptions/${gone.id}`)).body).toEqual({ success: true });
  });
});
