// Linear, source level: webhookCreate / webhookDelete / toItems against the fake Linear over real HTTP, and the
// signature scheme against Linear's own rule (@linear/sdk LinearWebhookClient.verify: hex HMAC-SHA256 of the
// raw body, |now − webhookTimestamp| ≤ 60 s), transcribed in test/providers/linear.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { linearEvents, teamId } from '../../src/integrations/linear/fixtures/events.js';
import { linearIntegration, linearSignatureScheme } from '../../src/integrations/linear/integration.js';
import {
  schemeProblems,
  signRequest,
  verifyRequest,
  type InboundRequest,
  type Logger,
  type RegisterContext,
  type WebhookContext,
  type WebhookSource,
} from '../../src/sdk/index.js';
import { linearSignature, startFakeLinear, type FakeLinear, type LinearDelivery } from '../providers/linear.js';

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined };
const hookUrl = 'http://127.0.0.1:9/hooks/s/00000000-0000-4000-8000-000000000002';
const ourSecret = 'f'.repeat(64);

function source(type: string): WebhookSource<{ teamId?: string }> {
  const t = linearIntegration.triggers.find((x) => x.type === type);
  if (!t || t.source.kind !== 'webhook') throw new Error(`no webhook trigger ${type}`);
  return t.source;
}

function inbound(d: LinearDelivery): InboundRequest {
  return { method: 'POST', url: new URL(d.url).pathname, headers: { ...d.headers }, rawBody: Buffer.from(d.body), body: JSON.parse(d.body) };
}

describe('Linear signature scheme', () => {
  const body = '{"action":"create","type":"Issue","webhookTimestamp":1700000000000}';
  const req = (sig: string | undefined, raw = body): InboundRequest => ({
    method: 'POST', url: '/hooks/s/x', headers: sig === undefined ? {} : { 'linear-signature': sig }, rawBody: Buffer.from(raw), body: JSON.parse(raw),
  });

  it('is well-formed and matches the fact-sheet vector', () => {
    expect(schemeProblems(linearSignatureScheme)).toEqual([]);
    const expected = 'bc8166452d75bb104f41b0c8b0f168b4d57cd224618779163f15a1f93cc87b30';
    expect(linearSignature(body, 'lin_wh_test_secret')).toBe(expected);
    expect(verifyRequest(linearSignatureScheme, req(expected), { secret: 'lin_wh_test_secret' }, 1700000000000)).toEqual({ ok: true });
    expect(signRequest(linearSignatureScheme, req(undefined), { secret: 'lin_wh_test_secret' }, 0)).toEqual({ 'linear-signature': expected });
  });

  it('enforces the one-minute webhookTimestamp window both ways, and rejects tampering and missing signatures', () => {
    const sig = linearSignature(body, 's');
    expect(verifyRequest(linearSignatureScheme, req(sig), { secret: 's' }, 1700000000000 + 60_000).ok).toBe(true);
    expect(verifyRequest(linearSignatureScheme, req(sig), { secret: 's' }, 1700000000000 + 61_000)).toMatchObject({ ok: false, reason: 'stale_timestamp' });
    expect(verifyRequest(linearSignatureScheme, req(sig), { secret: 's' }, 1700000000000 - 61_000)).toMatchObject({ ok: false, reason: 'stale_timestamp' });
    expect(verifyRequest(linearSignatureScheme, req(sig, body.replace('Issue', 'Comment')), { secret: 's' }, 1700000000000)).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(verifyRequest(linearSignatureScheme, req(undefined), { secret: 's' }, 1700000000000)).toMatchObject({ ok: false, reason: 'missing_signature' });
    const noTs = '{"action":"create"}';
    expect(verifyRequest(linearSignatureScheme, req(linearSignature(noTs, 's'), noTs), { secret: 's' }, 1700000000000)).toMatchObject({ ok: false, reason: 'malformed' });
  });
});

