// Notion end to end through the public API, on SQLite and PostgreSQL, against the fake Notion: subscribe (baseline
// data source query / search observed at the fake, Notion-Version sent, nothing delivered) → a new item / an edit /
// a new page → the real Poller → exactly one signed delivery with the right envelope → re-polls deliver nothing
// more → unsubscribe (polling has nothing to tear down at Notion; the fake sees no further calls). Plus: a bad
// databaseId refused with 400 naming the parameter, an unshared database refused with the reason, an expired token
// refreshed (HTTP Basic client auth), 429 with Retry-After backing the credential off, a 5xx retried with backoff.
// (No inbound webhook exists for these triggers, so there is no signature to forge.)
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Poller } from '../../src/engine/poller.js';
import { notionIntegration } from '../../src/integrations/notion/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { NOTION_DATABASE_ID, NOTION_DATA_SOURCE_ID, startFakeNotion, type FakeNotion } from '../providers/notion.js';

const SEC = 1000;
const MIN = 60_000;

describe.each(DIALECTS)('Notion end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let notion: FakeNotion;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let poller: Poller;
  let clock: TestClock;
  let base: string;
  let credentialId: string;
  const db = { databaseId: NOTION_DATABASE_ID };

  const deliveries = () => receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: any });
  const subscribe = async (type: string, parameters: Record<string, unknown> = {}) => {
    const r = await user.post(`${base}/trigger-subscriptions`, { integration: 'notion', type, parameters });
    expect(r.status, r.text).toBe(200);
    return r.body as { id: string };
  };
  const tick = async (ms = 2 * SEC) => {
    clock.advance(ms);
    await poller.runDue();
    await worker.drain();
  };

  beforeEach(async () => {
    clock = new TestClock(Date.now());
    notion = await startFakeNotion();
    notion.addPage({ created: clock.now() - 30 * MIN, dataSourceId: NOTION_DATA_SOURCE_ID, title: 'Existing row' });
    notion.addPage({ created: clock.now() - 30 * MIN, title: 'Existing page' });
    w = await startIntegrationWorld({
      dialect,
      integration: notionIntegration,
      now: clock.now,
      poller: true,
      config: {
        clientId: 'client-1', clientSecret: 'client-secret-1', apiBaseUrl: notion.url, tokenUrl: `${notion.url}/v1/oauth/token`,
      },
      credential: { accessToken: 'valid-token', refreshToken: 'refresh-1', providerAccountId: 'ws-1' },
    });
    ({ t, receiver, project, base, user, worker } = w);
    poller = w.poller!;
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await notion.close();
  });

  it('database item created and updated: baseline at subscribe, one signed delivery each, no duplicate, nothing after unsubscribe', async () => {
    const created = await subscribe('NOTION_TRIGGER_DATABASE_ITEM_CREATED', db);
    const updated = await subscribe('NOTION_TRIGGER_DATABASE_ITEM_UPDATED', db);
    expect(notion.queries().map((q) => [q.path, q.auth, q.version])).toEqual([
      [`/v1/data_sources/${NOTION_DATA_SOURCE_ID}/query`, 'Bearer valid-token', '2025-09-03'],
      [`/v1/data_sources/${NOTION_DATA_SOURCE_ID}/query`, 'Bearer valid-token', '2025-09-03'],
    ]);
    await tick();
    expect(receiver.requests).toHaveLength(0);

    const row = notion.addPage({ created: clock.now(), dataSourceId: NOTION_DATA_SOURCE_ID, title: 'Bug bash' });
    await tick();
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({
      integration: 'notion', triggerType: 'NOTION_TRIGGER_DATABASE_ITEM_CREATED', triggerSubscriptionId: created.id, credentialId, userId: 'user-1', projectId: project.id,
      payload: { object: 'page', id: row.id, parent: { type: 'data_source_id', data_source_id: NOTION_DATA_SOURCE_ID, database_id: NOTION_DATABASE_ID } },
    });
    expectSignedDelivery(delivery!, project.signingSecret);

    clock.advance(MIN);
    notion.edit(row.id, clock.now());
    await tick();
    await tick();
    await tick();
    expect(deliveries().map((d) => [d.triggerSubscriptionId, d.payload.id])).toEqual([[created.id, row.id], [updated.id, row.id]]);

    expect((await user.delete(`${base}/trigger-subscriptions/${created.id}`)).body).toEqual({ success: true });
    expect((await user.delete(`${base}/trigger-subscriptions/${updated.id}`)).body).toEqual({ success: true });
    const calls = notion.requests.length;
    notion.addPage({ created: clock.now(), dataSourceId: NOTION_DATA_SOURCE_ID });
    await tick();
    expect(notion.requests.length).toBe(calls);
    expect(receiver.requests).toHaveLength(2);
  });

  it('page created and updated (search): one delivery per new page and per edit', async () => {
    const created = await subscribe('NOTION_TRIGGER_PAGE_CREATED');
    const updated = await subscribe('NOTION_TRIGGER_PAGE_UPDATED');
    expect(notion.requests.filter((r) => r.path === '/v1/search')).toHaveLength(2);
    const page = notion.addPage({ created: clock.now(), title: 'Launch plan' });
    const existing = notion.pages.find((p) => p.title === 'Existing page')!;
    clock.advance(MIN);
    notion.edit(existing.id, clock.now());
    await tick();
    await tick();
    const got = deliveries();
    expect(got.filter((d) => d.triggerSubscriptionId === created.id).map((d) => d.payload.id)).toEqual([page.id]);
    expect(got.filter((d) => d.triggerSubscriptionId === updated.id).map((d) => d.payload.id)).toEqual([existing.id]);
    expect(got).toHaveLength(2);
  });

  it('refuses a malformed databaseId (400, naming it) and an unshared database (422, saying why); stores nothing', async () => {
    const bad = await user.post(`${base}/trigger-subscriptions`, { type: 'NOTION_TRIGGER_DATABASE_ITEM_CREATED', parameters: { databaseId: 'my database' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'INVALID_PARAMETER' });
    expect(bad.body.message).toContain('parameters.databaseId');
    const hidden = await user.post(`${base}/trigger-subscriptions`, { type: 'NOTION_TRIGGER_DATABASE_ITEM_CREATED', parameters: { databaseId: '11111111111111111111111111111111' } });
    expect(hidden.status).toBe(422);
    expect(hidden.body.message).toContain('not shared with the integration');
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
  });

  it('refreshes an expired access token with HTTP Basic client auth and keeps polling', async () => {
    const sub = await subscribe('NOTION_TRIGGER_DATABASE_ITEM_CREATED', db);
    notion.validTokens.delete('valid-token');
    notion.refreshTokens.set('refresh-1', 'fresh-token');
    const row = notion.addPage({ created: clock.now(), dataSourceId: NOTION_DATA_SOURCE_ID });
    await tick();
    const refresh = notion.requests.filter((r) => r.path === '/v1/oauth/token');
    expect(refresh).toHaveLength(1);
    expect(refresh[0]!.auth).toBe(`Basic ${Buffer.from('client-1:client-secret-1').toString('base64')}`);
    expect(refresh[0]!.body).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'refresh-1' });
    expect(notion.queries().at(-1)!.auth).toBe('Bearer fresh-token');
    expect(deliveries().map((d) => [d.triggerSubscriptionId, d.payload.id])).toEqual([[sub.id, row.id]]);
  });

  it('backs the credential off on 429 (Retry-After) and retries a 5xx with backoff, without losing the item', async () => {
    const sub = await subscribe('NOTION_TRIGGER_DATABASE_ITEM_CREATED', db);
    const row = notion.addPage({ created: clock.now(), dataSourceId: NOTION_DATA_SOURCE_ID });
    notion.failNext(1, 429, { 'retry-after': '30' });
    await tick();
    expect((await t.svc.storage.credentials.get(credentialId))!.rateLimitedUntil).toBe(clock.now() + 30_000);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body).toMatchObject({ status: 'ACTIVE' });
    const calls = notion.requests.length;
    await tick();
    expect(notion.requests.length).toBe(calls);
    clock.advance(30_000);
    notion.failNext(1, 503);
    await tick();
    expect((await t.svc.storage.subscriptions.get(sub.id))!.consecutiveFailures).toBe(1);
    await tick(10 * SEC);
    expect(deliveries().map((d) => d.payload.id)).toEqual([row.id]);
  });
});
