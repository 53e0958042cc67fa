// Twilio end to end through the public API, on SQLite and PostgreSQL: subscribe → the phone number's SmsUrl points
// at our per-subscription URL (SmsMethod POST; Basic AccountSid:AuthToken) and the account's Auth Token is the
// subscription's secret → an incoming message signed as Twilio signs (URL + sorted form fields, HMAC-SHA1) → one
// delivery of the form fields, answered with empty TwiML → Twilio's retry of the same MessageSid adds nothing →
// unsubscribe puts the previous SmsUrl (and TwiML App) back. Plus bad signatures (401, nothing stored), refusals at
// subscribe time with Twilio's errors mapped, and the hourly check taking a rotated Auth Token.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import { incomingMms, incomingSms } from '../../src/integrations/twilio/fixtures/messages.js';
import { twilioIntegration } from '../../src/integrations/twilio/integration.js';
import { EMPTY_TWIML } from '../../src/integrations/twilio/webhooks.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { addNumber, startFakeTwilio, type FakeTwilio } from '../providers/twilio.js';

const PN = 'PN7d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a';
const PN2 = 'PN0a0b0c0d0e0f0a1b2c3d4e5f6a7b8c9d';
const APP = 'AP5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b';
const TYPE = 'TWILIO_TRIGGER_SMS_RECEIVED';

