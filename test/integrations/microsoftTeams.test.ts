// Microsoft Teams, source level: the triggers' register / toItems / renew / unregister against the fake
// Microsoft Graph over real HTTP, with the fake performing Graph's validation handshake during the create
// call against a stand-in for our inbound endpoint; clientState verification with the SDK's verifier.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import channelFixture from '../../src/integrations/microsoftTeams/fixtures/channel.json' with { type: 'json' };
import notificationFixture from '../../src/integrations/microsoftTeams/fixtures/notification-message-created.json' with { type: 'json' };
import { microsoftTeamsIntegration, clientStateScheme } from '../../src/integrations/microsoftTeams/integration.js';
import {
  ProviderError,
  classifyInbound,
  schemeProblems,
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
const TEAM = 'fbe2bf47-16c8-47cf-b4a5-4b9b187c508b';
const SECRET = 'a'.repeat(64);

function source(type: string): WebhookSource {
  const t = microsoftTeamsIntegration.triggers.find((x) => x.type === type);
  if (!t || t.source.kind !== 'webhook') throw new Error(`no webhook trigger ${type}`);
  return t.source as WebhookSource;
}
const asItems = (r: Item[] | WebhookItems) => (Array.isArray(r) ? { items: r, state: undefined } : r);
const inbound = (r: HookReceiver['received'][number]): InboundRequest => ({ ...r });

describe('Microsoft Teams catalog entries', () => {
  it('declares the binding trigger types with their parameters, examples and docs links', () => {
    expect(microsoftTeamsIntegration.key).toBe('microsoftTeams');
    const byType = Object.fromEntries(microsoftTeamsIntegration.triggers.map((t) => [t.type, t]));
    expect(Object.keys(byType).sort()).toEqual(['TEAMS_TRIGGER_CHANNEL_CREATED', 'TEAMS_TRIGGER_CHANNEL_MESSAGE_POSTED']);
    expect(byType.TEAMS_TRIGGER_CHANNEL_CREATED!.parameters.map((p) => p.id)).toEqual(['teamId']);
    expect(byType.TEAMS_TRIGGER_CHANNEL_MESSAGE_POSTED!.parameters.map((p) => p.id)).toEqual(['teamId', 'channelId']);
    for (const t of microsoftTeamsIntegration.triggers) {
      expect(t.docsUrl).toMatch(/^https:\/\/learn\.microsoft\.com\/graph\//);
      expect((t.examplePayload as { id: string }).id).toBeTruthy();
      expect(t.source.kind).toBe('webhook');
    }
    const auth = microsoftTeamsIntegration.auth;
    expect(auth).toMatchObject({ kind: 'oauth2', authorizationUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize', tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token' });
    expect(auth.kind === 'oauth2' && auth.scopes).toContain('offline_access');
    expect(microsoftTeamsIntegration.apiBaseUrl).toBe('https://graph.microsoft.com/v1.0');
  });

  it('refuses ids that would change the resource path', () => {
    const [team] = microsoftTeamsIntegration.triggers[0]!.parameters;
    expect(team!.validate!(TEAM)).toBeNull();
    expect(team!.validate!('19:4a95f7d8db4c4e7fae857bcebe0623e6@thread.tacv2')).toBeNull();
    for (const bad of ['a/b', "x')/y", 'a b', 'a?b', '']) expect(team!.validate!(bad)).toMatch(/Graph id/);
  });
});

describe('Graph inbound verification', () => {
  const req = (body: unknown, url = '/hooks/s/x'): InboundRequest => {
    const raw = Buffer.from(JSON.stringify(body));
    return { method: 'POST', url, headers: { 'content-type': 'application/json' }, rawBody: raw, body };
  };
  const withState = (state: string) => ({ value: notificationFixture.value.map((n) => ({ ...n, clientState: state })) });

  it('checks clientState on every notification of a batch, in constant time', () => {
    expect(schemeProblems(clientStateScheme)).toEqual([]);
    expect(verifyRequest(clientStateScheme, req(withState(SECRET)), { secret: SECRET }, Date.now())).toEqual({ ok: true });
    expect(verifyRequest(clientStateScheme, req(withState('wrong')), { secret: SECRET }, Date.now()).ok).toBe(false);
    const mixed = { value: [...withState(SECRET).value, ...withState('other').value] };
    expect(verifyRequest(clientStateScheme, req(mixed), { secret: SECRET }, Date.now()).ok).toBe(false);
    expect(verifyRequest(clientStateScheme, req({ value: [] }), { secret: SECRET }, Date.now()).ok).toBe(false);
  });

  it('answers the validationToken handshake with the decoded token as text/plain, before verification', () => {
    const token = 'Validation: Testing client application reachability for subscription Request-Id: 1';
    const r = { method: 'POST', url: `/hooks/s/x?validationToken=${encodeURIComponent(token)}`, headers: { 'content-type': 'text/plain; charset=utf-8' }, rawBody: Buffer.alloc(0) };
    const decision = classifyInbound(source('TEAMS_TRIGGER_CHANNEL_CREATED'), r, undefined, Date.now());
    expect(decision).toMatchObject({ kind: 'handshake', response: { status: 200, body: token, headers: { 'content-type': 'text/plain; charset=utf-8' } } });
  });
});

describe('Microsoft Teams triggers against the fake Graph', () => {
  let fake: FakeGraph;
  let hook: HookReceiver;
  let channelId: string;
  const ctxWith = (token = 'graph-token-1', params: Record<string, unknown> = { teamId: TEAM }): Omit<RegisterContext, 'hookUrl' | 'secret'> => ({
    http: createProviderHttp({ integration: microsoftTeamsIntegration, apiBaseUrl: fake.apiBaseUrl, auth: { canRefresh: false, headers: async () => ({ authorization: `Bearer ${token}` }) } }),
    params,
    credential: { id: 'cred-1', providerAccountId: fake.user.id, extra: {} },
    log: silent,
    signal: new AbortController().signal,
    now: Date.now,
  });

  beforeEach(async () => {
    fake = await startFakeGraph();
    fake.addTeam(TEAM);
    channelId = (await fake.createChannel(TEAM, 'General')).channel.id as string;
    hook = await startHookReceiver(source('TEAMS_TRIGGER_CHANNEL_CREATED').handshakes ?? []);
  });
  afterEach(async () => {
    await fake.close();
    await hook.close();
  });

  it('finds the account id with GET /me', async () => {
    const r = await microsoftTeamsIntegration.accountId!({ http: ctxWith().http, token: { accessToken: 'graph-token-1' } });
    expect(r).toEqual({ providerAccountId: fake.user.id, extra: { userPrincipalName: fake.user.userPrincipalName, displayName: fake.user.displayName } });
  });

  it('TEAMS_TRIGGER_CHANNEL_CREATED: subscribes on /teams/{id}/channels, answers both validations, fetches the created channel, and deletes', async () => {
    const src = source('TEAMS_TRIGGER_CHANNEL_CREATED');
    const base = ctxWith();
    const before = Date.now();
    const reg = await src.register({ ...base, hookUrl: hook.url, secret: SECRET });
    const [sub] = [...fake.subscriptions.values()];
    expect(sub).toMatchObject({ resource: `/teams/${TEAM}/channels`, changeType: 'created', notificationUrl: hook.url, lifecycleNotificationUrl: hook.url, clientState: SECRET });
    // Graph validated the notification URL and the lifecycle URL during the create call.
    expect(fake.validations).toHaveLength(2);
    expect(fake.validations.every((v) => v.ok)).toBe(true);
    expect(reg.state).toMatchObject({ subscriptionId: sub!.id, notificationUrl: hook.url });
    // The documented 4,320-minute maximum, minus a safety margin.
    expect(reg.expiresAt!).toBeGreaterThan(before + 4300 * 60_000);
    expect(reg.expiresAt!).toBeLessThanOrEqual(Date.now() + 4320 * 60_000);

    const { channel, deliveries } = await fake.createChannel(TEAM, 'Planning');
    expect(deliveries).toHaveLength(1);
    const notification = inbound(hook.received[0]!);
    expect(verifyRequest(clientStateScheme, notification, { secret: SECRET }, Date.now())).toEqual({ ok: true });
    const ctx: WebhookContext = { ...base, state: reg.state };
    const items = await src.toItems(notification, ctx);
    expect(items).toEqual([{ key: channel.id, payload: channel, occurredAt: Date.parse(channel.createdDateTime as string) }]);
    expect(Object.keys((items as Item[])[0]!.payload as object).sort()).toEqual(Object.keys(channelFixture).sort());
    // The same notification again (a Graph retry) maps to the same key.
    expect(asItems(await src.toItems(notification, ctx)).items.map((i) => i.key)).toEqual([channel.id]);

    await src.unregister(ctx);
    expect(fake.subscriptions.size).toBe(0);
    expect(fake.deletedSubscriptions).toEqual([sub!.id]);
    await expect(src.unregister(ctx)).resolves.toBeUndefined(); // already gone: 404 is fine
  });

  it('TEAMS_TRIGGER_CHANNEL_MESSAGE_POSTED: messages and replies are fetched; system messages and other channels are not events', async () => {
    const src = source('TEAMS_TRIGGER_CHANNEL_MESSAGE_POSTED');
    const base = ctxWith('graph-token-1', { teamId: TEAM, channelId });
    const reg = await src.register({ ...base, hookUrl: hook.url, secret: SECRET });
    expect([...fake.subscriptions.values()][0]!.resource).toBe(`/teams/${TEAM}/channels/${channelId}/messages`);
    const ctx: WebhookContext = { ...base, state: reg.state };

    const { message } = await fake.postMessage(TEAM, channelId, 'Hello World');
    const { message: reply } = await fake.postMessage(TEAM, channelId, 'Hi back', { replyTo: message.id });
    await fake.postMessage(TEAM, channelId, 'Adele added Alex', { messageType: 'systemEventMessage' });
    expect(hook.received).toHaveLength(3);
    const keys: string[] = [];
    for (const r of hook.received) for (const it of asItems(await src.toItems(inbound(r), ctx)).items) keys.push(it.key);
    expect(keys).toEqual([message.id, `${message.id}/${reply.id}`]);
    const [first] = asItems(await src.toItems(inbound(hook.received[0]!), ctx)).items;
    expect(first!.payload).toMatchObject({ id: message.id, body: { content: 'Hello World' }, messageType: 'message' });
    expect(first!.payload).not.toHaveProperty('@odata.context');

    // A notification naming another channel (a forged resource with our clientState) fetches nothing.
    const forged = JSON.parse(hook.received[0]!.rawBody.toString()) as { value: Array<{ resource: string }> };
    forged.value[0]!.resource = forged.value[0]!.resource.replace(channelId, '19:other@thread.tacv2');
    const forgedReq = { ...inbound(hook.received[0]!), body: forged, rawBody: Buffer.from(JSON.stringify(forged)) };
    expect(asItems(await src.toItems(forgedReq, ctx)).items).toEqual([]);
  });

  it('reauthorizationRequired renews the Graph subscription and catches up; subscriptionRemoved creates it again', async () => {
    const src = source('TEAMS_TRIGGER_CHANNEL_MESSAGE_POSTED');
    const base = ctxWith('graph-token-1', { teamId: TEAM, channelId });
    const reg = await src.register({ ...base, hookUrl: hook.url, secret: SECRET });
    let state = reg.state;
    const firstId = state.subscriptionId as string;

    // Two messages whose notifications Graph never sends.
    fake.deliver = false;
    const { message: a } = await fake.postMessage(TEAM, channelId, 'missed 1');
    const { message: b } = await fake.postMessage(TEAM, channelId, 'missed 2', { replyTo: a.id });
    fake.deliver = true;

    await fake.sendLifecycle(firstId, 'reauthorizationRequired');
    const r1 = asItems(await src.toItems(inbound(hook.received.at(-1)!), { ...base, state }));
    expect(fake.requests.some((r) => r.method === 'PATCH' && r.path === `/subscriptions/${firstId}`)).toBe(true);
    expect(r1.items.map((i) => i.key)).toEqual([a.id, `${a.id}/${b.id}`]);
    expect(r1.state).toMatchObject({ subscriptionId: firstId });
    const delta = fake.requests.find((r) => r.path.endsWith('/messages/delta'))!;
    expect(delta.query.get('$filter')).toMatch(/^lastModifiedDateTime gt \d{4}-/);
    expect(delta.query.get('$expand')).toBe('replies');
    state = r1.state!;

    await fake.sendLifecycle(firstId, 'subscriptionRemoved');
    const validationsBefore = fake.validations.length;
    const r2 = asItems(await src.toItems(inbound(hook.received.at(-1)!), { ...base, state }));
    const [recreated] = [...fake.subscriptions.values()];
    expect(recreated!.id).not.toBe(firstId);
    expect(recreated).toMatchObject({ notificationUrl: hook.url, lifecycleNotificationUrl: hook.url, clientState: SECRET });
    expect(fake.validations.length).toBe(validationsBefore + 2);
    expect(r2.state).toMatchObject({ subscriptionId: recreated!.id });
    // A lifecycle notification of a Graph subscription we no longer use changes nothing.
    const stale = { value: [{ subscriptionId: firstId, clientState: SECRET, lifecycleEvent: 'subscriptionRemoved' }] };
    const staleReq: InboundRequest = { method: 'POST', url: '/', headers: {}, rawBody: Buffer.from(JSON.stringify(stale)), body: stale };
    expect(await src.toItems(staleReq, { ...base, state: r2.state! })).toEqual([]);
    expect(fake.subscriptions.size).toBe(1);
  });

  it('renews with PATCH and reports a vanished subscription as a 404 so the engine registers again', async () => {
    const src = source('TEAMS_TRIGGER_CHANNEL_CREATED');
    const base = ctxWith();
    const reg = await src.register({ ...base, hookUrl: hook.url, secret: SECRET });
    const renewed = await src.renew!({ ...base, state: reg.state });
    expect(renewed.state.subscriptionId).toBe(reg.state.subscriptionId);
    expect(renewed.expiresAt).toBeGreaterThanOrEqual(reg.expiresAt!);
    fake.subscriptions.clear();
    await expect(src.renew!({ ...base, state: reg.state })).rejects.toMatchObject({ status: 404 });
  });

  it('falls back to one hour when Graph refuses the longer lifetime', async () => {
    fake.teamsMaxMinutes = 60;
    const src = source('TEAMS_TRIGGER_CHANNEL_MESSAGE_POSTED');
    const reg = await src.register({ ...ctxWith('graph-token-1', { teamId: TEAM, channelId }), hookUrl: hook.url, secret: SECRET });
    expect(reg.expiresAt! - Date.now()).toBeLessThanOrEqual(60 * 60_000);
    expect(reg.expiresAt! - Date.now()).toBeGreaterThan(40 * 60_000);
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path === '/subscriptions')).toHaveLength(2);
  });

  it('fails setup when our endpoint does not answer the validation, and classifies Graph failures', async () => {
    const src = source('TEAMS_TRIGGER_CHANNEL_CREATED');
    const deaf = await startHookReceiver([]); // answers 202 with no token
    await expect(src.register({ ...ctxWith(), hookUrl: deaf.url, secret: SECRET })).rejects.toThrow(/validation request failed/);
    await deaf.close();
    expect(fake.subscriptions.size).toBe(0);

    await expect(src.register({ ...ctxWith('expired'), hookUrl: hook.url, secret: SECRET })).rejects.toMatchObject({ kind: 'auth', status: 401 });
    fake.failNext(1, 429, { headers: { 'retry-after': '7' } });
    await expect(src.register({ ...ctxWith(), hookUrl: hook.url, secret: SECRET })).rejects.toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 7000 });
    fake.failNext(1, 503);
    await expect(src.register({ ...ctxWith(), hookUrl: hook.url, secret: SECRET })).rejects.toMatchObject({ kind: 'transient', status: 503 });
    await expect(src.register({ ...ctxWith('graph-token-1', { teamId: 'no-such-team' }), hookUrl: hook.url, secret: SECRET })).rejects.toMatchObject({ kind: 'permanent', status: 404 });
    // A notification whose fetch is throttled fails as rate_limited, so the engine asks Graph to retry.
    const reg = await src.register({ ...ctxWith(), hookUrl: hook.url, secret: SECRET });
    await fake.createChannel(TEAM, 'Later');
    fake.failNext(1, 429, { headers: { 'retry-after': '2' } });
    await expect(src.toItems(inbound(hook.received.at(-1)!), { ...ctxWith(), state: reg.state })).rejects.toBeInstanceOf(ProviderError);
    expect(asItems(await src.toItems(inbound(hook.received.at(-1)!), { ...ctxWith(), state: reg.state })).items).toHaveLength(1);
  });
});
