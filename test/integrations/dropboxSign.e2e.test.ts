// Dropbox Sign end to end through the public API, on SQLite and PostgreSQL. The account's callback URL is
// set once (PUT /v3/account, as the account owner does it) to the project's app-level URL, which answers
// Dropbox Sign's callback_test; then several subscriptions of the same account share it: the fake signs
// multipart callbacks with the account's API key, each reaches the subscription of its event type exactly
// once, retries add nothing, a forged or wrongly keyed callback is refused, and events of another account
// reach nobody here.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import allSignedFixture from '../../src/integrations/dropboxSign/fixtures/event-signature-request-all-signed.json' with { type: 'json' };
import declinedFixture from '../../src/integrations/dropboxSign/fixtures/event-signature-request-declined.json' with { type: 'json' };
import signedFixture from '../../src/integrations/dropboxSign/fixtures/event-signature-request-signed.json' with { type: 'json' };
import viewedFixture from '../../src/integrations/dropboxSign/fixtures/event-signature-request-viewed.json' with { type: 'json' };
import { dropboxSignIntegration } from '../../src/integrations/dropboxSign/integration.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import { ACK, basicAuth, callbackFor, eventHash, multipartJson, startFakeDropboxSign, type FakeDropboxSign, type FakeDropboxSignAccount } from '../providers/dropboxSign.js';

const API_KEY = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';

