// Outlook, source level: the triggers' register / toItems / catch-up against the fake Microsoft Graph over
// real HTTP (validation handshake during create, thin notifications, message delta with deltaLink, expired
// delta tokens, events listed by createdDateTime).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import messageFixture from '../../src/integrations/outlook/fixtures/message.json' with { type: 'json' };
import notificationFixture from '../../src/integrations/outlook/fixtures/notification-message-created.json' with { type: 'json' };
import { clientStateScheme, outlookIntegration } from '../../src/integrations/outlook/integration.js';
import { notifiedId } from '../../src/integrations/outlook/outlook.js';
import {
  verifyRequest,
  type InboundRequest,
  type Item,
  type Logger,
  type RegisterContext,
  type WebhookContext,
  type WebhookItems,
  type WebhookSource,
} from '../../src/sdk/index.js';
import { startFakeGraph, startHookReceiver, type FakeGraph, type HookReceiver } from '../providers/microsoft-graph.js';

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined };
const SECRET = 'b'.repeat(64);

function source(type: string): WebhookSource {
  const t = outlookIntegration.triggers.find((x) => x.type === type);
  if (!t || t.source.kind !== 'webhook') throw new Error(`no webhook trigger ${type}`);
  return t.source as WebhookSource;
}
const asItems = (r: Item[] | WebhookItems) => (Array.isArray(r) ? { items: r, state: undefined } : r);
const inbound = (r: HookReceiver['received'][number]): InboundRequest => ({ ...r });
/** Items made in the same millisecond as the subscription are ambiguous; tests keep them apart. */
const settle = () => new Promise((r) => setTimeout(r, 5));

