// Google Contacts end to end through the public API, on SQLite and PostgreSQL, with the real Poller and
// delivery worker against the fake People API: subscribe → baseline (full sync, existing contacts not
// delivered) → new, changed and deleted contacts delivered once, signed → unsubscribe stops polling; an
// expired sync token re-read in full without re-delivering old contacts; 429 backed off; an expired access
// token refreshed, a revoked one marking the credential INVALID.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Poller } from '../../src/engine/poller.js';
import { googleContactsIntegration } from '../../src/integrations/googleContacts/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { rateLimited } from '../providers/google-calendar.js';
import { startFakeGoogleContacts, type FakeGoogleContacts } from '../providers/googleContacts.js';

const CREATED = 'GOOGLE_CONTACTS_TRIGGER_CONTACT_CREATED';
const UPDATED = 'GOOGLE_CONTACTS_TRIGGER_CONTACT_UPDATED';
const DELETED = 'GOOGLE_CONTACTS_TRIGGER_CONTACT_DELETED';
const DAY = 86_400_000;

describe.each(DIALECTS)('Google Contacts end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let g: FakeGoogleContacts;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let poller: Poller;
  let clock: TestClock;
  let base: string;
  let credentialId: string;

  const tick = async (ms = 60_000) => {
    clock.advance(ms);
    await poller.runDue();
    await worker.drain();
  };
  const delivered = () => receiver.requests.map((r) => r.json as { triggerType: string; payload: { resourceName: string } });

  beforeEach(async () => {
    clock = new TestClock(Date.now());
    g = await startFakeGoogleContacts({ now: clock.now });
    w = await startIntegrationWorld({
      dialect,
      integration: googleContactsIntegration,
      now: clock.now,
      poller: true,
      config: { clientId: 'google-client', clientSecret: 'google-client-secret', apiBaseUrl: g.url, tokenUrl: `${g.url}/token` },
      credential: { accessToken: 'valid-token', refreshToken: 'valid-refresh-token', providerAccountId: 'lpage@example.com' },
    });
    ({ t, receiver, project, base, user, worker } = w);
    poller = w.poller!;
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await g.close();
  });

  it('baseline delivers nothing; created, updated and deleted contacts each delivered once, signed; unsubscribe stops polling', async () => {
    g.create('old', {}, clock.now() - 30 * DAY);
    g.create('other', {}, clock.now() - DAY);
    const created = subscriptionOf(await w.subscribe(CREATED, {}));
    const updated = subscriptionOf(await w.subscribe(UPDATED, {}));
    const deleted = subscriptionOf(await w.subscribe(DELETED, {}));
    await tick();
    expect(receiver.requests).toHaveLength(0);

    g.create('new-1', { name: 'Grace Hopper', email: 'grace@example.com' });
    await tick();
    await receiver.waitFor(2);
    const first = receiver.requests.find((r) => (r.json as { triggerType: string }).triggerType === CREATED)!;
    expect(first.json).toMatchObject({
      integration: 'googleContacts', triggerType: CREATED, triggerSubscriptionId: created.id, credentialId,
      payload: { resourceName: 'people/new-1', names: [{ displayName: 'Grace Hopper' }], emailAddresses: [{ value: 'grace@example.com' }] },
    });
    expectSignedDelivery(first, project.signingSecret);

    g.update('old', { org: 'Navy' });
    g.remove('other');
    await tick();
    await tick();
    expect(delivered().map((d) => [d.triggerType, d.payload.resourceName]).sort()).toEqual(
      [[CREATED, 'people/new-1'], [UPDATED, 'people/new-1'], [UPDATED, 'people/old'], [DELETED, 'people/other']].sort(),
    );
    expect(receiver.requests.find((r) => (r.json as { triggerType: string }).triggerType === DELETED)!.json).toMatchObject({
      triggerSubscriptionId: deleted.id, payload: { metadata: { deleted: true } },
    });
    expect(receiver.requests.filter((r) => (r.json as { triggerType: string }).triggerType === UPDATED).every((r) => (r.json as { triggerSubscriptionId: string }).triggerSubscriptionId === updated.id)).toBe(true);

    for (const s of [created, updated, deleted]) expect((await user.delete(`${base}/trigger-subscriptions/${s.id}`)).body).toEqual({ success: true });
    const calls = g.requests.length;
    g.create('after');
    await tick(60 * 60_000);
    expect(g.requests.length).toBe(calls);
    expect(receiver.requests).toHaveLength(4);
  });

  it('an expired sync token: a full read again, old contacts not delivered, contacts added meanwhile delivered once', async () => {
    g.create('old', {}, clock.now() - 30 * DAY);
    const sub = subscriptionOf(await w.subscribe(CREATED, {}));
    await tick();
    g.syncTokenLifetimeMs = 0; // the next sync request finds its token expired
    g.create('meanwhile');
    await tick();
    expect(delivered().map((d) => d.payload.resourceName)).toEqual(['people/meanwhile']);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
    expect(g.listCalls().some((q) => q.syncToken === undefined && q.pageToken === undefined)).toBe(true);
  });

  it('backs off on 429 without erroring, and loses nothing', async () => {
    const sub = subscriptionOf(await w.subscribe(CREATED, {}));
    g.create('busy');
    g.failNext(1, rateLimited.tooMany(120));
    await tick();
    expect((await t.svc.storage.credentials.get(credentialId))!.rateLimitedUntil).toBe(clock.now() + 120_000);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
    expect(receiver.requests).toHaveLength(0);
    await tick(120_000);
    expect(delivered().map((d) => d.payload.resourceName)).toEqual(['people/busy']);
  });

  it('401: refreshes an expired token and polls on; a revoked refresh token marks the credential INVALID', async () => {
    const sub = subscriptionOf(await w.subscribe(CREATED, {}));
    g.validTokens.delete('valid-token');
    g.create('after-expiry');
    await tick();
    expect(g.tokenRequests).toEqual([expect.objectContaining({ grant_type: 'refresh_token', refresh_token: 'valid-refresh-token' })]);
    expect(delivered().map((d) => d.payload.resourceName)).toEqual(['people/after-expiry']);

    g.validTokens.clear();
    g.refreshTokens.clear();
    await tick();
    expect((await t.svc.storage.credentials.get(credentialId))!.status).toBe('INVALID');
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ERRORED');
    const logs = JSON.stringify((await t.admin.get(`/admin/v1/projects/${project.id}/subscriptions/${sub.id}/logs`)).body);
    expect(logs).not.toContain('valid-refresh-token');
  });
});
