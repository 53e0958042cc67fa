// Contentful end to end through the public API, on SQLite and PostgreSQL: subscribe → a webhook definition at the
// fake Contentful (our per-subscription URL, the trigger's one topic, filters, our secret header marked secret; the
// personal access token as Bearer, the CMA media type) → a delivery carrying the header → one event at the receiver
// → a retry of the same delivery adds nothing → unsubscribe deletes the definition. Plus filters honoured, wrong or
// missing secrets refused (401, nothing stored), errors mapped at subscribe time, the hourly check re-creating a
// deleted or disabled webhook, and an OAuth app's token through the connect flow.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import { assetPublished, entryCreated, entryPublished, entryUnpublished } from '../../src/integrations/contentful/fixtures/events.js';
import { contentfulIntegration } from '../../src/integrations/contentful/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeContentful, type ContentfulHook, type FakeContentful } from '../providers/contentful.js';

const SPACE = 'yadj1kx9rmg0';

describe.each(DIALECTS)('Contentful end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let cf: FakeContentful;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribed = async (type: string, parameters: Record<string, unknown> = { spaceId: SPACE }) => subscriptionOf(await w.subscribe(type, parameters));
  const hookFor = (subscriptionId: string): ContentfulHook | undefined => [...cf.hooks.values()].find((h) => h.url === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    cf = await startFakeContentful();
    w = await startIntegrationWorld({
      dialect,
      integration: contentfulIntegration,
      config: { apiBaseUrl: cf.apiBaseUrl },
      credential: { apiKey: cf.token, providerAccountId: cf.userId },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await cf.close();
  });

  it('entry published: definition created with a secret header, one delivery, retry deduplicated, deleted on unsubscribe', async () => {
    const sub = await subscribed('CONTENTFUL_TRIGGER_ENTRY_PUBLISHED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ spaceId: SPACE, topics: ['Entry.publish'], filters: [], active: true });
    const secret = cf.secretOf(hook.id)!;
    expect(secret).toMatch(/.{16,}/);
    const post = cf.requests.find((r) => r.method === 'POST')!;
    expect(post).toMatchObject({ path: `/spaces/${SPACE}/webhook_definitions`, auth: `Bearer ${cf.token}`, contentType: 'application/vnd.contentful.management.v1+json' });
    expect(post.body).toEqual({
      name: 'OpenTriggers Entry.publish', url: `${t.url}/hooks/s/${sub.id}`, topics: ['Entry.publish'], filters: [],
      headers: [{ key: 'X-OpenTriggers-Secret', value: secret, secret: true }], active: true,
    });

    expect((await cf.deliver(hook.id, 'Entry.publish', entryPublished))!.status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      integration: 'contentful', triggerType: 'CONTENTFUL_TRIGGER_ENTRY_PUBLISHED', triggerSubscriptionId: sub.id, credentialId, projectId: project.id,
      payload: entryPublished,
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // Contentful retries the same call: acknowledged, nothing new. The next published version is a new event.
    expect((await cf.deliver(hook.id, 'Entry.publish', entryPublished))!.status).toBe(200);
    const republished = { ...entryPublished, sys: { ...entryPublished.sys, version: 4, publishedVersion: 3 } };
    expect((await cf.deliver(hook.id, 'Entry.publish', republished))!.status).toBe(200);
    await worker.drain();
    await receiver.waitFor(2);
    expect(await w.events()).toHaveLength(2);
    // Another topic is not sent to this webhook at all.
    expect(await cf.deliver(hook.id, 'Entry.unpublish', entryUnpublished)).toBeNull();

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(cf.hooks.size).toBe(0);
    expect(cf.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
    expect(cf.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/spaces/${SPACE}/webhook_definitions/${hook.id}` });
  });

  it('environment and content type filters reach Contentful; created, unpublished and asset triggers deliver their own events', async () => {
    const created = hookFor((await subscribed('CONTENTFUL_TRIGGER_ENTRY_CREATED', { spaceId: SPACE, environmentId: 'master', contentTypeId: 'hfM9RCJIk0wIm06WkEOQY' })).id)!;
    expect(created.filters).toEqual([
      { equals: [{ doc: 'sys.environment.sys.id' }, 'master'] },
      { equals: [{ doc: 'sys.contentType.sys.id' }, 'hfM9RCJIk0wIm06WkEOQY'] },
    ]);
    const otherType = { ...entryCreated, sys: { ...entryCreated.sys, id: 'other', contentType: { sys: { type: 'Link', linkType: 'ContentType', id: 'author' } } } };
    expect(await cf.deliver(created.id, 'Entry.create', otherType)).toBeNull();
    const unpublished = hookFor((await subscribed('CONTENTFUL_TRIGGER_ENTRY_UNPUBLISHED')).id)!;
    const asset = hookFor((await subscribed('CONTENTFUL_TRIGGER_ASSET_PUBLISHED', { spaceId: SPACE, environmentId: 'master' })).id)!;
    expect((await cf.deliver(created.id, 'Entry.create', entryCreated))!.status).toBe(200);
    expect((await cf.deliver(unpublished.id, 'Entry.unpublish', entryUnpublished))!.status).toBe(200);
    expect((await cf.deliver(asset.id, 'Asset.publish', assetPublished))!.status).toBe(200);
    await worker.drain();
    const sent = await receiver.waitFor(3);
    expect(sent.map((s) => (s.json as { triggerType: string }).triggerType).sort()).toEqual([
      'CONTENTFUL_TRIGGER_ASSET_PUBLISHED', 'CONTENTFUL_TRIGGER_ENTRY_CREATED', 'CONTENTFUL_TRIGGER_ENTRY_UNPUBLISHED',
    ]);
  });

  it("refuses a wrong secret, another webhook's secret and a missing header with 401, storing nothing", async () => {
    const hook = hookFor((await subscribed('CONTENTFUL_TRIGGER_ENTRY_PUBLISHED')).id)!;
    const other = hookFor((await subscribed('CONTENTFUL_TRIGGER_ENTRY_PUBLISHED')).id)!;
    expect((await cf.deliver(hook.id, 'Entry.publish', entryPublished, { headers: { 'X-OpenTriggers-Secret': 'not-the-secret' } }))!.status).toBe(401);
    expect((await cf.deliver(hook.id, 'Entry.publish', entryPublished, { headers: { 'X-OpenTriggers-Secret': cf.secretOf(other.id)! } }))!.status).toBe(401);
    expect((await cf.deliver(hook.id, 'Entry.publish', entryPublished, { headers: { 'X-OpenTriggers-Secret': undefined } }))!.status).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('refuses bad ids naming the field, and maps errors at subscribe time storing nothing', async () => {
    const bad = await w.subscribe('CONTENTFUL_TRIGGER_ENTRY_PUBLISHED', { spaceId: '../users/me' });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(bad.status).toBeLessThan(500);
    expect(bad.text).toContain('spaceId');

    const unknown = await w.subscribe('CONTENTFUL_TRIGGER_ENTRY_PUBLISHED', { spaceId: 'nosuchspace' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toContain('The resource could not be found.');
    cf.failNext(1, 422, { sys: { type: 'Error', id: 'ValidationFailed' }, message: 'Validation error', details: { errors: [{ name: 'invalid', path: ['url'] }] } });
    const r422 = await w.subscribe('CONTENTFUL_TRIGGER_ENTRY_PUBLISHED', { spaceId: SPACE });
    expect(r422.status).toBe(422);
    expect(r422.body.message).toContain('Validation error (ValidationFailed)');
    cf.failNext(1, 429, { sys: { type: 'Error', id: 'RateLimitExceeded' }, message: 'You have exceeded the rate limit of the Organization' }, { 'x-contentful-ratelimit-reset': '2' });
    expect((await w.subscribe('CONTENTFUL_TRIGGER_ENTRY_PUBLISHED', { spaceId: SPACE })).status).toBe(429);
    cf.failNext(1, 503);
    expect((await w.subscribe('CONTENTFUL_TRIGGER_ENTRY_PUBLISHED', { spaceId: SPACE })).status).toBe(502);
    cf.failNext(1, 401, { sys: { type: 'Error', id: 'AccessTokenInvalid' }, message: 'The access token you sent could not be found or is invalid.' });
    const r401 = await w.subscribe('CONTENTFUL_TRIGGER_ENTRY_PUBLISHED', { spaceId: SPACE });
    expect(r401.status).toBeGreaterThanOrEqual(400);
    expect(r401.text).not.toContain(cf.token);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(cf.hooks.size).toBe(0);
  });

  it('checks the webhook every hour: one deleted or disabled in Contentful is created again and delivers', async () => {
    const sub = await subscribed('CONTENTFUL_TRIGGER_ENTRY_PUBLISHED', { spaceId: SPACE, environmentId: 'master' });
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });

    const first = hookFor(sub.id)!;
    const before = cf.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(cf.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /spaces/${SPACE}/webhook_definitions/${first.id}`]);

    cf.hooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect([second.id === first.id, cf.secretOf(second.id) === cf.secretOf(first.id), second.filters.length]).toEqual([false, false, 1]);

    second.active = false;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const third = hookFor(sub.id)!;
    expect([third.id === second.id, third.active]).toEqual([false, true]);
    expect(cf.deletedHooks.map((h) => h.id)).toEqual([second.id]);

    expect((await cf.deliver(third.id, 'Entry.publish', entryPublished, { headers: { 'X-OpenTriggers-Secret': cf.secretOf(first.id)! } }))!.status).toBe(401);
    expect((await cf.deliver(third.id, 'Entry.publish', entryPublished))!.status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });
});

// The same triggers through a Contentful OAuth application: connected through the connect flow (authorization at
// be.contentful.com with content_management_manage, code exchanged at the fake's /oauth/token), the token sent as
// Bearer; a token granted only content_management_read is refused when creating the webhook (403), nothing left.
describe.each(DIALECTS)('Contentful with an OAuth application, end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let cf: FakeContentful;
  const hookFor = (subscriptionId: string): ContentfulHook | undefined => [...cf.hooks.values()].find((h) => h.url === `${w.t.url}/hooks/s/${subscriptionId}`);
  const subscribeWith = (credentialId: string) => w.subscribe('CONTENTFUL_TRIGGER_ENTRY_PUBLISHED', { spaceId: SPACE }, { 'x-paragon-credential': credentialId });

  async function connect(token: string, scope?: string): Promise<string> {
    const start = await w.user.post(`${w.base}/connect/contentful`, { redirectUrl: 'https://app.example.com/connected' });
    expect(start.status, start.text).toBe(200);
    const authorizationUrl = new URL(start.body.authorizationUrl);
    expect(`${authorizationUrl.origin}${authorizationUrl.pathname}`).toBe('https://be.contentful.com/oauth/authorize');
    expect(Object.fromEntries(authorizationUrl.searchParams)).toMatchObject({ client_id: cf.clientId, scope: 'content_management_manage', response_type: 'code' });
    cf.codes.set('cf-code-1', { token, scope: scope ?? authorizationUrl.searchParams.get('scope')! });
    const cb = await w.t.admin.get(`/oauth/callback?code=cf-code-1&state=${encodeURIComponent(authorizationUrl.searchParams.get('state')!)}`);
    expect(cb.status, cb.text).toBe(302);
    return new URL(String(cb.headers.location)).searchParams.get('credentialId')!;
  }

  beforeEach(async () => {
    cf = await startFakeContentful();
    w = await startIntegrationWorld({
      dialect,
      integration: contentfulIntegration,
      config: { apiBaseUrl: cf.apiBaseUrl, tokenUrl: cf.tokenUrl, clientId: cf.clientId, clientSecret: cf.clientSecret },
      credential: { apiKey: cf.token, providerAccountId: 'key-account' },
    });
  });
  afterEach(async () => {
    await w.close();
    await cf.close();
  });

  it('connects through OAuth (account from /users/me), creates the webhook with the token and receives events', async () => {
    const listed = (await w.t.admin.get(`/admin/v1/projects/${w.project.id}/integrations`)).body.integrations.find((i: { integration: string }) => i.integration === 'contentful');
    expect(listed).toMatchObject({ authKind: 'apiKey', authKinds: ['apiKey', 'oauth2'] });

    const oauthId = await connect('cf-oauth-token-1');
    expect(cf.tokenRequests).toEqual([expect.objectContaining({ grant_type: 'authorization_code', code: 'cf-code-1', client_id: cf.clientId, client_secret: cf.clientSecret })]);
    expect(await w.t.svc.storage.credentials.get(oauthId)).toMatchObject({ providerAccountId: cf.userId, secrets: { accessToken: 'cf-oauth-token-1' } });

    const sub = subscriptionOf(await subscribeWith(oauthId));
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId: oauthId });
    expect(cf.requests.find((r) => r.method === 'POST')).toMatchObject({ path: `/spaces/${SPACE}/webhook_definitions`, auth: 'Bearer cf-oauth-token-1' });
    const hook = hookFor(sub.id)!;
    expect((await cf.deliver(hook.id, 'Entry.publish', entryPublished, { headers: { 'X-OpenTriggers-Secret': 'wrong' } }))!.status).toBe(401);
    expect((await cf.deliver(hook.id, 'Entry.publish', entryPublished))!.status).toBe(200);
    await w.worker.drain();
    expect((await w.receiver.waitFor(1))[0]!.json).toMatchObject({ triggerType: 'CONTENTFUL_TRIGGER_ENTRY_PUBLISHED', credentialId: oauthId, payload: entryPublished });

    // The personal access token credential still works, as Bearer <token>.
    const keySub = subscriptionOf(await subscribeWith(w.credentialId!));
    expect(keySub.credentialId).toBe(w.credentialId);
    expect(cf.requests.at(-1)).toMatchObject({ method: 'POST', auth: `Bearer ${cf.token}` });
  });

  it('a read-only token is refused when creating the webhook (403 AccessDenied), nothing left behind', async () => {
    const oauthId = await connect('cf-oauth-token-2', 'content_management_read');
    const r = await subscribeWith(oauthId);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.text).toContain('AccessDenied');
    expect(r.text).not.toContain('cf-oauth-token-2');
    expect(cf.hooks.size).toBe(0);
  });
});
