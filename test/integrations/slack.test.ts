// Slack, source level: the v0 signature (Slack's published test vector), url_verification, parsing of
// Events API and Interactivity requests as the fake Slack sends them over real HTTP, each trigger's match,
// and the account id through auth.test against the fake Web API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import {
  ProviderError,
  classifyInbound,
  evaluateCondition,
  signRequest,
  validateCondition,
  verifyRequest,
  type AnyTriggerDefinition,
  type AppEvent,
  type AppWebhookSource,
  type InboundRequest,
} from '../../src/sdk/index.js';
import { accountFromTokenResponse, slackAccount } from '../../src/integrations/slack/api.js';
import { parseSlackRequest, slackSigningScheme } from '../../src/integrations/slack/events.js';
import { slackIntegration } from '../../src/integrations/slack/integration.js';
import { checkReactionFilter } from '../../src/integrations/slack/triggers/reaction-added.js';
import envelopeFixture from '../../src/integrations/slack/fixtures/envelope-message-channels.json' with { type: 'json' };
import imFixture from '../../src/integrations/slack/fixtures/event-message-im.json' with { type: 'json' };
import groupsFixture from '../../src/integrations/slack/fixtures/event-message-groups.json' with { type: 'json' };
import mpimFixture from '../../src/integrations/slack/fixtures/event-message-mpim.json' with { type: 'json' };
import mentionFixture from '../../src/integrations/slack/fixtures/event-app-mention.json' with { type: 'json' };
import reactionFixture from '../../src/integrations/slack/fixtures/event-reaction-added.json' with { type: 'json' };
import channelCreatedFixture from '../../src/integrations/slack/fixtures/event-channel-created.json' with { type: 'json' };
import blockActionsFixture from '../../src/integrations/slack/fixtures/interaction-block-actions.json' with { type: 'json' };
import oauthFixture from '../../src/integrations/slack/fixtures/oauth-v2-access.json' with { type: 'json' };
import { startFakeReceiver, type FakeReceiver, type RecordedRequest } from '../helpers/fake-receiver.js';
import {
  eventEnvelope,
  sendSlackEvent,
  sendSlackInteraction,
  sendUrlVerification,
  slackSignature,
  startFakeSlack,
  type FakeSlack,
} from '../providers/slack.js';

const SECRET = 'slack-signing-secret-0123456789';
const TEAM = 'T123ABC456';

function trigger(type: string): AnyTriggerDefinition {
  const t = slackIntegration.triggers.find((x) => x.type === type);
  if (!t) throw new Error(`no trigger ${type}`);
  return t;
}

function match(type: string, event: AppEvent, params: Record<string, unknown> = {}) {
  const source = trigger(type).source as AppWebhookSource<Record<string, unknown>>;
  // Defaults as the engine applies them (validateParameters).
  const defaults = Object.fromEntries(trigger(type).parameters.filter((p) => p.defaultValue !== undefined).map((p) => [p.id, p.defaultValue]));
  return source.match(event, { ...defaults, ...params });
}

function inbound(r: RecordedRequest): InboundRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  return { method: r.method, url: r.path, headers, rawBody: r.rawBody, body: r.json };
}

function messageEvent(event: Record<string, unknown>, deliveryId = 'Ev1'): AppEvent {
  return { providerAccountId: TEAM, deliveryId, eventType: String(event.type), event };
}

const ALL_TYPES = [
  'SLACK_TRIGGER_CHANNEL_MESSAGE_POSTED',
  'SLACK_TRIGGER_DIRECT_MESSAGE_POSTED',
  'SLACK_TRIGGER_GROUP_MESSAGE_POSTED',
  'SLACK_TRIGGER_CHANNEL_CREATED',
  'SLACK_TRIGGER_APP_MENTIONED',
  'SLACK_TRIGGER_MESSAGE_INTERACTION',
  'SLACK_TRIGGER_REACTION_ADDED',
];

