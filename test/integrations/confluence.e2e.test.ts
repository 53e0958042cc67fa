// Confluence end to end through the public API, on SQLite and PostgreSQL, against the fake Confluence: subscribe
// (baseline CQL search observed at the fake, nothing delivered) → a new page / a new version → the real Poller →
// exactly one signed delivery → re-polls deliver nothing more. Plus: a bad space key refused with 400 naming the
// parameter, 429 with Retry-After backing the credential off, 401 marking the credential.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Poller } from '../../src/engine/poller.js';
import { confluenceIntegration } from '../../src/integrations/confluence/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeConfluence, type FakeConfluence } from '../providers/confluence.js';

const SEC = 1000;

describe.each(DIALECTS)('Confluence end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let fake: FakeConfluence;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let poller: Poller;
  let clock: TestClock;
  let base: string;
  let credentialId: string;

  const deliveries = () => receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: any });
  const subscribe = async (type: string, parameters: Record<string, unknown> = {}) => {
    const r = await user.post(`${base}/trigger-subscriptions`, { integration: 'confluence', type, parameters });
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
    fake = await startFakeConfluence({ now: clock.now });
    fake.addPage({ id: '393229', created: clock.now() - 60_000 });
    w = await startIntegrationWorld({
      dialect,
      integration: confluenceIntegration,
      now: clock.now,
      poller: true,
      config: { clientId: 'client-1', clientSecret: 'client-secret-1', apiBaseUrl: fake.url, tokenUrl: `${fake.url}/oauth/token` },
      credential: { accessToken: 'valid-token', refreshToken: 'refresh-1', providerAccountId: fake.cloudId, extra: { cloudId: fake.cloudId } },
    });
    ({ t, receiver, project, base, user, worker } = w);
    poller = w.poller!;
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await fake.close();
  });

  it('page created: baseline not delivered, one signed delivery, no duplicate on re-poll', async () => {
    const sub = await subscribe('CONFLUENCE_TRIGGER_PAGE_CREATED', { spaceKey: 'TST' });
    const [baseline] = fake.searches();
    expect(baseline!.query.get('cql')).toMatch(/^type = page AND space = "TST" AND created >= now\("-\d+m"\) ORDER BY created ASC$/);
    await tick();
    expect(receiver.requests).toHaveLength(0);

    fake.addPage({ id: '500', title: 'Release notes', created: clock.now() });
    fake.addPage({ id: '501', spaceKey: 'OPS', created: clock.now() });
    await tick();
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({
      integration: 'confluence', triggerType: 'CONFLUENCE_TRIGGER_PAGE_CREATED', triggerSubscriptionId: sub.id, credentialId, projectId: project.id,
      payload: { id: '500', title: 'Release notes', space: { key: 'TST' } },
    });
    expectSignedDelivery(delivery!, project.signingSecret);
    await tick();
    await tick(61 * SEC);
    expect(receiver.requests).toHaveLength(1);
  });

  it('page updated: one delivery per new version', async () => {
    const sub = await subscribe('CONFLUENCE_TRIGGER_PAGE_UPDATED');
    await tick();
    fake.edit('393229', clock.now());
    await tick();
    fake.edit('393229', clock.now());
    await tick();
    await tick(61 * SEC);
    const got = deliveries();
    expect(got.map((d) => [d.triggerSubscriptionId, d.payload.id, d.payload.version.number])).toEqual([[sub.id, '393229', 2], [sub.id, '393229', 3]]);
  });

  it('delivers every page of a crowded minute read across several result pages, each once', async () => {
    await subscribe('CONFLUENCE_TRIGGER_PAGE_CREATED');
    fake.maxPageSize = 5;
    const ids = Array.from({ length: 12 }, (_, i) => fake.addPage({ id: String(600 + i), created: clock.now() }).id);
    await tick();
    await tick(61 * SEC);
    expect(deliveries().map((d) => d.payload.id).sort()).toEqual(ids.sort());
  });

  it('refuses a bad space key with 400 naming the parameter', async () => {
    const r = await user.post(`${base}/trigger-subscriptions`, { integration: 'confluence', type: 'CONFLUENCE_TRIGGER_PAGE_CREATED', parameters: { spaceKey: 'A" OR space = "B' } });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'INVALID_PARAMETER' });
    expect(r.body.message).toContain('parameters.spaceKey');
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
  });

  it('backs the credential off on 429 (Retry-After) without losing the page', async () => {
    const sub = await subscribe('CONFLUENCE_TRIGGER_PAGE_CREATED');
    const page = fake.addPage({ created: clock.now() });
    fake.failNext(1, 429, { 'retry-after': '120' });
    await tick();
    expect((await t.svc.storage.credentials.get(credentialId))!.rateLimitedUntil).toBe(clock.now() + 120_000);
    const calls = fake.requests.length;
    await tick();
    expect(fake.requests.length).toBe(calls);
    clock.advance(120_000);
    await tick();
    expect(deliveries().map((d) => [d.triggerSubscriptionId, d.payload.id])).toEqual([[sub.id, page.id]]);
  });

  it('marks the credential when Atlassian answers 401 and the token cannot be refreshed', async () => {
    await subscribe('CONFLUENCE_TRIGGER_PAGE_CREATED');
    fake.validTokens.clear();
    fake.addPage({ created: clock.now() });
    await tick();
    await tick(10 * SEC);
    expect((await t.svc.storage.credentials.get(credentialId))!.status).toBe('INVALID');
    expect(receiver.requests).toHaveLength(0);
  });
});
