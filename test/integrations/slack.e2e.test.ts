// Slack end to end through the public API, on SQLite and PostgreSQL: the Request URL shown by the admin
// API answers Slack's url_verification; a user connects a workspace with OAuth (team.id becomes the
// credential's provider account id); subscribe → the fake Slack sends signed Events API and Interactivity
// requests → exactly one signed delivery of the inner event (or parsed interaction payload) at the receiver
// → Slack's retries (X-Slack-Retry-Num, same event_id) add nothing → unsubscribe → nothing more. Plus
// routing by workspace, bad signatures, the engine-applied CONDITIONAL filter, token rotation refresh, and
// Slack failures at connect time (auth.test 429 / 5xx / invalid_auth).
//
// Slack triggers are app-level: subscribing and unsubscribing make no Slack API call (the event
// subscription is app configuration), so "provider-side setup/teardown" is the routing itself.
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import { slackIntegration } from '../../src/integrations/slack/integration.js';
import envelopeFixture from '../../src/integrations/slack/fixtures/envelope-message-channels.json' with { type: 'json' };
import mentionFixture from '../../src/integrations/slack/fixtures/event-app-mention.json' with { type: 'json' };
import blockActionsFixture from '../../src/integrations/slack/fixtures/interaction-block-actions.json' with { type: 'json' };
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { deliverSlackEvent, eventEnvelope, sendSlackEvent, sendSlackInteraction, sendUrlVerification, startFakeSlack, type FakeSlack, type SlackWorkspace } from '../providers/slack.js';

const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const ACME: SlackWorkspace = { teamId: 'T123ABC456', teamName: 'Acme', botUserId: 'U0BOT', botId: 'B0BOT' };
const GLOBEX: SlackWorkspace = { teamId: 'T0GLOBEX1', teamName: 'Globex', botUserId: 'U0BOT2', botId: 'B0BOT2' };