describe('slack catalog definition', () => {
  it('declares every trigger of the issue with its exact name, plus Paragon\'s SLACK_TRIGGER_NEW_REACTION', () => {
    const types = slackIntegration.triggers.map((t) => t.type);
    for (const t of ALL_TYPES) expect(types).toContain(t);
    expect(types).toContain('SLACK_TRIGGER_NEW_REACTION');
    for (const t of slackIntegration.triggers) {
      expect(t.source.kind, t.type).toBe('appWebhook');
      expect(t.docsUrl, t.type).toMatch(/^https:\/\/docs\.slack\.dev\//);
      expect(t.examplePayload, t.type).toBeTruthy();
    }
    const filter = trigger('SLACK_TRIGGER_APP_MENTIONED').parameters.find((p) => p.id === 'appMentionedFilter');
    expect(filter).toMatchObject({ type: 'CONDITIONAL', required: false });
    expect(trigger('SLACK_TRIGGER_NEW_REACTION').parameters.map((p) => [p.id, p.type])).toEqual([['reactionFilter', 'CONDITIONAL']]);
  });

  it('uses OAuth v2 with comma-separated bot scopes and no PKCE', () => {
    expect(slackIntegration.auth).toMatchObject({
      kind: 'oauth2', authorizationUrl: 'https://slack.com/oauth/v2/authorize', tokenUrl: 'https://slack.com/api/oauth.v2.access',
      scopeSeparator: ',', pkce: false,
    });
    expect(slackIntegration.apiBaseUrl).toBe('https://slack.com/api');
  });

  it('every example payload, sent by Slack, is parsed and matched by its own trigger into one item carrying the example', () => {
    for (const t of slackIntegration.triggers) {
      const example = t.examplePayload as Record<string, unknown>;
      const isInteraction = t.type === 'SLACK_TRIGGER_MESSAGE_INTERACTION';
      const rawBody = isInteraction
        ? Buffer.from(new URLSearchParams({ payload: JSON.stringify(example) }).toString())
        : Buffer.from(JSON.stringify(eventEnvelope(example, { teamId: 'T9TK3CUKW', eventId: 'EvEXAMPLE' })));
      const headers = { 'content-type': isInteraction ? 'application/x-www-form-urlencoded' : 'application/json' };
      const events = parseSlackRequest({ method: 'POST', url: '/', headers, rawBody, body: undefined });
      expect(events.length, t.type).toBe(1);
      const items = (t.source as AppWebhookSource).match(events[0]!, {});
      expect(items, t.type).toHaveLength(1);
      expect(items[0]!.payload, t.type).toEqual(example);
    }
  });
});

describe('slack request verification (v0 signature)', () => {
  // Slack's documented example, reproduced in slackapi/python-slack-sdk tests/slack_sdk/signature.
  const doc = {
    secret: '8f742231b10e8888abcd99yyyzzz85a5',
    timestamp: '1531420618',
    body:
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar' +
      '&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
      '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
    signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
  };
  const req = (headers: Record<string, string>, body = doc.body) => ({ method: 'POST', url: '/hooks/app/p/slack', headers, rawBody: Buffer.from(body) });
  const signed = { 'x-slack-signature': doc.signature, 'x-slack-request-timestamp': doc.timestamp };
  const at = (offsetSeconds: number) => (Number(doc.timestamp) + offsetSeconds) * 1000;

  it('accepts Slack\'s published test vector, and the fake Slack signs the same way', () => {
    expect(slackSignature(doc.secret, doc.timestamp, doc.body)).toBe(doc.signature);
    expect(verifyRequest(slackSigningScheme, req(signed), { secret: doc.secret }, at(0))).toEqual({ ok: true });
    expect(signRequest(slackSigningScheme, req({}), { secret: doc.secret }, at(0))).toEqual(signed);
  });

  it('enforces the 5-minute window in both directions', () => {
    expect(verifyRequest(slackSigningScheme, req(signed), { secret: doc.secret }, at(300)).ok).toBe(true);
    expect(verifyRequest(slackSigningScheme, req(signed), { secret: doc.secret }, at(301))).toMatchObject({ ok: false, reason: 'stale_timestamp' });
    expect(verifyRequest(slackSigningScheme, req(signed), { secret: doc.secret }, at(-301))).toMatchObject({ ok: false, reason: 'stale_timestamp' });
  });

  it('refuses a changed body, another secret, a missing header or another version prefix', () => {
    expect(verifyRequest(slackSigningScheme, req(signed, `${doc.body}&x=1`), { secret: doc.secret }, at(0))).toMatchObject({ reason: 'bad_signature' });
    expect(verifyRequest(slackSigningScheme, req(signed), { secret: 'another' }, at(0))).toMatchObject({ reason: 'bad_signature' });
    expect(verifyRequest(slackSigningScheme, req({ 'x-slack-request-timestamp': doc.timestamp }), { secret: doc.secret }, at(0))).toMatchObject({ reason: 'missing_signature' });
    expect(verifyRequest(slackSigningScheme, req({ ...signed, 'x-slack-signature': doc.signature.replace('v0=', 'v1=') }), { secret: doc.secret }, at(0)).ok).toBe(false);
  });
});

describe('slack inbound requests as the fake Slack sends them', () => {
  let receiver: FakeReceiver;
  beforeAll(async () => {
    receiver = await startFakeReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });

  const last = () => receiver.requests[receiver.requests.length - 1]!;
  const config = { verification: slackIntegration.appWebhook!.verification, handshakes: slackIntegration.appWebhook!.handshakes };

  it('answers a signed url_verification with the challenge, and refuses an unsigned one', async () => {
    await sendUrlVerification(receiver.url, 'chal-123', { signingSecret: SECRET });
    const decision = classifyInbound(config, inbound(last()), { secret: SECRET }, Date.now());
    expect(decision.kind).toBe('handshake');
    if (decision.kind !== 'handshake') return;
    expect(decision.response.status).toBe(200);
    expect(JSON.parse(decision.response.body)).toEqual({ challenge: 'chal-123' });

    await sendUrlVerification(receiver.url, 'chal-123', { signingSecret: 'not-the-secret' });
    expect(classifyInbound(config, inbound(last()), { secret: SECRET }, Date.now()).kind).toBe('rejected');
  });

  it('parses an Events API delivery into one event for the workspace, keyed by event_id; retries keep the key', async () => {
    await sendSlackEvent(receiver.url, envelopeFixture, { signingSecret: SECRET });
    const first = inbound(last());
    expect(classifyInbound(config, first, { secret: SECRET }, Date.now()).kind).toBe('event');
    const events = parseSlackRequest(first);
    expect(events).toEqual([{ providerAccountId: 'T123ABC456', deliveryId: 'Ev123ABC456', eventType: 'message', event: envelopeFixture.event }]);

    await sendSlackEvent(receiver.url, envelopeFixture, { signingSecret: SECRET, retryNum: 1, retryReason: 'http_timeout' });
    const retry = inbound(last());
    expect(retry.headers['x-slack-retry-num']).toBe('1');
    expect(classifyInbound(config, retry, { secret: SECRET }, Date.now()).kind).toBe('event');
    expect(parseSlackRequest(retry).map((e) => e.deliveryId)).toEqual(['Ev123ABC456']);
  });

  it('parses a form-encoded interaction: the signature covers the form body, the event is the parsed payload', async () => {
    await sendSlackInteraction(receiver.url, blockActionsFixture, { signingSecret: SECRET });
    const req = inbound(last());
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(req.rawBody.toString().startsWith('payload=')).toBe(true);
    expect(classifyInbound(config, req, { secret: SECRET }, Date.now()).kind).toBe('event');
    expect(parseSlackRequest(req)).toEqual([{
      providerAccountId: 'T9TK3CUKW',
      deliveryId: `interaction:${blockActionsFixture.trigger_id}`,
      eventType: 'interaction.block_actions',
      event: blockActionsFixture,
    }]);
  });

  it('rejects a stale delivery (replay) even with a valid signature', async () => {
    await sendSlackEvent(receiver.url, envelopeFixture, { signingSecret: SECRET, timestamp: Math.floor(Date.now() / 1000) - 600 });
    expect(classifyInbound(config, inbound(last()), { secret: SECRET }, Date.now())).toMatchObject({ kind: 'rejected', failure: { reason: 'stale_timestamp' } });
  });
});

describe('slack request parsing edge cases', () => {
  const req = (body: string, contentType = 'application/json'): InboundRequest => ({
    method: 'POST', url: '/', headers: { 'content-type': contentType }, rawBody: Buffer.from(body), body: undefined,
  });
  const form = (payload: unknown) => req(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded');

  it('routes an event to every workspace it names: team_id, context_team_id and authorizations', () => {
    const env = eventEnvelope(imFixture, {
      teamId: 'T1', eventId: 'Ev9', contextTeamId: 'T1',
      authorizations: [{ enterprise_id: null, team_id: 'T2', user_id: 'U', is_bot: true, is_enterprise_install: false }],
    });
    expect(parseSlackRequest(req(JSON.stringify(env))).map((e) => [e.providerAccountId, e.deliveryId])).toEqual([['T1', 'Ev9'], ['T2', 'Ev9']]);
  });

  it('routes an org-wide Enterprise Grid install to the org id', () => {
    const env = eventEnvelope(imFixture, {
      teamId: 'T1', eventId: 'Ev9',
      authorizations: [{ enterprise_id: 'E1', team_id: 'T1', user_id: 'U', is_bot: true, is_enterprise_install: true }],
    });
    expect(parseSlackRequest(req(JSON.stringify(env))).map((e) => e.providerAccountId)).toEqual(['T1', 'E1']);
    const interaction = { ...blockActionsFixture, team: null, user: { id: 'U1' }, enterprise: { id: 'E1', name: 'org' }, is_enterprise_install: true };
    expect(parseSlackRequest(form(interaction)).map((e) => e.providerAccountId)).toEqual(['E1']);
  });

  it('keys interactions without a trigger_id by a digest of the body, stable across resends', () => {
    const closed = { type: 'view_closed', team: { id: 'T1' }, user: { id: 'U1', team_id: 'T1' }, view: { id: 'V1' }, is_cleared: false };
    const a = parseSlackRequest(form(closed));
    const b = parseSlackRequest(form(closed));
    expect(a).toHaveLength(1);
    expect(a[0]!.deliveryId).toMatch(/^interaction:sha256:[0-9a-f]{64}$/);
    expect(a[0]!.deliveryId).toBe(b[0]!.deliveryId);
  });

  it('yields nothing for block_suggestion, slash commands, app_rate_limited, url_verification and garbage', () => {
    expect(parseSlackRequest(form({ type: 'block_suggestion', team: { id: 'T1' }, value: 'ab' }))).toEqual([]);
    expect(parseSlackRequest(req('token=x&team_id=T1&command=%2Fhello&text=', 'application/x-www-form-urlencoded'))).toEqual([]);
    expect(parseSlackRequest(req(JSON.stringify({ token: 't', type: 'app_rate_limited', team_id: 'T1', minute_rate_limited: 1518467820, api_app_id: 'A1' })))).toEqual([]);
    expect(parseSlackRequest(req(JSON.stringify({ token: 't', challenge: 'c', type: 'url_verification' })))).toEqual([]);
    expect(parseSlackRequest(req('{not json'))).toEqual([]);
    expect(parseSlackRequest(req(JSON.stringify({ type: 'event_callback', team_id: 'T1', event: {} })))).toEqual([]);
  });
});

describe('slack trigger matching', () => {
  const channelMsg = envelopeFixture.event;

  it('sorts messages by channel_type: channels (public and private), DMs, group DMs', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [channelMsg, 'SLACK_TRIGGER_CHANNEL_MESSAGE_POSTED'],
      [groupsFixture, 'SLACK_TRIGGER_CHANNEL_MESSAGE_POSTED'],
      [imFixture, 'SLACK_TRIGGER_DIRECT_MESSAGE_POSTED'],
      [mpimFixture, 'SLACK_TRIGGER_GROUP_MESSAGE_POSTED'],
    ];
    const messageTypes = ['SLACK_TRIGGER_CHANNEL_MESSAGE_POSTED', 'SLACK_TRIGGER_DIRECT_MESSAGE_POSTED', 'SLACK_TRIGGER_GROUP_MESSAGE_POSTED'];
    for (const [event, expected] of cases) {
      for (const type of messageTypes) {
        const items = match(type, messageEvent(event, 'EvX'));
        expect(items.length, `${String(event.channel_type)} → ${type}`).toBe(type === expected ? 1 : 0);
        if (type === expected) expect(items[0]).toEqual({ key: 'EvX', payload: event, occurredAt: 1355517523000 });
      }
    }
    for (const type of messageTypes) expect(match(type, messageEvent(mentionFixture))).toEqual([]);
  });

  it('fires for new posts only: no edits, deletions or thread notices; bots and system notices on request', () => {
    const T = 'SLACK_TRIGGER_CHANNEL_MESSAGE_POSTED';
    const m = (extra: Record<string, unknown>) => messageEvent({ ...channelMsg, ...extra });
    expect(match(T, m({ thread_ts: '1355517500.000001' }))).toHaveLength(1);
    expect(match(T, m({ subtype: 'file_share', files: [] }))).toHaveLength(1);
    expect(match(T, m({ subtype: 'thread_broadcast', thread_ts: '1.2' }))).toHaveLength(1);
    expect(match(T, m({ subtype: 'message_changed', hidden: true, message: {} }))).toEqual([]);
    expect(match(T, m({ subtype: 'message_deleted', hidden: true, deleted_ts: '1.2' }))).toEqual([]);
    expect(match(T, m({ subtype: 'message_replied', hidden: true }))).toEqual([]);
    expect(match(T, m({ subtype: 'message_changed' }), { includeBotMessages: true, includeSystemMessages: true })).toEqual([]);

    expect(match(T, m({ subtype: 'bot_message', bot_id: 'B1' }))).toEqual([]);
    expect(match(T, m({ bot_id: 'B1', app_id: 'A1' }))).toEqual([]);
    expect(match(T, m({ subtype: 'bot_message', bot_id: 'B1' }), { includeBotMessages: true })).toHaveLength(1);
    expect(match(T, m({ bot_id: 'B1' }), { includeBotMessages: true })).toHaveLength(1);

    expect(match(T, m({ subtype: 'channel_join' }))).toEqual([]);
    expect(match(T, m({ subtype: 'channel_join' }), { includeSystemMessages: true })).toHaveLength(1);
    expect(match('SLACK_TRIGGER_DIRECT_MESSAGE_POSTED', messageEvent({ ...imFixture, bot_id: 'B1' }))).toEqual([]);
  });

  it('narrows channel messages to one channel by id, and refuses a #name', () => {
    const T = 'SLACK_TRIGGER_CHANNEL_MESSAGE_POSTED';
    expect(match(T, messageEvent(channelMsg), { channel: 'C123ABC456' })).toHaveLength(1);
    expect(match(T, messageEvent(channelMsg), { channel: 'C999' })).toEqual([]);
    const param = trigger(T).parameters.find((p) => p.id === 'channel')!;
    expect(param.validate!('C123ABC456')).toBeNull();
    expect(param.validate!('#general')).toMatch(/channel id/);
    expect(trigger('SLACK_TRIGGER_DIRECT_MESSAGE_POSTED').parameters.map((p) => p.id)).not.toContain('channel');
  });

  it('app mentions: the inner event, filterable by Paragon\'s appMentionedFilter fields user and channel', () => {
    const [item] = match('SLACK_TRIGGER_APP_MENTIONED', messageEvent(mentionFixture, 'EvM'));
    expect(item).toMatchObject({ key: 'EvM', payload: mentionFixture });
    // Paragon's documented example filter shape, evaluated as the engine does.
    const filter = (field: string, value: string) => ({
      operator: 'OR', conditions: [{ operator: 'AND', conditions: [{ field, operator: '$stringExactlyMatches', value }] }],
    });
    expect(validateCondition(filter('user', 'U061F7AUR')).ok).toBe(true);
    expect(evaluateCondition(filter('user', 'U061F7AUR'), item!.payload)).toBe(true);
    expect(evaluateCondition(filter('channel', 'C123ABC456'), item!.payload)).toBe(true);
    expect(evaluateCondition(filter('user', 'U0OTHER'), item!.payload)).toBe(false);
    expect(match('SLACK_TRIGGER_APP_MENTIONED', messageEvent(channelMsg))).toEqual([]);
  });

  it('reactions: both trigger names, item.channel in filters, a plain "channel" field refused with the fix', () => {
    for (const T of ['SLACK_TRIGGER_REACTION_ADDED', 'SLACK_TRIGGER_NEW_REACTION']) {
      const [item] = match(T, messageEvent(reactionFixture, 'EvR'));
      expect(item).toMatchObject({ key: 'EvR', payload: reactionFixture, occurredAt: 1360782804083 });
      expect(match(T, messageEvent({ ...reactionFixture, type: 'reaction_removed' }))).toEqual([]);
    }
    const f = (field: string) => ({ operator: 'AND', conditions: [{ field, operator: '$stringExactlyMatches', value: 'C123ABC456' }] });
    expect(checkReactionFilter(f('item.channel'))).toBeNull();
    expect(evaluateCondition(f('item.channel'), reactionFixture)).toBe(true);
    expect(checkReactionFilter({ operator: 'OR', conditions: [f('channel')] })).toMatch(/item\.channel/);
    expect(checkReactionFilter({ operator: 'AND', conditions: [{ field: 'item_user', operator: '$stringDoesNotExactlyMatch', value: 'U1' }] })).toBeNull();
  });

  it('channel created and interactions', () => {
    expect(match('SLACK_TRIGGER_CHANNEL_CREATED', messageEvent(channelCreatedFixture, 'EvC'))).toEqual([{ key: 'EvC', payload: channelCreatedFixture }]);
    expect(match('SLACK_TRIGGER_CHANNEL_CREATED', messageEvent(channelMsg))).toEqual([]);
    const interaction: AppEvent = { providerAccountId: 'T9TK3CUKW', deliveryId: 'interaction:1', eventType: 'interaction.shortcut', event: { type: 'shortcut' } };
    expect(match('SLACK_TRIGGER_MESSAGE_INTERACTION', interaction)).toEqual([{ key: 'interaction:1', payload: { type: 'shortcut' } }]);
    expect(match('SLACK_TRIGGER_MESSAGE_INTERACTION', messageEvent(channelMsg))).toEqual([]);
  });
});

