// Microsoft Teams end to end through the public API, on SQLite and PostgreSQL, against the fake Microsoft
// Graph: subscribe → POST /subscriptions observed at the fake, whose validation requests (notificationUrl
// and lifecycleNotificationUrl, sent DURING the create call, before our subscription row exists) the engine
// answers → a channel / message is created → Graph's thin notification → fetch → exactly one signed delivery
// → Graph's retry → no duplicate → unsubscribe → DELETE observed. Plus a wrong clientState (401, nothing
// stored), lifecycle notifications (reauthorize + catch up, subscriptionRemoved → created again), renewal
// (PATCH; 404 → created again), an expired access token refreshed, 429 and 5xx answered with 503 so Graph
// retries, and provider failures at subscribe time.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Renewals } from '../../src/engine/renewals.js';
import { microsoftTeamsIntegration } from '../../src/integrations/microsoftTeams/integration.js';
import { DIALECTS } from '../helpers/databases.js';
import { expectSignedDelivery } from '../helpers/integration-world.js';
import { startGraphWorld, type GraphWorld } from '../providers/microsoft-graph.js';

const TEAM = 'fbe2bf47-16c8-47cf-b4a5-4b9b187c508b';
const MIN = 60_000;

describe.each(DIALECTS)('Microsoft Teams end to end on %s', (dialect) => {
  let w: GraphWorld;
  let channelId: string;
  const deliveries = () => w.receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: any });

  beforeEach(async () => {
    w = await startGraphWorld(dialect, microsoftTeamsIntegration);
    w.graph.addTeam(TEAM);
    channelId = (await w.graph.createChannel(TEAM, 'General')).channel.id as string;
    w.clock.advance(1000); // the channel above existed before any subscription
  });
  afterEach(async () => {
    await w.close();
  });

  it('channel created: Graph validates our URL during subscribe, one signed delivery of the fetched channel, retry deduped, DELETE on unsubscribe', async () => {
    const r = await w.subscribe('TEAMS_TRIGGER_CHANNEL_CREATED', { teamId: TEAM });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ status: 'ACTIVE', integration: 'microsoftTeams', parameters: { teamId: TEAM }, credentialId: w.credentialId });
    const gsub = w.graphSubscriptionOf(r.body.id);
    expect(gsub).toMatchObject({ resource: `/teams/${TEAM}/channels`, changeType: 'created', lifecycleNotificationUrl: w.hookUrl(r.body.id) });
    expect(gsub!.clientState).toMatch(/^[0-9a-f]{64}$/);
    // Both URLs were validated while the create call ran: 200, text/plain, the decoded token.
    expect(w.graph.validations.map((v) => [v.url, v.status, v.ok])).toEqual([[w.hookUrl(r.body.id), 200, true], [w.hookUrl(r.body.id), 200, true]]);
    expect(w.graph.validations[0]!.contentType).toMatch(/^text\/plain/);
    expect(w.graph.requests.find((q) => q.method === 'POST')!.headers.authorization).toBe('Bearer graph-token-1');

    const { channel, deliveries: sent } = await w.graph.createChannel(TEAM, 'Launch');
    expect(sent.map((d) => d.status)).toEqual([200]);
    await w.worker.drain();
    const [delivery] = await w.receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({
      integration: 'microsoftTeams', triggerType: 'TEAMS_TRIGGER_CHANNEL_CREATED', triggerSubscriptionId: r.body.id,
      credentialId: w.credentialId, userId: 'user-1', projectId: w.project.id, payload: channel,
    });
    expectSignedDelivery(delivery!, w.project.signingSecret);

    // Graph re-sends the same notification (it retries for up to 4 hours): acknowledged, nothing new.
    expect((await w.graph.post(sent[0]!.url, sent[0]!.body)).status).toBe(200);
    await w.worker.drain();
    expect(w.receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    const del = await w.user.delete(`${w.base}/trigger-subscriptions/${r.body.id}`);
    expect(del.body).toEqual({ success: true });
    expect(w.graph.deletedSubscriptions).toEqual([gsub!.id]);
    expect(w.graph.subscriptions.size).toBe(0);
    // A notification in flight when we unsubscribed finds nothing.
    expect((await w.graph.post(sent[0]!.url, sent[0]!.body)).status).toBe(404);
  });

  it('channel message posted: messages and replies delivered once each; system messages and other channels not', async () => {
    const other = (await w.graph.createChannel(TEAM, 'Other')).channel.id as string;
    const r = await w.subscribe('TEAMS_TRIGGER_CHANNEL_MESSAGE_POSTED', { teamId: TEAM, channelId });
    expect(r.status, r.text).toBe(200);
    expect(w.graphSubscriptionOf(r.body.id)!.resource).toBe(`/teams/${TEAM}/channels/${channelId}/messages`);

    const { message } = await w.graph.postMessage(TEAM, channelId, 'Hello World');
    const { message: reply } = await w.graph.postMessage(TEAM, channelId, 'Hi!', { replyTo: message.id });
    await w.graph.postMessage(TEAM, channelId, 'Alex joined', { messageType: 'systemEventMessage' });
    await w.graph.postMessage(TEAM, other, 'elsewhere');
    await w.worker.drain();
    await w.receiver.waitFor(2);
    const byId = (a: unknown[], b: unknown[]) => String(a[1]).localeCompare(String(b[1]));
    expect(deliveries().map((d) => [d.triggerType, d.payload.id, d.payload.replyToId]).sort(byId)).toEqual([
      ['TEAMS_TRIGGER_CHANNEL_MESSAGE_POSTED', message.id, null],
      ['TEAMS_TRIGGER_CHANNEL_MESSAGE_POSTED', reply.id, message.id],
    ]);
    expect(deliveries().find((d) => d.payload.id === message.id)!.payload.body).toEqual({ contentType: 'text', content: 'Hello World' });
  });

  it('refuses a notification with a wrong or missing clientState (401) and stores nothing; answers a bad parameter with 400', async () => {
    const r = await w.subscribe('TEAMS_TRIGGER_CHANNEL_CREATED', { teamId: TEAM });
    const gsub = w.graphSubscriptionOf(r.body.id)!;
    const forged = w.graph.changeNotificationBody({ ...gsub, clientState: 'not-the-secret' }, `teams('${TEAM}')/channels('${channelId}')`, { id: channelId });
    expect((await w.graph.post(gsub.notificationUrl, forged)).status).toBe(401);
    const missing = JSON.stringify({ value: [{ subscriptionId: gsub.id, changeType: 'created', resource: `teams('${TEAM}')/channels('${channelId}')`, resourceData: { id: channelId } }] });
    expect((await w.graph.post(gsub.notificationUrl, missing)).status).toBe(401);
    expect((await w.graph.post(gsub.notificationUrl, '{"value":[]}')).status).toBe(401);
    expect(await w.events()).toEqual([]);
    // Nothing was fetched for them.
    expect(w.graph.requests.filter((q) => q.method === 'GET' && q.path.includes('/channels/'))).toEqual([]);

    const bad = await w.subscribe('TEAMS_TRIGGER_CHANNEL_MESSAGE_POSTED', { teamId: TEAM, channelId: "x')/../y" });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/parameters\.channelId/);
  });

  it('lifecycle: reauthorizationRequired renews and catches up missed messages; subscriptionRemoved creates the Graph subscription again', async () => {
    const r = await w.subscribe('TEAMS_TRIGGER_CHANNEL_MESSAGE_POSTED', { teamId: TEAM, channelId });
    const first = w.graphSubscriptionOf(r.body.id)!;
    w.clock.advance(1000);
    w.graph.deliver = false; // Graph paused notifications
    const { message: a } = await w.graph.postMessage(TEAM, channelId, 'missed 1');
    const { message: b } = await w.graph.postMessage(TEAM, channelId, 'missed 2');
    w.graph.deliver = true;

    expect((await w.graph.sendLifecycle(first.id, 'reauthorizationRequired')).status).toBe(200);
    expect(w.graph.requests.some((q) => q.method === 'PATCH' && q.path === `/subscriptions/${first.id}`)).toBe(true);
    await w.worker.drain();
    await w.receiver.waitFor(2);
    // Events stored together may be delivered in any order.
    expect(deliveries().map((d) => d.payload.id).sort()).toEqual([a.id, b.id].sort());

    const validations = w.graph.validations.length;
    expect((await w.graph.sendLifecycle(first.id, 'subscriptionRemoved')).status).toBe(200);
    const second = w.graphSubscriptionOf(r.body.id)!;
    expect(second.id).not.toBe(first.id);
    expect(second.clientState).toBe(first.clientState);
    // Validated again — this time the subscription row exists.
    expect(w.graph.validations.slice(validations).map((v) => v.ok)).toEqual([true, true]);
    const { message: c } = await w.graph.postMessage(TEAM, channelId, 'after re-creation');
    await w.worker.drain();
    await w.receiver.waitFor(3);
    expect(deliveries().map((d) => d.payload.id).slice(2)).toEqual([c.id]);
    // The catch-ups re-read a and b: still one delivery each.
    expect(await w.events()).toHaveLength(3);
  });

  it('renews before expiry with PATCH; a Graph subscription that vanished is created again (validated, new clientState)', async () => {
    const r = await w.subscribe('TEAMS_TRIGGER_CHANNEL_CREATED', { teamId: TEAM });
    const first = w.graphSubscriptionOf(r.body.id)!;
    const renewals = new Renewals(w.t.svc.deps, { catalog: (p) => w.t.svc.subscriptions.catalogFor(p), metrics: w.t.svc.metrics });
    expect((await renewals.runOnce()).subscriptions).toEqual({});
    const expiresAt = Date.parse(first.expirationDateTime);
    w.clock.advance(expiresAt - w.clock.now() - 30 * MIN); // inside the renewal margin
    expect((await renewals.runOnce()).subscriptions).toEqual({ renewed: 1 });
    expect(Date.parse(w.graphSubscriptionOf(r.body.id)!.expirationDateTime)).toBeGreaterThan(expiresAt);
    expect(w.graph.requests.filter((q) => q.method === 'PATCH').map((q) => q.path)).toEqual([`/subscriptions/${first.id}`]);

    // Graph lost it: PATCH → 404 → a new one is registered (the engine answers its validation).
    w.graph.subscriptions.clear();
    // A channel created while no Graph subscription exists: nobody is notified of it.
    const { channel: unannounced } = await w.graph.createChannel(TEAM, 'While gone');
    const renewAt = (await w.t.svc.storage.subscriptions.get(r.body.id))!.renewAt!;
    w.clock.advance(renewAt - w.clock.now() + 1000);
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    // The re-creation catches up from the old cursor: that channel is delivered, once.
    await w.worker.drain();
    const [caught] = await w.receiver.waitFor(1);
    expect((caught!.json as any).payload.id).toBe(unannounced.id);
    expect((await w.t.admin.get('/metrics')).text).toMatch(/opentriggers_events_detected_total\{integration="microsoftTeams",source="catch_up"\} 1\n/);
    const again = w.graphSubscriptionOf(r.body.id)!;
    expect(again.id).not.toBe(first.id);
    expect(again.clientState).not.toBe(first.clientState);
    expect(w.graph.validations.slice(-2).map((v) => v.ok)).toEqual([true, true]);
    const { channel } = await w.graph.createChannel(TEAM, 'After renewal');
    await w.worker.drain();
    const [, delivery] = await w.receiver.waitFor(2);
    expect((delivery!.json as any).payload.id).toBe(channel.id);
    expect(await w.events()).toHaveLength(2);
  });

  it('refreshes an expired access token (refresh_token grant) and keeps delivering', async () => {
    const r = await w.subscribe('TEAMS_TRIGGER_CHANNEL_CREATED', { teamId: TEAM });
    expect(r.status).toBe(200);
    w.graph.validTokens.delete('graph-token-1'); // expired
    await w.graph.createChannel(TEAM, 'Fresh');
    await w.worker.drain();
    await w.receiver.waitFor(1);
    expect(w.graph.tokenRequests).toHaveLength(1);
    expect(Object.fromEntries(w.graph.tokenRequests[0]!)).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'refresh-1', client_id: 'graph-client-id', client_secret: 'graph-client-secret' });
    const gets = w.graph.requests.filter((q) => q.method === 'GET' && q.path.includes('/channels/'));
    expect(gets.map((q) => q.headers.authorization)).toEqual(['Bearer graph-token-1', 'Bearer graph-token-2']);
  });

  it('a throttled (429) or failing (5xx) fetch answers 503 so Graph retries; the retry delivers once', async () => {
    const r = await w.subscribe('TEAMS_TRIGGER_CHANNEL_CREATED', { teamId: TEAM });
    w.graph.failNext(1, 429, { headers: { 'retry-after': '2' }, match: (m, p) => m === 'GET' && p.includes('/channels/') });
    const { channel, deliveries: sent } = await w.graph.createChannel(TEAM, 'Busy');
    expect(sent.map((d) => d.status)).toEqual([503]);
    w.graph.failNext(1, 503, { match: (m, p) => m === 'GET' && p.includes('/channels/') });
    expect((await w.graph.post(sent[0]!.url, sent[0]!.body)).status).toBe(503);
    expect(await w.events()).toEqual([]);
    expect((await w.graph.post(sent[0]!.url, sent[0]!.body)).status).toBe(200);
    expect((await w.graph.post(sent[0]!.url, sent[0]!.body)).status).toBe(200);
    await w.worker.drain();
    await w.receiver.waitFor(1);
    expect(deliveries().map((d) => [d.triggerSubscriptionId, d.payload.id])).toEqual([[r.body.id, channel.id]]);
  });

  it('reports Graph failures at subscribe time and keeps nothing: 429, 5xx, unknown team, expired refresh token', async () => {
    w.graph.failNext(1, 429, { headers: { 'retry-after': '30' } });
    const limited = await w.subscribe('TEAMS_TRIGGER_CHANNEL_CREATED', { teamId: TEAM });
    expect(limited.status).toBe(429);
    w.graph.failNext(1, 503);
    expect((await w.subscribe('TEAMS_TRIGGER_CHANNEL_CREATED', { teamId: TEAM })).status).toBe(502);
    const unknown = await w.subscribe('TEAMS_TRIGGER_CHANNEL_CREATED', { teamId: 'no-such-team' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toMatch(/refused/);
    expect(w.graph.subscriptions.size).toBe(0);
    expect((await w.user.get(`${w.base}/trigger-subscriptions`)).body.triggers.microsoftTeams ?? []).toEqual([]);

    // The refresh token is refused too: the account must be reconnected.
    w.graph.validTokens.clear();
    w.graph.refreshTokens.clear();
    const revoked = await w.subscribe('TEAMS_TRIGGER_CHANNEL_CREATED', { teamId: TEAM });
    expect(revoked.status).toBeGreaterThanOrEqual(400);
    expect(revoked.status).toBeLessThan(500);
    expect(w.graph.subscriptions.size).toBe(0);
  });
});