describe.each(DIALECTS)('Slack end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let slack: FakeSlack;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let hookUrl: string;
  let clockOffset = 0;

  const events = () => w.events();
  const sign = { signingSecret: SIGNING_SECRET };
  const nowSeconds = () => Math.floor((Date.now() + clockOffset) / 1000);
  const subscribe = async (client: ApiClient, type: string, parameters: Record<string, unknown> = {}) => {
    const r = await client.post(`${base}/trigger-subscriptions`, { integration: 'slack', type, parameters });
    expect(r.status, r.text).toBe(200);
    return r.body as { id: string; status: string; credentialId: string };
  };
  /** The OAuth connect flow as a browser runs it: our authorize URL → Slack consent → our callback. */
  const connect = async (client: ApiClient, ws: SlackWorkspace) => {
    const start = await client.post(`${base}/connect/slack`, { redirectUrl: 'https://app.example.com/connected' });
    expect(start.status, start.text).toBe(200);
    const authorize = new URL(start.body.authorizationUrl);
    const code = `code-${ws.teamId}-${Math.random().toString(36).slice(2)}`;
    slack.codes.set(code, ws);
    const cb = await t.admin.get(`/oauth/callback?code=${code}&state=${encodeURIComponent(authorize.searchParams.get('state')!)}`);
    expect(cb.status, cb.text).toBe(302);
    const location = new URL(String(cb.headers.location));
    return { authorize, location, credentialId: location.searchParams.get('credentialId') };
  };

  beforeEach(async () => {
    clockOffset = 0;
    slack = await startFakeSlack();
    w = await startIntegrationWorld({
      dialect,
      integration: slackIntegration,
      now: () => Date.now() + clockOffset,
      config: {
        clientId: slack.clientId, clientSecret: slack.clientSecret, webhookSecret: SIGNING_SECRET,
        apiBaseUrl: slack.apiBaseUrl, tokenUrl: slack.tokenUrl, authorizationUrl: `${slack.url}/oauth/v2/authorize`,
      },
    });
    ({ t, receiver, project, base, user, worker } = w);
    hookUrl = w.config.webhookUrl;
    expect(hookUrl).toBe(`${t.url}/hooks/app/${project.id}/slack`);
  });
  afterEach(async () => {
    await w.close();
    await slack.close();
  });

  it('answers Slack\'s signed url_verification at the URL the admin API shows, and refuses an unsigned one', async () => {
    const listed = await t.admin.get(`/admin/v1/projects/${project.id}/integrations`);
    expect(listed.body.integrations.find((i: { integration: string }) => i.integration === 'slack')).toMatchObject({ webhookUrl: hookUrl, oauthRedirectUrl: `${t.url}/oauth/callback` });
    const ok = await sendUrlVerification(hookUrl, 'challenge-abc', sign);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ challenge: 'challenge-abc' });
    const forged = await sendUrlVerification(hookUrl, 'challenge-abc', { signingSecret: 'wrong' });
    expect(forged.status).toBe(401);
    expect(forged.body).not.toContain('challenge-abc');
  });

  it('connects a workspace with OAuth v2: comma-separated scopes, no PKCE, team.id as the provider account id', async () => {
    const { authorize, location, credentialId } = await connect(user, ACME);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${slack.url}/oauth/v2/authorize`);
    expect(authorize.searchParams.get('client_id')).toBe(slack.clientId);
    expect(authorize.searchParams.get('scope')).toBe('channels:history,groups:history,im:history,mpim:history,app_mentions:read,reactions:read,channels:read');
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${t.url}/oauth/callback`);
    expect(authorize.searchParams.has('code_challenge')).toBe(false);
    expect(`${location.origin}${location.pathname}`).toBe('https://app.example.com/connected');
    expect(credentialId).toBeTruthy();
    const creds = (await user.get(`${base}/credentials`)).body.credentials;
    expect(creds).toMatchObject([{ id: credentialId, integration: 'slack', providerAccountId: ACME.teamId, status: 'VALID' }]);
    const exchange = slack.requests.find((r) => r.path === '/api/oauth.v2.access')!;
    expect(exchange.form).toMatchObject({ grant_type: 'authorization_code', client_id: slack.clientId, client_secret: slack.clientSecret, redirect_uri: `${t.url}/oauth/callback` });
    expect(slack.requests.some((r) => r.path === '/api/auth.test')).toBe(true);
  });

  it('channel message: one signed delivery of the inner event; Slack\'s retries add nothing; nothing after unsubscribe', async () => {
    const { credentialId } = await connect(user, ACME);
    const sub = await subscribe(user, 'SLACK_TRIGGER_CHANNEL_MESSAGE_POSTED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });

    const first = await sendSlackEvent(hookUrl, envelopeFixture, sign);
    expect(first.status).toBe(200);
    await worker.drain();
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({
      userId: 'user-1', integration: 'slack', triggerType: 'SLACK_TRIGGER_CHANNEL_MESSAGE_POSTED', triggerSubscriptionId: sub.id,
      credentialId, projectId: project.id, payload: envelopeFixture.event,
    });
    expectSignedDelivery(delivery!, project.signingSecret);

    // Slack re-sends the same event_id when it did not see our 2xx in time: 1, 2, 3 retries.
    for (const retryNum of [1, 2, 3]) {
      const r = await sendSlackEvent(hookUrl, envelopeFixture, { ...sign, retryNum, retryReason: 'http_timeout' });
      expect(r.status).toBe(200);
    }
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await events()).toHaveLength(1);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.dateLastReceivedEvent).not.toBeNull();

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    const later = await sendSlackEvent(hookUrl, eventEnvelope(envelopeFixture.event, { teamId: ACME.teamId, eventId: 'EvLATER' }), sign);
    expect(later.status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await events()).toHaveLength(1);
  });

  it('every trigger: each Slack example reaches its own subscription exactly once, interactions included', async () => {
    await connect(user, { ...ACME, teamId: 'T9TK3CUKW' });
    const subs = new Map<string, string>();
    for (const trigger of slackIntegration.triggers) subs.set(trigger.type, (await subscribe(user, trigger.type)).id);
    const sent = new Set<unknown>();
    for (const trigger of slackIntegration.triggers) {
      const example = trigger.examplePayload as Record<string, unknown>;
      if (sent.has(example)) continue; // SLACK_TRIGGER_NEW_REACTION shares REACTION_ADDED's example
      sent.add(example);
      const r = trigger.type === 'SLACK_TRIGGER_MESSAGE_INTERACTION'
        ? await sendSlackInteraction(hookUrl, example, sign)
        : await deliverSlackEvent(hookUrl, eventEnvelope(example, { teamId: 'T9TK3CUKW' }), sign).then((a) => a[0]!);
      expect(r.status, trigger.type).toBe(200);
      // An empty acknowledgement: Slack reads a body answering an interaction as a reply (a replacement
      // message, a modal's response_action).
      expect(r.body, trigger.type).toBe('');
    }
    await worker.drain();
    await receiver.waitFor(slackIntegration.triggers.length);
    await worker.drain();
    const got = receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: unknown });
    expect(got.map((g) => g.triggerType).sort()).toEqual(slackIntegration.triggers.map((x) => x.type).sort());
    for (const g of got) {
      expect(g.triggerSubscriptionId).toBe(subs.get(g.triggerType));
      expect(g.payload).toEqual(slackIntegration.triggers.find((x) => x.type === g.triggerType)!.examplePayload);
    }
    const interaction = got.find((g) => g.triggerType === 'SLACK_TRIGGER_MESSAGE_INTERACTION')!;
    expect(interaction.payload).toEqual(blockActionsFixture);
  });

  it('routes by workspace: each user gets only the events of the workspace they connected', async () => {
    await connect(user, ACME);
    const other = await project.userClient('user-2');
    await connect(other, GLOBEX);
    const mine = await subscribe(user, 'SLACK_TRIGGER_CHANNEL_MESSAGE_POSTED');
    const theirs = await subscribe(other, 'SLACK_TRIGGER_CHANNEL_MESSAGE_POSTED');
    await sendSlackEvent(hookUrl, eventEnvelope(envelopeFixture.event, { teamId: ACME.teamId, eventId: 'EvACME' }), sign);
    await sendSlackEvent(hookUrl, eventEnvelope({ ...envelopeFixture.event, text: 'globex' }, { teamId: GLOBEX.teamId, eventId: 'EvGLOBEX' }), sign);
    // A workspace nobody connected: acknowledged (Slack must not retry it), nothing stored.
    const stranger = await sendSlackEvent(hookUrl, eventEnvelope(envelopeFixture.event, { teamId: 'T0NOBODY0', eventId: 'EvNOBODY' }), sign);
    expect(stranger.status).toBe(200);
    await worker.drain();
    await receiver.waitFor(2);
    await worker.drain();
    const got = receiver.requests.map((r) => r.json as { userId: string; triggerSubscriptionId: string; payload: { text: string } });
    expect(got.map((g) => [g.userId, g.triggerSubscriptionId, g.payload.text]).sort()).toEqual([
      ['user-1', mine.id, 'Live long and prospect.'],
      ['user-2', theirs.id, 'globex'],
    ]);
  });

  it('applies appMentionedFilter (Paragon\'s shape) in the engine, and leaves bot and edited messages out', async () => {
    await connect(user, ACME);
    const filter = { operator: 'OR', conditions: [{ operator: 'AND', conditions: [{ field: 'user', operator: '$stringExactlyMatches', value: 'U061F7AUR' }] }] };
    const mention = await subscribe(user, 'SLACK_TRIGGER_APP_MENTIONED', { appMentionedFilter: filter });
    await subscribe(user, 'SLACK_TRIGGER_CHANNEL_MESSAGE_POSTED');
    await sendSlackEvent(hookUrl, eventEnvelope(mentionFixture, { teamId: ACME.teamId, eventId: 'EvM1' }), sign);
    await sendSlackEvent(hookUrl, eventEnvelope({ ...mentionFixture, user: 'U0SOMEONE' }, { teamId: ACME.teamId, eventId: 'EvM2' }), sign);
    await sendSlackEvent(hookUrl, eventEnvelope({ ...envelopeFixture.event, bot_id: 'B0BOT', subtype: 'bot_message' }, { teamId: ACME.teamId, eventId: 'EvBOT' }), sign);
    await sendSlackEvent(hookUrl, eventEnvelope({ ...envelopeFixture.event, subtype: 'message_changed', hidden: true }, { teamId: ACME.teamId, eventId: 'EvEDIT' }), sign);
    await worker.drain();
    await receiver.waitFor(1);
    await worker.drain();
    expect(receiver.requests.map((r) => (r.json as { triggerSubscriptionId: string; payload: { user: string } }))).toMatchObject([
      { triggerSubscriptionId: mention.id, payload: { user: 'U061F7AUR' } },
    ]);
    const refused = await user.post(`${base}/trigger-subscriptions`, {
      type: 'SLACK_TRIGGER_REACTION_ADDED', parameters: { reactionFilter: { operator: 'AND', conditions: [{ field: 'channel', operator: '$stringExactlyMatches', value: 'C1' }] } },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('item.channel');
  });

  it('refuses forged, tampered, unsigned and stale requests with 401 and stores nothing', async () => {
    await connect(user, ACME);
    await subscribe(user, 'SLACK_TRIGGER_CHANNEL_MESSAGE_POSTED');
    await subscribe(user, 'SLACK_TRIGGER_MESSAGE_INTERACTION');
    expect((await sendSlackEvent(hookUrl, envelopeFixture, { signingSecret: 'not-the-signing-secret' })).status).toBe(401);
    // 30 s past the 300 s window: a second boundary crossed between this line and the service's check
    // must not bring the timestamp back inside it (301 did, once, in CI). The edges are unit-tested.
    expect((await sendSlackEvent(hookUrl, envelopeFixture, { ...sign, timestamp: nowSeconds() - 330 })).status).toBe(401);
    expect((await sendSlackEvent(hookUrl, envelopeFixture, { ...sign, timestamp: nowSeconds() + 330 })).status).toBe(401);
    expect((await sendSlackInteraction(hookUrl, blockActionsFixture, { ...sign, signatureOverride: 'v0=' + '0'.repeat(64) })).status).toBe(401);
    const unsigned = await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(envelopeFixture) });
    expect(unsigned.status).toBe(401);
    // Same signature, different bytes.
    const ts = String(nowSeconds());
    const good = createHmac('sha256', SIGNING_SECRET).update(`v0:${ts}:${JSON.stringify(envelopeFixture)}`).digest('hex');
    const tampered = await fetch(hookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': ts, 'x-slack-signature': `v0=${good}` },
      body: JSON.stringify({ ...envelopeFixture, event: { ...envelopeFixture.event, text: 'changed' } }),
    });
    expect(tampered.status).toBe(401);
    await worker.drain();
    expect(await events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('refreshes a rotating token before it expires (single-use refresh token), and events keep flowing', async () => {
    slack.rotationEnabled = true;
    const { credentialId } = await connect(user, ACME);
    const sub = await subscribe(user, 'SLACK_TRIGGER_DIRECT_MESSAGE_POSTED');
    const before = (await t.admin.get(`/admin/v1/projects/${project.id}/users/user-1`)).body;
    const cred = (before.credentials as Array<{ id: string; expiresAt: string }>).find((c) => c.id === credentialId)!;
    expect(Date.parse(cred.expiresAt) - Date.now()).toBeGreaterThan(11 * 3600_000);

    // Twelve hours later the access token is about to lapse: the renewals role refreshes it.
    clockOffset = 12 * 3600_000 - 60_000;
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const report = await renewals.runOnce();
    expect(report.tokens.refreshed).toBe(1);
    const refresh = slack.requests.filter((r) => r.path === '/api/oauth.v2.access' && r.form.grant_type === 'refresh_token');
    expect(refresh).toHaveLength(1);
    expect(refresh[0]!.form).toMatchObject({ client_id: slack.clientId, client_secret: slack.clientSecret });
    expect(slack.refreshTokens.has(refresh[0]!.form.refresh_token!)).toBe(false); // used up: rotated
    const after = (await t.admin.get(`/admin/v1/projects/${project.id}/users/user-1`)).body;
    const refreshed = (after.credentials as Array<{ id: string; expiresAt: string; status: string }>).find((c) => c.id === credentialId)!;
    expect(refreshed.status).toBe('VALID');
    expect(Date.parse(refreshed.expiresAt)).toBeGreaterThan(Date.parse(cred.expiresAt));

    const im = { type: 'message', channel: 'D024BE91L', user: 'U2147483697', text: 'still here', ts: '1355517523.000005', event_ts: '1355517523.000005', channel_type: 'im' };
    expect((await sendSlackEvent(hookUrl, eventEnvelope(im, { teamId: ACME.teamId, eventId: 'EvAFTER' }), { ...sign, timestamp: nowSeconds() })).status).toBe(200);
    await worker.drain();
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({ triggerSubscriptionId: sub.id, payload: im });
  });

  it('reports Slack failures at connect time (auth.test 429 and 5xx, a refused code) and stores no credential', async () => {
    const attempt = async (code: string, register: boolean) => {
      const start = await user.post(`${base}/connect/slack`, { redirectUrl: 'https://app.example.com/connected' });
      const state = new URL(start.body.authorizationUrl).searchParams.get('state')!;
      if (register) slack.codes.set(code, ACME);
      const cb = await t.admin.get(`/oauth/callback?code=${code}&state=${encodeURIComponent(state)}`);
      expect(cb.status).toBe(302);
      const location = new URL(String(cb.headers.location));
      expect(location.searchParams.get('credentialId')).toBeNull();
      return location.searchParams;
    };
    slack.failNext(1, 429, { 'retry-after': '30' }, '/api/auth.test');
    const limited = await attempt('code-429', true);
    expect(limited.get('error')).toBe('account_lookup_failed');
    expect(limited.get('error_description')).toContain('ratelimited');
    slack.failNext(1, 503, {}, '/api/auth.test');
    expect((await attempt('code-503', true)).get('error')).toBe('account_lookup_failed');
    // Slack refuses an unknown code with HTTP 200 {"ok": false, "error": "invalid_code"}.
    expect((await attempt('code-unknown', false)).get('error')).toBe('token_exchange_failed');
    expect((await user.get(`${base}/credentials`)).body.credentials).toEqual([]);
  });
});
