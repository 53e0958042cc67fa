// Gmail end to end through the public API, on SQLite and PostgreSQL, with the real Poller and delivery
// worker against the fake Gmail: subscribe → baseline (users.getProfile) observed at the fake → mail
// arrives → history → the message fetched → exactly one signed delivery of the Message → re-poll → no
// duplicate → an expired historyId (404) recovered without loss or duplicate → unsubscribe (nothing to tear
// down at Google). Plus an expired access token refreshed, 429 / 403 usageLimits backed off, 5xx retried.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Poller } from '../../src/engine/poller.js';
import { gmailIntegration } from '../../src/integrations/gmail/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeGmail, type FakeGmail } from '../providers/gmail.js';
import { rateLimited } from '../providers/google-calendar.js';

describe.each(DIALECTS)('Gmail end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let gmail: FakeGmail;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let poller: Poller;
  let clock: TestClock;
  let base: string;
  let credentialId: string;

  const subscribe = async (parameters: Record<string, unknown> = {}) => {
    const r = await user.post(`${base}/trigger-subscriptions`, { integration: 'gmail', type: 'GMAIL_TRIGGER_NEW_EMAIL', parameters });
    expect(r.status, r.text).toBe(200);
    return r.body as { id: string };
  };
  /** One poll interval later: poll what is due, deliver what was found. */
  const tick = async () => {
    clock.advance(2000);
    await poller.runDue();
    await worker.drain();
  };
  const delivered = () => receiver.requests.map((r) => (r.json as { payload: { id: string } }).payload.id);

  beforeEach(async () => {
    clock = new TestClock(Date.now());
    gmail = await startFakeGmail({ now: clock.now });
    gmail.receive({ subject: 'before the subscription' });
    w = await startIntegrationWorld({
      dialect,
      integration: gmailIntegration,
      now: clock.now,
      poller: true,
      config: {
        clientId: 'google-client', clientSecret: 'google-client-secret', apiBaseUrl: gmail.url, tokenUrl: `${gmail.url}/token`,
      },
      credential: { accessToken: 'valid-token', refreshToken: 'valid-refresh-token', providerAccountId: 'me@example.com' },
    });
    ({ t, receiver, project, base, user, worker } = w);
    poller = w.poller!;
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await gmail.close();
  });

  it('new email: baseline, one signed delivery of the fetched message, no duplicate on re-poll, 404 recovery, unsubscribe', async () => {
    const sub = await subscribe();
    expect(gmail.requests.map((q) => [q.path, q.auth])).toEqual([['/gmail/v1/users/me/profile', 'Bearer valid-token']]);
    await tick();
    expect(receiver.requests).toHaveLength(0);

    const m = gmail.receive({ subject: 'Quarterly report', from: 'Some User <someuser@example.com>' });
    await tick();
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({
      integration: 'gmail', triggerType: 'GMAIL_TRIGGER_NEW_EMAIL', triggerSubscriptionId: sub.id, credentialId, userId: 'user-1', payload: m,
    });
    expectSignedDelivery(delivery!, project.signingSecret);
    await tick();
    expect(delivered()).toEqual([m.id]);

    // The stored historyId expires while more mail arrives: recovered from messages.list, nothing repeated.
    const missed = gmail.receive({ subject: 'while expired' });
    gmail.expireHistory();
    await tick();
    await tick();
    expect(delivered()).toEqual([m.id, missed.id]);
    const next = gmail.receive({ subject: 'after recovery' });
    await tick();
    expect(delivered()).toEqual([m.id, missed.id, next.id]);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    const calls = gmail.requests.length;
    gmail.receive({ subject: 'after unsubscribe' });
    await tick();
    expect(gmail.requests.length).toBe(calls);
    expect(delivered()).toHaveLength(3);
  });

  it('applies labelIds and query per subscription', async () => {
    const important = await subscribe({ labelIds: 'IMPORTANT' });
    const billing = await subscribe({ query: 'from:billing@example.com' });
    const a = gmail.receive({ subject: 'important', labelIds: ['INBOX', 'IMPORTANT'] });
    const b = gmail.receive({ subject: 'invoice', from: 'billing@example.com' });
    await tick();
    const got = receiver.requests.map((r) => r.json as { triggerSubscriptionId: string; payload: { id: string } });
    expect(got.filter((g) => g.triggerSubscriptionId === important.id).map((g) => g.payload.id)).toEqual([a.id]);
    expect(got.filter((g) => g.triggerSubscriptionId === billing.id).map((g) => g.payload.id)).toEqual([b.id]);
  });

  it('refreshes an expired access token and polls on', async () => {
    await subscribe();
    gmail.validTokens.delete('valid-token');
    const m = gmail.receive({ subject: 'after expiry' });
    await tick();
    expect(gmail.tokenRequests).toEqual([expect.objectContaining({ grant_type: 'refresh_token', refresh_token: 'valid-refresh-token' })]);
    expect(delivered()).toEqual([m.id]);
  });

  it('backs off on 429 and 403 usageLimits without erroring, retries 5xx, and loses nothing', async () => {
    const sub = await subscribe();
    const m = gmail.receive({ subject: 'busy' });
    gmail.failNext(1, rateLimited.userRateLimit());
    await tick();
    const paused = (await t.svc.storage.credentials.get(credentialId))!.rateLimitedUntil!;
    expect(paused).toBeGreaterThan(clock.now());
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
    const calls = gmail.requests.length;
    await tick();
    expect(gmail.requests.length).toBe(calls);
    clock.advance(paused - clock.now());
    gmail.failNext(1, rateLimited.backendError(503));
    await tick();
    expect((await t.svc.storage.subscriptions.get(sub.id))!.consecutiveFailures).toBe(1);
    clock.advance(10_000);
    await tick();
    expect(delivered()).toEqual([m.id]);
    expect((await t.svc.storage.subscriptions.get(sub.id))!.consecutiveFailures).toBe(0);
  });
});
