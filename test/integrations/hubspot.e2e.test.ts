// HubSpot end to end through the public API, on SQLite and PostgreSQL, against the fake HubSpot: subscribe
// (baseline CRM search observed at the fake, nothing delivered) → a new record / a modified record → the real
// Poller → exactly one signed delivery with the right envelope → re-polls deliver nothing more → unsubscribe
// (polling has nothing to tear down at HubSpot; the fake sees no further calls). Plus: a bad recordType refused
// with 400 naming the parameter, an expired token (401 EXPIRED_AUTHENTICATION) refreshed at the v3 token endpoint,
// 429s with HubSpot's policies backing the credential off for the right time, a 5xx retried with backoff.
// (No inbound webhook exists for these triggers, so there is no signature to forge.)
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Poller } from '../../src/engine/poller.js';
import { hubspotIntegration } from '../../src/integrations/hubspot/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { hubspotRateLimitBodies, startFakeHubSpot, type FakeHubSpot } from '../providers/hubspot.js';

const SEC = 1000;
const MIN = 60_000;

describe.each(DIALECTS)('HubSpot end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let hubspot: FakeHubSpot;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let poller: Poller;
  let clock: TestClock;
  let base: string;
  let credentialId: string;

  const deliveries = () => receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: any });
  const subscribe = async (type: string, parameters: Record<string, unknown>) => {
    const r = await user.post(`${base}/trigger-subscriptions`, { integration: 'hubspot', type, parameters });
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
    hubspot = await startFakeHubSpot();
    hubspot.add('contacts', { created: clock.now() - 60 * MIN, props: { email: 'old@biglytics.net' } });
    hubspot.add('deals', { created: clock.now() - 60 * MIN, id: 77, props: { dealname: 'Renewal' } });
    w = await startIntegrationWorld({
      dialect,
      integration: hubspotIntegration,
      now: clock.now,
      poller: true,
      config: {
        clientId: 'client-1', clientSecret: 'client-secret-1', apiBaseUrl: hubspot.url, tokenUrl: `${hubspot.url}/oauth/v3/token`,
      },
      credential: { accessToken: 'valid-token', refreshToken: 'refresh-1', providerAccountId: '62515' },
    });
    ({ t, receiver, project, base, user, worker } = w);
    poller = w.poller!;
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await hubspot.close();
  });

  it('record created (contacts): baseline at subscribe, one signed delivery, no duplicate, nothing after unsubscribe', async () => {
    const sub = await subscribe('HUBSPOT_RECORD_CREATED', { recordType: 'contacts' });
    expect(hubspot.searches().map((s) => [s.path, s.auth, s.body.sorts[0].propertyName])).toEqual([['/crm/v3/objects/contacts/search', 'Bearer valid-token', 'createdate']]);
    await tick();
    expect(receiver.requests).toHaveLength(0);

    const c = hubspot.add('contacts', { created: clock.now(), props: { email: 'bcooper@biglytics.net', firstname: 'Bryan', lastname: 'Cooper' } });
    await tick();
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({
      integration: 'hubspot', triggerType: 'HUBSPOT_RECORD_CREATED', triggerSubscriptionId: sub.id, credentialId, userId: 'user-1', projectId: project.id,
      payload: { id: String(c.id), properties: { email: 'bcooper@biglytics.net', firstname: 'Bryan', hs_object_id: String(c.id) }, archived: false },
    });
    expectSignedDelivery(delivery!, project.signingSecret);
    await tick();
    await tick();
    expect(receiver.requests).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    const calls = hubspot.requests.length;
    hubspot.add('contacts', { created: clock.now() });
    await tick();
    expect(hubspot.requests.length).toBe(calls);
    expect(receiver.requests).toHaveLength(1);
  });

  it('record updated (deals): one delivery per new version, none for a creation', async () => {
    const sub = await subscribe('HUBSPOT_RECORD_UPDATED', { recordType: 'deals' });
    hubspot.add('deals', { created: clock.now() });
    hubspot.touch('deals', 77, clock.now() + SEC);
    await tick();
    hubspot.touch('deals', 77, clock.now() + SEC);
    await tick();
    await tick();
    expect(deliveries().map((d) => [d.triggerSubscriptionId, d.payload.id])).toEqual([[sub.id, '77'], [sub.id, '77']]);
    expect(new Set(deliveries().map((d) => d.payload.properties.hs_lastmodifieddate)).size).toBe(2);
  });

  it('refuses a bad recordType, naming the parameter, and stores nothing', async () => {
    const r = await user.post(`${base}/trigger-subscriptions`, { type: 'HUBSPOT_RECORD_CREATED', parameters: { recordType: 'contact' } });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'INVALID_PARAMETER' });
    expect(r.body.message).toContain('parameters.recordType');
    expect(hubspot.searches()).toHaveLength(0);
  });

  it('refreshes an expired access token at the v3 token endpoint and keeps polling', async () => {
    const sub = await subscribe('HUBSPOT_RECORD_CREATED', { recordType: 'contacts' });
    hubspot.validTokens.delete('valid-token');
    hubspot.refreshTokens.set('refresh-1', 'fresh-token');
    const c = hubspot.add('contacts', { created: clock.now() });
    await tick();
    expect(hubspot.requests.filter((r) => r.path === '/oauth/v3/token').map((r) => r.body)).toEqual([
      expect.objectContaining({ grant_type: 'refresh_token', refresh_token: 'refresh-1', client_id: 'client-1', client_secret: 'client-secret-1' }),
    ]);
    expect(hubspot.searches().at(-1)!.auth).toBe('Bearer fresh-token');
    expect(deliveries().map((d) => [d.triggerSubscriptionId, d.payload.id])).toEqual([[sub.id, String(c.id)]]);
  });

  it('backs the credential off per HubSpot policy on 429 and retries a 5xx with backoff, without losing the record', async () => {
    const sub = await subscribe('HUBSPOT_RECORD_CREATED', { recordType: 'contacts' });
    const c = hubspot.add('contacts', { created: clock.now() });
    hubspot.failNext(1, 429, { 'x-hubspot-ratelimit-interval-milliseconds': '10000', 'x-hubspot-ratelimit-max': '110', 'x-hubspot-ratelimit-remaining': '0' }, hubspotRateLimitBodies.tenSecondly);
    await tick();
    expect((await t.svc.storage.credentials.get(credentialId))!.rateLimitedUntil).toBe(clock.now() + 10_000);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body).toMatchObject({ status: 'ACTIVE' });
    clock.advance(10_000);
    hubspot.failNext(1, 429, {}, hubspotRateLimitBodies.daily);
    await tick();
    expect((await t.svc.storage.credentials.get(credentialId))!.rateLimitedUntil).toBe(clock.now() + 3_600_000);
    const calls = hubspot.requests.length;
    await tick(30 * MIN);
    expect(hubspot.requests.length).toBe(calls);
    clock.advance(30 * MIN);
    hubspot.failNext(1, 502);
    await tick();
    expect((await t.svc.storage.subscriptions.get(sub.id))!.consecutiveFailures).toBe(1);
    await tick(10 * SEC);
    expect(deliveries().map((d) => d.payload.id)).toEqual([String(c.id)]);
  });
});
