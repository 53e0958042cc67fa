// DocuSign end to end through the public API, on SQLite and PostgreSQL, against the fake DocuSign on the account's
// own API server (the project's apiBaseUrl keeps the `{server}` and `{accountId}` placeholders, filled from the
// credential's account parameters): subscribe (baseline listing observed at the fake with the Bearer token,
// nothing delivered) → an envelope completes / is sent / declined / voided → the real Poller on a test clock →
// exactly one signed delivery each → re-polls deliver nothing more → unsubscribe stops the polls. Plus: account
// parameters refused when they are not one label, DocuSign's refusal at subscribe time (422), a rate limit
// backing the credential off until X-RateLimit-Reset, a 5xx retried, and a revoked token marking the credential
// INVALID and the subscription ERRORED. (No inbound webhook exists for these triggers: there is no signature to forge.)
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Poller } from '../../src/engine/poller.js';
import { docusignIntegration } from '../../src/integrations/docusign/integration.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestService } from '../helpers/service.js';
import { DOCUSIGN_ACCOUNT, DOCUSIGN_SERVER, startFakeDocuSign, type FakeDocuSign } from '../providers/docusign.js';

const SEC = 1000;

describe.each(DIALECTS)('DocuSign end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let ds: FakeDocuSign;
  let receiver: FakeReceiver;
  let worker: DeliveryWorker;
  let poller: Poller;
  let clock: TestClock;
  let credentialId: string;

  const deliveries = () => receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: any });
  const subscribed = async (type: string) => subscriptionOf(await w.subscribe(type, {}));
  const tick = async (ms = 2 * SEC) => {
    clock.advance(ms);
    await poller.runDue();
    await worker.drain();
  };

  beforeEach(async () => {
    clock = new TestClock(Date.now());
    ds = await startFakeDocuSign();
    const old = ds.addEnvelope({ createdAt: clock.now() - 60_000 });
    ds.transition(old.envelopeId, 'completed', clock.now() - 30_000);
    w = await startIntegrationWorld({
      dialect,
      integration: docusignIntegration,
      now: clock.now,
      poller: true,
      config: { clientId: 'ds-integration-key', clientSecret: 'ds-secret', apiBaseUrl: `${ds.url}/{server}/restapi/v2.1/accounts/{accountId}` },
      credential: { accessToken: 'ds-token-1', providerAccountId: DOCUSIGN_ACCOUNT, extra: { server: 'NA3.docusign.net', accountId: DOCUSIGN_ACCOUNT } },
    });
    ({ t, receiver, worker } = w);
    poller = w.poller!;
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await ds.close();
  });

  it('envelope completed: baseline at subscribe, one signed delivery, no duplicate on re-poll, nothing after unsubscribe', async () => {
    const sub = await subscribed('DOCUSIGN_TRIGGER_ENVELOPE_COMPLETED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const [baseline] = ds.lists();
    expect(baseline).toMatchObject({
      auth: 'Bearer ds-token-1', path: `/${DOCUSIGN_SERVER}/restapi/v2.1/accounts/${DOCUSIGN_ACCOUNT}/envelopes`,
      query: { from_to_status: 'completed', count: '100', start_position: '0' },
    });
    await tick();
    expect(receiver.requests).toHaveLength(0); // completed before subscribing: never delivered

    const e = ds.addEnvelope({ createdAt: clock.now(), emailSubject: 'Master Services Agreement' });
    ds.transition(e.envelopeId, 'sent', clock.now());
    await tick();
    expect(receiver.requests).toHaveLength(0);
    ds.transition(e.envelopeId, 'completed', clock.now());
    await tick();
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({
      integration: 'docusign', triggerType: 'DOCUSIGN_TRIGGER_ENVELOPE_COMPLETED', triggerSubscriptionId: sub.id, credentialId, userId: 'user-1',
      payload: { envelopeId: e.envelopeId, status: 'completed', emailSubject: 'Master Services Agreement' },
    });
    expectSignedDelivery(delivery!, w.project.signingSecret);
    await tick();
    await tick();
    expect(receiver.requests).toHaveLength(1);

    expect((await w.user.delete(`${w.base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    const calls = ds.requests.length;
    ds.transition(ds.addEnvelope({ createdAt: clock.now() }).envelopeId, 'completed', clock.now());
    await tick();
    expect(ds.requests.length).toBe(calls);
    expect(receiver.requests).toHaveLength(1);
  });

  it('sent, declined and voided: one delivery per envelope reaching each status', async () => {
    const sent = await subscribed('DOCUSIGN_TRIGGER_ENVELOPE_SENT');
    const declined = await subscribed('DOCUSIGN_TRIGGER_ENVELOPE_DECLINED');
    const voided = await subscribed('DOCUSIGN_TRIGGER_ENVELOPE_VOIDED');
    const a = ds.addEnvelope({ createdAt: clock.now() });
    const b = ds.addEnvelope({ createdAt: clock.now() });
    ds.transition(a.envelopeId, 'sent', clock.now() + SEC);
    ds.transition(b.envelopeId, 'sent', clock.now() + SEC);
    await tick();
    ds.transition(a.envelopeId, 'declined', clock.now());
    ds.transition(b.envelopeId, 'voided', clock.now());
    await tick();
    await tick();
    const got = deliveries();
    const of = (id: string) => got.filter((d) => d.triggerSubscriptionId === id).map((d) => d.payload.envelopeId as string).sort();
    expect(of(sent.id)).toEqual([a.envelopeId, b.envelopeId].sort());
    expect(of(declined.id)).toEqual([a.envelopeId]);
    expect(of(voided.id)).toEqual([b.envelopeId]);
    expect(got).toHaveLength(4);
  });

  it('holds the account parameters to one label each, and reports DocuSign refusing the account at subscribe time', async () => {
    for (const [extra, field] of [
      [{ server: 'evil.example.com/x', accountId: DOCUSIGN_ACCOUNT }, 'extra.server'],
      [{ server: 'na3', accountId: '../../admin' }, 'extra.accountId'],
      [{ server: 'na3' }, 'extra.accountId'],
    ] as const) {
      const r = await w.user.post(`${w.base}/credentials`, { integration: 'docusign', accessToken: 'x', extra });
      expect(r.status, r.text).toBe(400);
      expect(r.body.message).toContain(field);
    }
    const connect = await w.user.post(`${w.base}/connect/docusign`, { redirectUrl: 'https://app.example.com/connected', parameters: { server: 'na3' } });
    expect(connect.status, connect.text).toBe(400);
    expect(connect.body.message).toContain('parameters.accountId');
    const started = await w.user.post(`${w.base}/connect/docusign`, { redirectUrl: 'https://app.example.com/connected', parameters: { server: 'demo', accountId: DOCUSIGN_ACCOUNT } });
    expect(started.status, started.text).toBe(200);
    expect(new URL(started.body.authorizationUrl).searchParams.get('scope')).toBe('signature');

    ds.failNext(1, 400, { errorCode: 'USER_LACKS_MEMBERSHIP', message: 'The UserID does not have a valid membership in this Account.' });
    const refused = await w.subscribe('DOCUSIGN_TRIGGER_ENVELOPE_SENT', {});
    expect(refused.status).toBe(422);
    expect(refused.body.message).toContain('USER_LACKS_MEMBERSHIP');
    expect((await w.user.get(`${w.base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
  });

  it('backs the credential off until X-RateLimit-Reset, retries a 5xx, and marks a revoked token INVALID on 401', async () => {
    const sub = await subscribed('DOCUSIGN_TRIGGER_ENVELOPE_COMPLETED');
    const e = ds.addEnvelope({ createdAt: clock.now() });
    ds.transition(e.envelopeId, 'completed', clock.now());
    const reset = Math.ceil((clock.now() + 2 * SEC) / 1000) + 600;
    ds.failNext(1, 429, { errorCode: 'HOURLY_APIINVOCATION_LIMIT_EXCEEDED', message: 'The maximum number of hourly API invocations has been exceeded.' }, { 'x-ratelimit-reset': String(reset), 'x-ratelimit-remaining': '0' });
    await tick();
    expect((await t.svc.storage.credentials.get(credentialId))!.rateLimitedUntil).toBe(reset * 1000);
    expect((await w.user.get(`${w.base}/trigger-subscriptions/${sub.id}`)).body).toMatchObject({ status: 'ACTIVE' });
    const calls = ds.requests.length;
    await tick();
    expect(ds.requests.length).toBe(calls); // paused until the reset
    clock.advance(reset * 1000 - clock.now());
    ds.failNext(1, 503);
    await tick();
    expect((await t.svc.storage.subscriptions.get(sub.id))!.consecutiveFailures).toBe(1);
    await tick(10 * SEC);
    expect(deliveries().map((d) => d.payload.envelopeId)).toEqual([e.envelopeId]);
    expect((await t.svc.storage.subscriptions.get(sub.id))!.consecutiveFailures).toBe(0);

    ds.validTokens.clear(); // the user revoked the app's consent
    await tick(10 * SEC);
    expect((await t.svc.storage.credentials.get(credentialId))!.status).toBe('INVALID');
    const body = (await w.user.get(`${w.base}/trigger-subscriptions/${sub.id}`)).body;
    expect(body.status).toBe('ERRORED');
    expect(JSON.stringify(body)).not.toContain('ds-token-1');
  });
});