describe.each(DIALECTS)('Dropbox Sign end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let ds: FakeDropboxSign;
  let receiver: FakeReceiver;
  let worker: DeliveryWorker;
  let account: FakeDropboxSignAccount;
  let hookUrl: string;

  /** What the account owner does once: point the account callback at the project's URL. */
  const setCallback = async (key: string, url: string) => {
    const r = await fetch(`${ds.apiBaseUrl}/account`, { method: 'PUT', headers: { authorization: basicAuth(key), 'content-type': 'application/json' }, body: JSON.stringify({ callback_url: url }) });
    return { status: r.status, body: (await r.json()) };
  };
  const subscribe = async (type: string, parameters: Record<string, unknown> = {}) => subscriptionOf(await w.subscribe(type, parameters));

  beforeEach(async () => {
    ds = await startFakeDropboxSign();
    account = ds.addAccount({ apiKey: API_KEY, accountId: '63522885f9261e2b04eea043933ee7313eb674fd' });
    w = await startIntegrationWorld({
      dialect,
      integration: dropboxSignIntegration,
      config: { webhookSecret: API_KEY, apiBaseUrl: ds.apiBaseUrl },
      credential: { apiKey: API_KEY, providerAccountId: account.accountId },
    });
    ({ receiver, worker } = w);
    hookUrl = w.config.webhookUrl;
    expect(hookUrl).toBe(`${w.t.url}/hooks/app/${w.project.id}/dropboxSign`);
  });
  afterEach(async () => {
    await w.close();
    await ds.close();
  });

  it('the project URL passes Dropbox Sign\'s callback_test when set as the account callback; a wrong key does not', async () => {
    const set = await setCallback(API_KEY, hookUrl);
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.account).toMatchObject({ account_id: account.accountId, callback_url: hookUrl });
    // The same URL for an account whose key is not the project's webhookSecret: its test is refused.
    ds.addAccount({ apiKey: 'another-key', accountId: 'ffff' });
    const other = await setCallback('another-key', hookUrl);
    expect(other.status).toBe(400);
    expect(other.body.error.error_msg).toMatch(/Hello API Event Received/);
    expect((await setCallback('not-a-key', hookUrl)).body).toEqual({ error: { error_msg: 'Unauthorized api key', error_name: 'unauthorized' } });
  });

  it('several subscriptions of one account share its callback: each event reaches its trigger once, retries add nothing', async () => {
    expect((await setCallback(API_KEY, hookUrl)).status).toBe(200);
    const subs = {
      signed: await subscribe('DROPBOX_SIGN_TRIGGER_SIGNATURE_REQUEST_SIGNED'),
      allSigned: await subscribe('DROPBOX_SIGN_TRIGGER_SIGNATURE_REQUEST_ALL_SIGNED'),
      declined: await subscribe('DROPBOX_SIGN_TRIGGER_SIGNATURE_REQUEST_DECLINED'),
      viewed: await subscribe('DROPBOX_SIGN_TRIGGER_SIGNATURE_REQUEST_VIEWED'),
    };
    for (const s of Object.values(subs)) expect(s).toMatchObject({ status: 'ACTIVE', credentialId: w.credentialId });

    const callbacks = [viewedFixture, signedFixture, allSignedFixture, declinedFixture].map((f) => callbackFor(account, f));
    for (const cb of callbacks) {
      const r = await ds.deliver(API_KEY, cb);
      expect(r, cb.event.event_type).toMatchObject({ status: 200, body: ACK, acknowledged: true });
      expect(r.contentType).toMatch(/^text\/plain/);
    }
    // Dropbox Sign retries what it thinks was not received: the same events again.
    for (const cb of callbacks) expect((await ds.deliver(API_KEY, cb)).acknowledged).toBe(true);
    await worker.drain();
    await receiver.waitFor(4);
    await worker.drain();
    expect(receiver.requests).toHaveLength(4);
    expect(await w.events()).toHaveLength(4);

    const got = receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: any });
    const byType = Object.fromEntries(got.map((g) => [g.triggerType, g]));
    expect(byType.DROPBOX_SIGN_TRIGGER_SIGNATURE_REQUEST_SIGNED!.triggerSubscriptionId).toBe(subs.signed.id);
    expect(byType.DROPBOX_SIGN_TRIGGER_SIGNATURE_REQUEST_ALL_SIGNED!.triggerSubscriptionId).toBe(subs.allSigned.id);
    expect(byType.DROPBOX_SIGN_TRIGGER_SIGNATURE_REQUEST_DECLINED!.triggerSubscriptionId).toBe(subs.declined.id);
    expect(byType.DROPBOX_SIGN_TRIGGER_SIGNATURE_REQUEST_VIEWED!.triggerSubscriptionId).toBe(subs.viewed.id);
    const declined = byType.DROPBOX_SIGN_TRIGGER_SIGNATURE_REQUEST_DECLINED!.payload;
    expect(declined.signature_request).toEqual(declinedFixture.signature_request);
    expect(declined.event.event_metadata.event_message).toBe("I'd rather not sign this right now.");
    expect(declined.event.event_hash).toMatch(/^[0-9a-f]{64}$/);
    for (const r of receiver.requests) expectSignedDelivery(r, w.project.signingSecret);
  });

  it('a second signer signing in the same second is a second event', async () => {
    const sub = await subscribe('DROPBOX_SIGN_TRIGGER_SIGNATURE_REQUEST_SIGNED');
    const first = callbackFor(account, signedFixture);
    const second = structuredClone(first);
    second.event.event_metadata.related_signature_id = '616629ed37f8588d28600be17ab5d6b7';
    for (const cb of [first, second, first]) expect((await ds.deliver(API_KEY, cb, { url: hookUrl })).acknowledged).toBe(true);
    await worker.drain();
    await receiver.waitFor(2);
    await worker.drain();
    expect(receiver.requests.map((r) => (r.json as any).payload.event.event_metadata.related_signature_id).sort()).toEqual(['616629ed37f8588d28600be17ab5d6b7', '78caf2a1d01cd39cea2bc1cbb340dac3']);
    expect(receiver.requests.every((r) => (r.json as any).triggerSubscriptionId === sub.id)).toBe(true);
  });

  it('refuses a callback signed with another key or altered after signing, and stores nothing', async () => {
    await subscribe('DROPBOX_SIGN_TRIGGER_SIGNATURE_REQUEST_SIGNED');
    const wrongKey = await ds.deliver(API_KEY, callbackFor(account, signedFixture), { url: hookUrl, signWith: 'someone-elses-key' });
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.acknowledged).toBe(false);
    // Signed as a "viewed" event, then relabelled "signed": the hash no longer matches.
    const cb = callbackFor(account, signedFixture, { eventType: 'signature_request_viewed' });
    cb.event.event_hash = eventHash(API_KEY, cb.event.event_time, 'signature_request_viewed');
    cb.event.event_type = 'signature_request_signed';
    const { body, contentType } = multipartJson(JSON.stringify(cb));
    const forged = await fetch(hookUrl, { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(body) });
    expect(forged.status).toBe(401);
    expect(await forged.text()).not.toBe(ACK);
    await worker.drain();
    expect(receiver.requests).toHaveLength(0);
    expect(await w.events()).toHaveLength(0);
  });

  it('applies the template and test-mode parameters, rejects a malformed template id, and routes by account', async () => {
    const bad = await w.subscribe('DROPBOX_SIGN_TRIGGER_SIGNATURE_REQUEST_ALL_SIGNED', { templateId: 'not a template' });
    expect(bad.status).toBe(400);
    const sub = await subscribe('DROPBOX_SIGN_TRIGGER_SIGNATURE_REQUEST_ALL_SIGNED', { templateId: 'c26b8a16784a872da37ea946b9ddec7c1e11dff6', excludeTestMode: true });
    const live = callbackFor(account, allSignedFixture);
    live.signature_request.template_ids = ['c26b8a16784a872da37ea946b9ddec7c1e11dff6'];
    live.signature_request.test_mode = false;
    const test = callbackFor(account, allSignedFixture, { eventTime: '1348178000', signatureRequestId: 'aaaa' });
    test.signature_request.template_ids = ['c26b8a16784a872da37ea946b9ddec7c1e11dff6'];
    const otherTemplate = callbackFor(account, allSignedFixture, { eventTime: '1348178001', signatureRequestId: 'bbbb' });
    otherTemplate.signature_request.test_mode = false;
    // Another account (not connected here) signed with the same key: acknowledged, reaches nobody.
    const stranger = callbackFor({ ...account, accountId: '0000000000000000000000000000000000000000' }, live);
    for (const cb of [live, test, otherTemplate, stranger]) expect((await ds.deliver(API_KEY, cb, { url: hookUrl })).acknowledged).toBe(true);
    await worker.drain();
    await receiver.waitFor(1);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]!.json).toMatchObject({ triggerSubscriptionId: sub.id, payload: { signature_request: { signature_request_id: live.signature_request.signature_request_id } } });
  });
});
