// Outlook end to end through the public API, on SQLite and PostgreSQL, against the fake Microsoft Graph:
// subscribe (defaults userId=me, mailFolder=inbox) → baseline delta round + POST /subscriptions observed,
// Graph's validation requests answered by the engine during the create call → mail arrives → thin
// notification → message fetched → exactly one signed delivery → Graph's retry → no duplicate → unsubscribe →
// DELETE observed. Plus `missed` / `reauthorizationRequired` caught up with the delta query (deltaLink kept in
// the subscription state, an expired delta token restarting the round without duplicates), the event
// trigger, a wrong clientState, an expired access token, 429 / 5xx.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Poller } from '../../src/engine/poller.js';
import { outlookIntegration } from '../../src/integrations/outlook/integration.js';
import { DIALECTS } from '../helpers/databases.js';
import { expectSignedDelivery } from '../helpers/integration-world.js';
import { startGraphWorld, type GraphWorld } from '../providers/microsoft-graph.js';

describe.each(DIALECTS)('Outlook end to end on %s', (dialect) => {
  let w: GraphWorld;
  const deliveries = () => w.receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: any });

  beforeEach(async () => {
    w = await startGraphWorld(dialect, outlookIntegration);
    await w.graph.receiveMail('inbox', 'old news'); // in the mailbox before anyone subscribes
    await w.graph.createEvent('old meeting');
    w.clock.advance(1000);
  });
  afterEach(async () => {
    await w.close();
  });

  it('new message: baseline delta, Graph validates our URL during subscribe, one signed delivery of the fetched message, retry deduped, DELETE on unsubscribe', async () => {
    const r = await w.subscribe('OUTLOOK_TRIGGER_NEW_MESSAGE_WEBHOOK');
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ status: 'ACTIVE', integration: 'outlook', parameters: { userId: 'me', mailFolder: 'inbox' } });
    const gsub = w.graphSubscriptionOf(r.body.id)!;
    expect(gsub).toMatchObject({ resource: "/me/mailFolders('inbox')/messages", changeType: 'created', lifecycleNotificationUrl: w.hookUrl(r.body.id) });
    expect(w.graph.validations.map((v) => v.ok)).toEqual([true, true]);
    // The baseline delta round ran before the subscription was created.
    const order = w.graph.requests.map((q) => `${q.method} ${q.path}`);
    expect(order.indexOf('GET /me/mailFolders/inbox/messages/delta')).toBeLessThan(order.indexOf('POST /subscriptions'));
    expect(Date.parse(gsub.expirationDateTime) - w.clock.now()).toBeGreaterThan(4200 * 60_000);

    const { message, deliveries: sent } = await w.graph.receiveMail('inbox', 'Quarterly numbers');
    expect(sent.map((d) => d.status)).toEqual([200]);
    await w.worker.drain();
    const [delivery] = await w.receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({
      integration: 'outlook', triggerType: 'OUTLOOK_TRIGGER_NEW_MESSAGE_WEBHOOK', triggerSubscriptionId: r.body.id,
      credentialId: w.credentialId, userId: 'user-1', projectId: w.project.id, payload: message,
    });
    expectSignedDelivery(delivery!, w.project.signingSecret);

    expect((await w.graph.post(sent[0]!.url, sent[0]!.body)).status).toBe(200); // Graph's retry
    await w.worker.drain();
    expect(w.receiver.requests).toHaveLength(1);

    expect((await w.user.delete(`${w.base}/trigger-subscriptions/${r.body.id}`)).body).toEqual({ success: true });
    expect(w.graph.deletedSubscriptions).toEqual([gsub.id]);
    await w.graph.receiveMail('inbox', 'after unsubscribe');
    await w.worker.drain();
    expect(w.receiver.requests).toHaveLength(1);
  });

  it('missed and reauthorizationRequired: catches up from the stored deltaLink, once per message; an expired delta token restarts the round without duplicates', async () => {
    const r = await w.subscribe('OUTLOOK_TRIGGER_NEW_MESSAGE_WEBHOOK', { mailFolder: 'Inbox' });
    const gsub = w.graphSubscriptionOf(r.body.id)!;
    const stateBefore = (await w.t.svc.storage.subscriptions.get(r.body.id))!.state as { cursor: { deltaLink: string } };
    expect(stateBefore.cursor.deltaLink).toContain('$deltatoken=');

    const { message: seen } = await w.graph.receiveMail('inbox', 'notified');
    w.graph.deliver = false; // throttled: Graph drops these notifications
    const missed = [(await w.graph.receiveMail('inbox', 'missed 1')).message.id, (await w.graph.receiveMail('inbox', 'missed 2')).message.id];
    w.graph.deliver = true;
    expect((await w.graph.sendLifecycle(gsub.id, 'missed')).status).toBe(200);
    await w.worker.drain();
    await w.receiver.waitFor(3);
    // Events stored together may be delivered in any order.
    const ids = () => deliveries().map((d) => d.payload.id as string);
    expect(ids()[0]).toBe(seen.id);
    expect(ids().slice(1).sort()).toEqual([...missed].sort());
    const stateAfter = (await w.t.svc.storage.subscriptions.get(r.body.id))!.state as { cursor: { deltaLink: string }; subscriptionId: string };
    expect(stateAfter.cursor.deltaLink).not.toBe(stateBefore.cursor.deltaLink);
    expect(stateAfter.subscriptionId).toBe(gsub.id);

    // reauthorizationRequired: PATCH, and a catch-up that finds nothing new.
    expect((await w.graph.sendLifecycle(gsub.id, 'reauthorizationRequired')).status).toBe(200);
    expect(w.graph.requests.filter((q) => q.method === 'PATCH').map((q) => q.path)).toEqual([`/subscriptions/${gsub.id}`]);

    // The delta state expired at Graph: a new round re-reads recent mail; only the new one is delivered.
    w.graph.deliver = false;
    const late = (await w.graph.receiveMail('inbox', 'missed 3')).message.id;
    w.graph.deliver = true;
    w.graph.expireDeltaTokens();
    expect((await w.graph.sendLifecycle(gsub.id, 'missed')).status).toBe(200);
    await w.worker.drain();
    await w.receiver.waitFor(4);
    expect(ids().slice(3)).toEqual([late]);
    expect(ids()).toHaveLength(4);
    expect((await w.events()).filter((e) => e.payload.subject === 'old news')).toEqual([]);
  });

  it('backstop sync: mail whose notification Graph dropped without telling anyone is delivered once, one interval later', async () => {
    const r = await w.subscribe('OUTLOOK_TRIGGER_NEW_MESSAGE_WEBHOOK');
    const poller = new Poller(w.t.svc.deps, { catalog: (p) => w.t.svc.subscriptions.catalogFor(p) });
    w.graph.deliver = false;
    const dropped = (await w.graph.receiveMail('inbox', 'dropped')).message.id;
    w.graph.deliver = true;
    await poller.runDue();
    await w.worker.drain();
    expect(w.receiver.requests).toHaveLength(0);
    w.clock.advance(17 * 60_000);
    await poller.runDue();
    await w.worker.drain();
    expect(deliveries().map((d) => [d.triggerSubscriptionId, d.payload.id])).toEqual([[r.body.id, dropped]]);
    // The Graph subscription is untouched and later notifications are not duplicated by the next sync.
    expect((await w.t.svc.storage.subscriptions.get(r.body.id))!.state).toMatchObject({ subscriptionId: w.graphSubscriptionOf(r.body.id)!.id });
    const { message } = await w.graph.receiveMail('inbox', 'notified');
    await w.worker.drain(); // before the clock jumps past the delivery's lease
    w.clock.advance(17 * 60_000);
    await poller.runDue();
    await w.worker.drain();
    expect(deliveries().map((d) => d.payload.id)).toEqual([dropped, message.id]);
    expect((await w.events()).map((e) => e.payload.id).sort()).toEqual([dropped, message.id].sort());
  });

  it('new event: subscription on /me/events, one delivery of the fetched event, missed events listed by createdDateTime', async () => {
    const r = await w.subscribe('OUTLOOK_TRIGGER_NEW_EVENT_WEBHOOK');
    expect(r.status, r.text).toBe(200);
    const gsub = w.graphSubscriptionOf(r.body.id)!;
    expect(gsub.resource).toBe('/me/events');
    const { event } = await w.graph.createEvent('Team sync');
    await w.worker.drain();
    await w.receiver.waitFor(1);
    expect(deliveries()[0]).toMatchObject({ triggerType: 'OUTLOOK_TRIGGER_NEW_EVENT_WEBHOOK', payload: event });

    w.graph.deliver = false;
    const { event: missed } = await w.graph.createEvent('Missed meeting');
    w.graph.deliver = true;
    expect((await w.graph.sendLifecycle(gsub.id, 'missed')).status).toBe(200);
    await w.worker.drain();
    await w.receiver.waitFor(2);
    expect(deliveries().map((d) => d.payload.subject)).toEqual(['Team sync', 'Missed meeting']);
    expect(deliveries()[1]!.payload.id).toBe(missed.id);
  });

  it('refuses a wrong clientState (401) and stores nothing; validates parameters; refreshes an expired token; answers 503 to a throttled fetch', async () => {
    const bad = await w.subscribe('OUTLOOK_TRIGGER_NEW_MESSAGE_WEBHOOK', { mailFolder: "inbox')/x" });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/parameters\.mailFolder/);

    const r = await w.subscribe('OUTLOOK_TRIGGER_NEW_MESSAGE_WEBHOOK');
    const gsub = w.graphSubscriptionOf(r.body.id)!;
    const forged = w.graph.changeNotificationBody({ ...gsub, clientState: 'guess' }, 'Users/x/Messages/AAMkAD=', { id: 'AAMkAD=' });
    expect((await w.graph.post(gsub.notificationUrl, forged)).status).toBe(401);
    expect(await w.events()).toEqual([]);

    w.graph.validTokens.delete('graph-token-1');
    w.graph.failNext(1, 429, { headers: { 'retry-after': '3' }, match: (m, p) => m === 'GET' && p.startsWith('/me/messages/') });
    const { message, deliveries: sent } = await w.graph.receiveMail('inbox', 'hello');
    expect(sent.map((d) => d.status)).toEqual([503]);
    w.graph.failNext(1, 500, { match: (m, p) => m === 'GET' && p.startsWith('/me/messages/') });
    expect((await w.graph.post(sent[0]!.url, sent[0]!.body)).status).toBe(503);
    expect((await w.graph.post(sent[0]!.url, sent[0]!.body)).status).toBe(200);
    await w.worker.drain();
    await w.receiver.waitFor(1);
    expect(deliveries().map((d) => d.payload.id)).toEqual([message.id]);
    expect(w.graph.tokenRequests.map((f) => f.get('grant_type'))).toEqual(['refresh_token']);
    // Microsoft requires the scopes again on a refresh (the fake refuses one without).
    expect(w.graph.tokenRequests[0]!.get('scope')).toBe('offline_access User.Read Mail.Read Calendars.Read');
  });
});