describe.each(DIALECTS)('Twilio end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let tw: FakeTwilio;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  beforeEach(async () => {
    tw = await startFakeTwilio();
    addNumber(tw, { sid: PN });
    addNumber(tw, { sid: PN2, phone_number: '+14155550199', sms_url: '', sms_application_sid: APP });
    w = await startIntegrationWorld({
      dialect,
      integration: twilioIntegration,
      config: { apiBaseUrl: tw.apiBaseUrl },
      credential: { apiKey: tw.apiKey(), providerAccountId: tw.accountSid, extra: { accountSid: tw.accountSid } },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await tw.close();
  });

  it('points the number at us, delivers a signed message once (empty TwiML answer), and puts the previous SmsUrl back', async () => {
    const sub = subscriptionOf(await w.subscribe(TYPE, { phoneNumberSid: PN }));
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hookUrl = `${t.url}/hooks/s/${sub.id}`;
    expect(tw.numbers.get(PN)).toMatchObject({ sms_url: hookUrl, sms_method: 'POST' });
    const post = tw.requests.find((r) => r.method === 'POST')!;
    expect(post).toMatchObject({ path: `/2010-04-01/Accounts/${tw.accountSid}/IncomingPhoneNumbers/${PN}.json`, body: { SmsUrl: hookUrl, SmsMethod: 'POST' } });
    expect(post.auth).toBe(`Basic ${Buffer.from(`${tw.accountSid}:${tw.authToken}`).toString('base64')}`);

    const answer = await tw.deliver(PN, incomingSms);
    expect(answer).toEqual({ status: 200, contentType: 'text/xml', body: EMPTY_TWIML });
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      integration: 'twilio', triggerType: TYPE, triggerSubscriptionId: sub.id, credentialId, projectId: project.id, payload: incomingSms,
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // Twilio retries the same message (our answer was lost): acknowledged, nothing new. Another message is delivered.
    expect((await tw.deliver(PN, incomingSms)).status).toBe(200);
    expect((await tw.deliver(PN, incomingMms)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(2);
    expect((receiver.requests[1]!.json as { payload: Record<string, string> }).payload).toMatchObject({ MessageSid: incomingMms.MessageSid, NumMedia: '1', Body: 'Here is the damaged box & label' });
    expect(await w.events()).toHaveLength(2);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(tw.numbers.get(PN)).toMatchObject({ sms_url: 'https://demo.twilio.com/welcome/sms/reply', sms_method: 'POST', sms_application_sid: '' });
  });

  it('takes a number from its TwiML App while subscribed and gives it back on unsubscribe', async () => {
    const sub = subscriptionOf(await w.subscribe(TYPE, { phoneNumberSid: PN2 }));
    expect(tw.numbers.get(PN2)).toMatchObject({ sms_url: `${t.url}/hooks/s/${sub.id}`, sms_application_sid: '' });
    expect((await tw.deliver(PN2, { ...incomingSms, To: '+14155550199' })).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(tw.numbers.get(PN2)).toMatchObject({ sms_url: '', sms_application_sid: APP });
  });

  it('leaves a number alone on unsubscribe when someone pointed it elsewhere meanwhile', async () => {
    const sub = subscriptionOf(await w.subscribe(TYPE, { phoneNumberSid: PN }));
    tw.numbers.get(PN)!.sms_url = 'https://crm.example/sms';
    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(tw.numbers.get(PN)!.sms_url).toBe('https://crm.example/sms');
  });

  it('refuses a bad signature, another token, a signature over other fields and a missing header with 401, storing nothing', async () => {
    const sub = subscriptionOf(await w.subscribe(TYPE, { phoneNumberSid: PN }));
    const hookUrl = `${t.url}/hooks/s/${sub.id}`;
    expect((await tw.deliver(PN, incomingSms, { token: 'f'.repeat(32) })).status).toBe(401);
    expect((await tw.deliver(PN, incomingSms, { signature: tw.sign(tw.authToken, hookUrl, { ...incomingSms, Body: 'other' }) })).status).toBe(401);
    expect((await tw.deliver(PN, incomingSms, { signature: tw.sign(tw.authToken, `${hookUrl}?x=1`, incomingSms) })).status).toBe(401);
    expect((await tw.deliver(PN, incomingSms, { signature: '' })).status).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('refuses bad parameters and maps Twilio\'s errors at subscribe time, leaving the number as it was', async () => {
    const bad = await w.subscribe(TYPE, { phoneNumberSid: '+14155550100' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('phoneNumberSid');
    const unknown = await w.subscribe(TYPE, { phoneNumberSid: 'PN' + 'e'.repeat(32) });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toContain('was not found');
    tw.failNext(1, 429, { code: 20429, message: 'Too Many Requests', status: 429 }, { 'retry-after': '3' });
    expect((await w.subscribe(TYPE, { phoneNumberSid: PN })).status).toBe(429);
    tw.failNext(1, 503);
    expect((await w.subscribe(TYPE, { phoneNumberSid: PN })).status).toBe(502);
    tw.failNext(1, 401, { code: 20003, message: 'Authenticate', status: 401 });
    const r401 = await w.subscribe(TYPE, { phoneNumberSid: PN });
    expect(r401.status).toBeGreaterThanOrEqual(400);
    expect(r401.text).not.toContain(tw.authToken);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(tw.numbers.get(PN)!.sms_url).toBe('https://demo.twilio.com/welcome/sms/reply');
  });

  it('refuses a credential without a valid Account SID, naming the field', async () => {
    const other = await user.post(`${base}/credentials`, { integration: 'twilio', apiKey: tw.apiKey(), extra: { accountSid: 'acme' } });
    expect(other.status).toBe(201);
    const r = await w.subscribe(TYPE, { phoneNumberSid: PN }, { 'x-paragon-credential': other.body.id as string });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.text).toContain('accountSid');
    expect(tw.requests.filter((q) => q.method === 'POST')).toEqual([]);
  });

  it('checks every hour: after an Auth Token rotation the subscription is registered again and verifies with the new token', async () => {
    const sub = subscriptionOf(await w.subscribe(TYPE, { phoneNumberSid: PN }));
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });

    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });

    const oldToken = tw.authToken;
    tw.rotateToken();
    const cred = (await t.svc.storage.credentials.get(credentialId))!;
    await t.svc.storage.credentials.update(credentialId, { secrets: { ...cred.secrets, apiKey: tw.apiKey() } });
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    expect(tw.numbers.get(PN)).toMatchObject({ sms_url: `${t.url}/hooks/s/${sub.id}` });

    expect((await tw.deliver(PN, incomingSms, { token: oldToken })).status).toBe(401);
    expect((await tw.deliver(PN, incomingSms)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');

    // The number's original SmsUrl is still what unsubscribing restores.
    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(tw.numbers.get(PN)!.sms_url).toBe('https://demo.twilio.com/welcome/sms/reply');
  });
});