describe('Outlook catalog entries', () => {
  it('declares the binding trigger types with defaults userId=me and mailFolder=inbox', () => {
    expect(outlookIntegration.key).toBe('outlook');
    const byType = Object.fromEntries(outlookIntegration.triggers.map((t) => [t.type, t]));
    expect(Object.keys(byType).sort()).toEqual(['OUTLOOK_TRIGGER_NEW_EVENT_WEBHOOK', 'OUTLOOK_TRIGGER_NEW_MESSAGE_WEBHOOK']);
    const mail = byType.OUTLOOK_TRIGGER_NEW_MESSAGE_WEBHOOK!;
    expect(mail.parameters.map((p) => [p.id, p.defaultValue, p.required])).toEqual([['userId', 'me', false], ['mailFolder', 'inbox', false]]);
    expect(byType.OUTLOOK_TRIGGER_NEW_EVENT_WEBHOOK!.parameters.map((p) => p.id)).toEqual(['userId']);
    expect(mail.examplePayload).toEqual(messageFixture);
    for (const t of outlookIntegration.triggers) expect(t.docsUrl).toMatch(/^https:\/\/learn\.microsoft\.com\/graph\//);
    const auth = outlookIntegration.auth;
    expect(auth.kind === 'oauth2' && auth.scopes).toEqual(['offline_access', 'User.Read', 'Mail.Read', 'Calendars.Read']);
  });

  it('reads the notified id from resourceData, else from the resource path', () => {
    const [n] = notificationFixture.value;
    expect(notifiedId(n!)).toBe('{long_id_string}');
    expect(notifiedId({ resource: 'Users/u@t/Messages/AAMkAD=' })).toBe('AAMkAD=');
    expect(notifiedId({ resource: "Users('u')/Messages('AAMkAD=')" })).toBe('AAMkAD=');
    expect(notifiedId({ resource: 'Users/u/Events/AAMkAGV=' })).toBe('AAMkAGV=');
    expect(notifiedId({})).toBeNull();
  });
});

describe('Outlook triggers against the fake Graph', () => {
  let fake: FakeGraph;
  let hook: HookReceiver;
  const ctxWith = (params: Record<string, unknown> = { userId: 'me', mailFolder: 'inbox' }, token = 'graph-token-1'): Omit<RegisterContext, 'hookUrl' | 'secret'> => ({
    http: createProviderHttp({ integration: outlookIntegration, apiBaseUrl: fake.apiBaseUrl, auth: { canRefresh: false, headers: async () => ({ authorization: `Bearer ${token}` }) } }),
    params,
    credential: { id: 'cred-1', providerAccountId: fake.user.id, extra: {} },
    log: silent,
    signal: new AbortController().signal,
    now: Date.now,
  });

  beforeEach(async () => {
    fake = await startFakeGraph();
    hook = await startHookReceiver(source('OUTLOOK_TRIGGER_NEW_MESSAGE_WEBHOOK').handshakes ?? []);
  });
  afterEach(async () => {
    await fake.close();
    await hook.close();
  });

  it('OUTLOOK_TRIGGER_NEW_MESSAGE_WEBHOOK: baseline delta round, subscription on the folder, message fetched per notification', async () => {
    await fake.receiveMail('inbox', 'already there');
    await settle();
    const src = source('OUTLOOK_TRIGGER_NEW_MESSAGE_WEBHOOK');
    const base = ctxWith();
    const before = Date.now();
    const reg = await src.register({ ...base, hookUrl: hook.url, secret: SECRET });

    const [baseline] = fake.requests.filter((r) => r.path === '/me/mailFolders/inbox/messages/delta');
    expect(baseline!.query.get('changeType')).toBe('created');
    expect(baseline!.query.get('$filter')).toMatch(/^receivedDateTime ge \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(baseline!.headers.prefer).toBe('odata.maxpagesize=50');
    const [sub] = [...fake.subscriptions.values()];
    expect(sub).toMatchObject({ resource: "/me/mailFolders('inbox')/messages", changeType: 'created', notificationUrl: hook.url, lifecycleNotificationUrl: hook.url, clientState: SECRET });
    expect(fake.validations.map((v) => v.ok)).toEqual([true, true]);
    expect(reg.expiresAt! - before).toBeGreaterThan(4200 * 60_000);
    expect(reg.expiresAt! - Date.now()).toBeLessThanOrEqual(4230 * 60_000);
    expect((reg.state.cursor as { deltaLink: string }).deltaLink).toContain('$deltatoken=');

    const { message, deliveries } = await fake.receiveMail('inbox', 'Quarterly numbers');
    expect(deliveries.map((d) => d.status)).toEqual([202]);
    const req = inbound(hook.received[0]!);
    expect(verifyRequest(clientStateScheme, req, { secret: SECRET }, Date.now())).toEqual({ ok: true });
    const items = await src.toItems(req, { ...base, state: reg.state });
    expect(items).toEqual([{ key: message.id, payload: message, occurredAt: Date.parse(message.receivedDateTime) }]);
    expect(fake.requests.at(-1)!.path).toBe(`/me/messages/${message.id}`);

    // Mail to another folder does not reach this subscription.
    await fake.receiveMail('archive', 'elsewhere');
    expect(hook.received).toHaveLength(1);
  });

  it('a message deleted before we fetch it is skipped, not an error', async () => {
    const src = source('OUTLOOK_TRIGGER_NEW_MESSAGE_WEBHOOK');
    const base = ctxWith();
    const reg = await src.register({ ...base, hookUrl: hook.url, secret: SECRET });
    const body = fake.changeNotificationBody([...fake.subscriptions.values()][0]!, 'Users/x/Messages/AAMkGONE=', { id: 'AAMkGONE=' });
    const req: InboundRequest = { method: 'POST', url: '/', headers: {}, rawBody: Buffer.from(body), body: JSON.parse(body) };
    expect(await src.toItems(req, { ...base, state: reg.state })).toEqual([]);
  });

  it('missed → catches up from the stored deltaLink; reauthorizationRequired → PATCH and catch up; an expired delta token restarts the round', async () => {
    const src = source('OUTLOOK_TRIGGER_NEW_MESSAGE_WEBHOOK');
    const base = ctxWith();
    await fake.receiveMail('inbox', 'before subscribing');
    await settle();
    const reg = await src.register({ ...base, hookUrl: hook.url, secret: SECRET });
    const subId = reg.state.subscriptionId as string;
    let state = reg.state;

    fake.deliver = false;
    const missed = [await fake.receiveMail('inbox', 'missed 1'), await fake.receiveMail('inbox', 'missed 2')].map((r) => r.message.id);
    fake.deliver = true;
    await fake.sendLifecycle(subId, 'missed');
    const r1 = asItems(await src.toItems(inbound(hook.received.at(-1)!), { ...base, state }));
    expect(r1.items.map((i) => i.key)).toEqual(missed);
    expect(r1.state!.cursor).not.toEqual(state.cursor);
    state = r1.state!;

    // Nothing new: the next catch-up from the new deltaLink is empty.
    await fake.sendLifecycle(subId, 'reauthorizationRequired');
    const r2 = asItems(await src.toItems(inbound(hook.received.at(-1)!), { ...base, state }));
    expect(r2.items).toEqual([]);
    expect(fake.requests.some((r) => r.method === 'PATCH' && r.path === `/subscriptions/${subId}`)).toBe(true);
    state = r2.state!;

    // Graph forgot the delta state: a new round from before the last sync finds the missed mail again
    // (the engine drops keys it already has) and the new one; nothing from before the subscription.
    fake.deliver = false;
    const third = (await fake.receiveMail('inbox', 'missed 3')).message.id;
    fake.deliver = true;
    fake.expireDeltaTokens();
    await fake.sendLifecycle(subId, 'missed');
    const r3 = asItems(await src.toItems(inbound(hook.received.at(-1)!), { ...base, state }));
    expect(r3.items.map((i) => i.key).sort()).toEqual([...missed, third].sort());
    expect((r3.state!.cursor as { deltaLink: string }).deltaLink).toContain('$deltatoken=');
  });

  it('subscriptionRemoved creates the Graph subscription again with the same clientState', async () => {
    const src = source('OUTLOOK_TRIGGER_NEW_MESSAGE_WEBHOOK');
    const base = ctxWith({ userId: fake.user.userPrincipalName, mailFolder: 'inbox' });
    const reg = await src.register({ ...base, hookUrl: hook.url, secret: SECRET });
    expect([...fake.subscriptions.values()][0]!.resource).toBe(`/users/${fake.user.userPrincipalName}/mailFolders('inbox')/messages`);
    await fake.sendLifecycle(reg.state.subscriptionId as string, 'subscriptionRemoved');
    const r = asItems(await src.toItems(inbound(hook.received.at(-1)!), { ...base, state: reg.state }));
    const [again] = [...fake.subscriptions.values()];
    expect(again).toMatchObject({ clientState: SECRET, notificationUrl: hook.url });
    expect(r.state).toMatchObject({ subscriptionId: again!.id });
    expect(fake.requests.filter((x) => x.path === `/users/${fake.user.userPrincipalName}/mailFolders/inbox/messages/delta`).length).toBeGreaterThanOrEqual(2);
  });

  it('OUTLOOK_TRIGGER_NEW_EVENT_WEBHOOK: subscription on /me/events, event fetched; missed events listed by createdDateTime', async () => {
    const src = source('OUTLOOK_TRIGGER_NEW_EVENT_WEBHOOK');
    const base = ctxWith({ userId: 'me' });
    await fake.createEvent('old');
    await settle();
    const reg = await src.register({ ...base, hookUrl: hook.url, secret: SECRET });
    expect([...fake.subscriptions.values()][0]).toMatchObject({ resource: '/me/events', changeType: 'created' });
    const { event } = await fake.createEvent('Team sync');
    const items = await src.toItems(inbound(hook.received[0]!), { ...base, state: reg.state });
    expect(items).toEqual([{ key: event.id, payload: event, occurredAt: Date.parse(event.createdDateTime as string) }]);

    fake.deliver = false;
    const missed = (await fake.createEvent('missed')).event.id;
    fake.deliver = true;
    await fake.sendLifecycle(reg.state.subscriptionId as string, 'missed');
    const r = asItems(await src.toItems(inbound(hook.received.at(-1)!), { ...base, state: reg.state }));
    expect(r.items.map((i) => i.key).sort()).toEqual([event.id as string, missed as string].sort());
    const list = fake.requests.find((x) => x.path === '/me/events')!;
    expect(list.query.get('$filter')).toMatch(/^createdDateTime ge \d{4}-/);
    expect(list.query.get('$orderby')).toBe('createdDateTime');
  });

  it('catchUp (the SDK hook) advances the cursor in state', async () => {
    const src = source('OUTLOOK_TRIGGER_NEW_MESSAGE_WEBHOOK');
    const base = ctxWith();
    const reg = await src.register({ ...base, hookUrl: hook.url, secret: SECRET });
    fake.deliver = false;
    const id = (await fake.receiveMail('inbox', 'quiet')).message.id;
    const ctx: WebhookContext = { ...base, state: reg.state };
    const r = await src.catchUp!(ctx);
    expect(r.items.map((i) => i.key)).toEqual([id]);
    expect((await src.catchUp!({ ...ctx, state: r.state })).items).toEqual([]);
  });
});