describe('slack account id through auth.test (fake Web API over HTTP)', () => {
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await startFakeSlack();
  });
  afterAll(async () => {
    await slack.close();
  });
  const http = (token: string) => createProviderHttp({
    integration: slackIntegration, apiBaseUrl: slack.apiBaseUrl,
    auth: { canRefresh: false, headers: async () => ({ authorization: `Bearer ${token}` }) },
  });
  const failure = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (err) {
      return err as ProviderError;
    }
    throw new Error('expected a ProviderError');
  };

  it('returns the workspace id (team.id of the install) and workspace details', async () => {
    const { accessToken } = slack.install({ teamId: 'T9TK3CUKW', teamName: 'Slack Softball Team', botUserId: 'U0KRQLJ9H', botId: 'B1' });
    const account = await slackIntegration.accountId!({ http: http(accessToken), token: { accessToken } });
    expect(account).toEqual({
      providerAccountId: 'T9TK3CUKW',
      extra: { teamId: 'T9TK3CUKW', teamName: 'Slack Softball Team', teamUrl: 'https://slacksoftballteam.slack.com/', userId: 'U0KRQLJ9H', botId: 'B1' },
    });
    const call = slack.requests[slack.requests.length - 1]!;
    expect(call).toMatchObject({ method: 'POST', path: '/api/auth.test', auth: `Bearer ${accessToken}` });
  });

  it('takes the account from the oauth.v2.access response (team.id, or enterprise.id for org installs) when given', async () => {
    const { accessToken } = slack.install({ teamId: 'T9TK3CUKW', teamName: 'Slack Softball Team', botUserId: 'U0KRQLJ9H', botId: 'B1' });
    const tokenResponse = { ...oauthFixture } as Record<string, unknown>;
    delete tokenResponse.access_token;
    expect((await slackIntegration.accountId!({ http: http(accessToken), token: { accessToken, extra: tokenResponse } })).providerAccountId).toBe('T9TK3CUKW');
    expect(accountFromTokenResponse({ team: null, enterprise: { id: 'E1' }, is_enterprise_install: true })).toBe('E1');
    expect(accountFromTokenResponse({ team: { id: 'T1' }, enterprise: { id: 'E1' }, is_enterprise_install: false })).toBe('T1');
    expect(accountFromTokenResponse(undefined)).toBeUndefined();
    // auth.test still runs: a token that does not work is refused even with a token response.
    await expect(slackIntegration.accountId!({ http: http('xoxb-bad'), token: { accessToken: 'xoxb-bad', extra: tokenResponse } })).rejects.toMatchObject({ kind: 'auth' });
  });

  it('returns the org id for an org-wide Enterprise Grid install', async () => {
    const { accessToken } = slack.install({ teamId: 'T1', teamName: 'Org', botUserId: 'U1', botId: 'B1', enterpriseId: 'E12345678', isEnterpriseInstall: true });
    expect((await slackAccount(http(accessToken))).providerAccountId).toBe('E12345678');
  });

  it('refreshes a rotating token Slack answers token_expired (HTTP 200), and calls once more with the new one', async () => {
    const old = slack.install({ teamId: 'T3', teamName: 'Three', botUserId: 'U3', botId: 'B3' }).accessToken;
    const renewed = slack.install({ teamId: 'T3', teamName: 'Three', botUserId: 'U3', botId: 'B3' }).accessToken;
    slack.expiredTokens.add(old);
    const refreshes: boolean[] = [];
    const rotating = createProviderHttp({
      integration: slackIntegration, apiBaseUrl: slack.apiBaseUrl,
      auth: { canRefresh: true, headers: async (force) => (refreshes.push(force), { authorization: `Bearer ${force ? renewed : old}` }) },
    });
    expect((await slackAccount(rotating)).providerAccountId).toBe('T3');
    expect(refreshes).toEqual([false, true]);
    expect(slack.requests.slice(-2).map((r) => r.auth)).toEqual([`Bearer ${old}`, `Bearer ${renewed}`]);
  });

  it('classifies Slack\'s ok:false errors and HTTP 429/5xx', async () => {
    expect(await failure(slackAccount(http('xoxb-unknown')))).toMatchObject({ kind: 'auth', message: expect.stringContaining('invalid_auth') });
    const { accessToken } = slack.install({ teamId: 'T2', teamName: 'Two', botUserId: 'U2', botId: 'B2' });
    slack.expiredTokens.add(accessToken);
    expect(await failure(slackAccount(http(accessToken)))).toMatchObject({ kind: 'auth', message: expect.stringContaining('token_expired') });
    slack.failNext(1, 429, { 'retry-after': '30' });
    expect(await failure(slackAccount(http(accessToken)))).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 30_000 });
    slack.failNext(1, 503);
    expect(await failure(slackAccount(http(accessToken)))).toMatchObject({ kind: 'transient', status: 503 });
    expect(await failure(slackAccount(http(accessToken)))).toBeInstanceOf(ProviderError);
  });
});