describe('Linear triggers against the fake Linear', () => {
  let fake: FakeLinear;
  const ctxWith = (token: string, params: { teamId?: string } = {}): Omit<RegisterContext<{ teamId?: string }>, 'hookUrl' | 'secret'> => ({
    http: createProviderHttp({
      integration: linearIntegration,
      apiBaseUrl: fake.url,
      auth: { canRefresh: false, headers: async () => ({ authorization: `Bearer ${token}` }) },
    }),
    params,
    credential: { id: 'cred-1', providerAccountId: fake.organizationId, extra: {} },
    log: silent,
    signal: new AbortController().signal,
    now: Date.now,
  });

  beforeEach(async () => {
    fake = await startFakeLinear();
  });
  afterEach(async () => {
    await fake.close();
  });

  it('declares the binding trigger types with the optional teamId parameter', () => {
    expect(linearIntegration.triggers.map((t) => t.type)).toEqual([
      'LINEAR_TRIGGER_ISSUE_CREATED', 'LINEAR_TRIGGER_ISSUE_UPDATED', 'LINEAR_TRIGGER_COMMENT_CREATED', 'LINEAR_TRIGGER_ISSUE_REMOVED',
    ]);
    for (const t of linearIntegration.triggers) {
      expect(t.parameters.map((p) => [p.id, p.type, p.required])).toEqual([['teamId', 'TEXT', false]]);
      expect(t.docsUrl).toBe('https://linear.app/developers/webhooks');
    }
    const teamParam = linearIntegration.triggers[0]!.parameters[0]!;
    expect(teamParam.validate?.(teamId)).toBeNull();
    expect(teamParam.validate?.('x y')).toMatch(/team id/);
  });

  it('finds the organization as the provider account', async () => {
    const r = await linearIntegration.accountId!({ http: ctxWith('lin_oauth_valid').http, token: { accessToken: 'lin_oauth_valid' } });
    expect(r).toEqual({ providerAccountId: fake.organizationId, extra: { organizationName: 'Company', urlKey: 'company', viewerId: 'a1b2c3d4-0000-4000-8000-000000000001' } });
  });

  it('creates a team webhook with our secret for the Issue resource, maps only issue creations, and deletes it', async () => {
    const s = source('LINEAR_TRIGGER_ISSUE_CREATED');
    const base = ctxWith('lin_oauth_valid', { teamId });
    const reg = await s.register({ ...base, hookUrl, secret: ourSecret });
    const [hook] = [...fake.webhooks.values()];
    expect(hook).toMatchObject({ url: hookUrl, resourceTypes: ['Issue'], teamId, allPublicTeams: false, secret: ourSecret, enabled: true });
    expect(reg).toEqual({ state: { webhookId: hook!.id }, secret: ourSecret });
    expect(fake.requests[0]).toMatchObject({ operation: 'webhookCreate', auth: 'Bearer lin_oauth_valid' });

    const ctx: WebhookContext<{ teamId?: string }> = { ...base, state: reg.state };
    const d = fake.buildDelivery(hook!.id, linearEvents.issueCreated);
    const req = inbound(d);
    expect(verifyRequest(linearSignatureScheme, req, { secret: reg.secret! }, Date.now())).toEqual({ ok: true });
    expect(s.deliveryId?.(req)).toBe(d.deliveryId);
    const items = await s.toItems(req, ctx);
    expect(items).toEqual([{ key: `Issue:${linearEvents.issueCreated.data.id}:create`, payload: JSON.parse(d.body), occurredAt: Date.parse(linearEvents.issueCreated.createdAt) }]);
    // A retry of the same delivery carries a new webhookTimestamp (and signature) but maps to the same key.
    const retry = inbound(fake.buildDelivery(hook!.id, linearEvents.issueCreated, { deliveryId: d.deliveryId, timestampMs: Date.now() + 5_000 }));
    expect(s.deliveryId?.(retry)).toBe(d.deliveryId);
    expect((await s.toItems(retry, ctx) as Array<{ key: string }>).map((i) => i.key)).toEqual([`Issue:${linearEvents.issueCreated.data.id}:create`]);
    // Other actions and resources are not this trigger's events; another team's issue neither.
    expect(await s.toItems(inbound(fake.buildDelivery(hook!.id, linearEvents.issueUpdated)), ctx)).toEqual([]);
    expect(await s.toItems(inbound(fake.buildDelivery(hook!.id, linearEvents.commentCreated)), ctx)).toEqual([]);
    const otherTeam = { ...linearEvents.issueCreated, data: { ...linearEvents.issueCreated.data, teamId: 'another-team' } };
    expect(await s.toItems(inbound(fake.buildDelivery(hook!.id, otherTeam)), ctx)).toEqual([]);

    await s.unregister(ctx);
    expect(fake.webhooks.size).toBe(0);
    expect(fake.requests.at(-1)).toMatchObject({ operation: 'webhookDelete', variables: { id: hook!.id } });
    // Already deleted at Linear: nothing to do, not an error.
    await expect(s.unregister(ctx)).resolves.toBeUndefined();
  });

  it('uses all public teams without teamId, and keys updates by the issue version', async () => {
    const s = source('LINEAR_TRIGGER_ISSUE_UPDATED');
    const base = ctxWith('lin_oauth_valid');
    const reg = await s.register({ ...base, hookUrl, secret: ourSecret });
    const hook = fake.webhooks.get(reg.state.webhookId as string)!;
    expect(hook).toMatchObject({ teamId: null, allPublicTeams: true, resourceTypes: ['Issue'] });
    const ctx = { ...base, state: reg.state };
    const first = await s.toItems(inbound(fake.buildDelivery(hook.id, linearEvents.issueUpdated)), ctx);
    const later = { ...linearEvents.issueUpdated, data: { ...linearEvents.issueUpdated.data, updatedAt: '2020-01-23T15:00:00.000Z' } };
    const second = await s.toItems(inbound(fake.buildDelivery(hook.id, later)), ctx);
    const id = linearEvents.issueUpdated.data.id;
    expect((first as Array<{ key: string }>).map((i) => i.key)).toEqual([`Issue:${id}:update:2020-01-23T13:10:02.511Z`]);
    expect((second as Array<{ key: string }>).map((i) => i.key)).toEqual([`Issue:${id}:update:2020-01-23T15:00:00.000Z`]);
    expect((first as Array<{ payload: any }>)[0]!.payload.updatedFrom).toEqual(linearEvents.issueUpdated.updatedFrom);
  });

  it('subscribes comment creation to the Comment resource', async () => {
    const s = source('LINEAR_TRIGGER_COMMENT_CREATED');
    const base = ctxWith('lin_oauth_valid');
    const reg = await s.register({ ...base, hookUrl, secret: ourSecret });
    expect(fake.webhooks.get(reg.state.webhookId as string)?.resourceTypes).toEqual(['Comment']);
    const items = await s.toItems(inbound(fake.buildDelivery(reg.state.webhookId as string, linearEvents.commentCreated)), { ...base, state: reg.state });
    expect((items as Array<{ key: string }>).map((i) => i.key)).toEqual([`Comment:${linearEvents.commentCreated.data.id}:create`]);
    expect(await s.toItems(inbound(fake.buildDelivery(reg.state.webhookId as string, linearEvents.issueCreated)), { ...base, state: reg.state })).toEqual([]);
  });

  it('maps Linear errors: unknown team → permanent with the reason, no admin scope → permanent, RATELIMITED → rate_limited with the reset, bad token → auth', async () => {
    const s = source('LINEAR_TRIGGER_ISSUE_CREATED');
    await expect(s.register({ ...ctxWith('lin_oauth_valid', { teamId: 'no-such-team' }), hookUrl, secret: ourSecret })).rejects.toMatchObject({
      kind: 'permanent', message: expect.stringContaining('Could not find referenced Team'),
    });
    fake.tokens.set('lin_read_only', ['read']);
    await expect(s.register({ ...ctxWith('lin_read_only'), hookUrl, secret: ourSecret })).rejects.toMatchObject({ kind: 'permanent', message: expect.stringContaining('admin') });
    fake.rateLimitNext(1, 30_000);
    const limited = await s.register({ ...ctxWith('lin_oauth_valid'), hookUrl, secret: ourSecret }).catch((e: unknown) => e);
    expect(limited).toMatchObject({ kind: 'rate_limited' });
    expect((limited as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(25_000);
    await expect(s.register({ ...ctxWith('lin_expired'), hookUrl, secret: ourSecret })).rejects.toMatchObject({ kind: 'auth', status: 401 });
    fake.failNext(1, 503);
    await expect(s.register({ ...ctxWith('lin_oauth_valid'), hookUrl, secret: ourSecret })).rejects.toMatchObject({ kind: 'transient', status: 503 });
    expect(fake.webhooks.size).toBe(0);
  });
});
