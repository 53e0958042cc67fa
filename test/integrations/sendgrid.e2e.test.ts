// SendGrid end to end through the public API, on SQLite and PostgreSQL: subscribe → an Event Webhook is created at
// the fake SendGrid (our per-subscription URL, only the trigger's event flag on), signing turned on and its public
// key stored → SendGrid posts a signed batch → one signed delivery per matching event (other types in the batch
// ignored) → SendGrid's duplicate of an event adds nothing → unsubscribe deletes the webhook. Plus forged, tampered
// and unsigned posts (401, nothing stored), refusals at subscribe time, and the hourly check re-creating a deleted
// or disabled webhook.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Renewals } from '../../src/engine/renewals.js';
import events from '../../src/integrations/sendgrid/fixtures/events.json' with { type: 'json' };
import { sendgridIntegration } from '../../src/integrations/sendgrid/integration.js';
import { DIALECTS } from '../helpers/databases.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import { p256KeyPair, sendgridSignature, startFakeSendGrid, type FakeSendGrid, type SendGridWebhook } from '../providers/sendgrid.js';

const byType = (event: string) => events.find((e) => e.event === event)!;

describe.each(DIALECTS)('SendGrid end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let sg: FakeSendGrid;

  const subscribed = async (type: string, parameters: Record<string, unknown> = {}) => subscriptionOf(await w.subscribe(type, parameters));
  const hookFor = (subscriptionId: string): SendGridWebhook | undefined =>
    [...sg.webhooks.values()].find((h) => h.url === `${w.t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    sg = await startFakeSendGrid();
    sg.validKeys.add('SG.test-key');
    w = await startIntegrationWorld({
      dialect,
      integration: sendgridIntegration,
      config: { apiBaseUrl: sg.url },
      credential: { apiKey: 'SG.test-key', providerAccountId: 'acme' },
    });
  });
  afterEach(async () => {
    await w.close();
    await sg.close();
  });

  it('email delivered: a signed webhook with only `delivered` on, one delivery per event, duplicates and other types ignored, deleted on unsubscribe', async () => {
    const sub = await subscribed('SENDGRID_TRIGGER_EMAIL_DELIVERED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId: w.credentialId });
    const hook = hookFor(sub.id)!;
    expect(hook.enabled).toBe(true);
    expect(Object.entries(hook.flags).filter(([, on]) => on).map(([f]) => f)).toEqual(['delivered']);
    expect(hook.keys).not.toBeNull();
    expect(sg.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v3/user/webhooks/event/settings', `PATCH /v3/user/webhooks/event/settings/signed/${hook.id}`,
    ]);
    expect(sg.requests[0]).toMatchObject({ auth: 'Bearer SG.test-key', body: { enabled: true, url: hook.url, friendly_name: 'OpenTriggers SENDGRID_TRIGGER_EMAIL_DELIVERED' } });

    const second = { ...byType('delivered'), sg_event_id: 'c2Vjb25kLWRlbGl2ZXJlZA==', email: 'other@test.com' };
    expect((await sg.deliver(hook.id, [byType('delivered'), byType('open'), second])).status).toBe(200);
    await w.worker.drain();
    const sent = await w.receiver.waitFor(2);
    expect(sent.map((r) => (r.json as { payload: { sg_event_id: string } }).payload.sg_event_id).sort()).toEqual(
      [byType('delivered').sg_event_id, second.sg_event_id].sort(),
    );
    expect(sent[0]!.json).toMatchObject({ integration: 'sendgrid', triggerType: 'SENDGRID_TRIGGER_EMAIL_DELIVERED', triggerSubscriptionId: sub.id, credentialId: w.credentialId });
    expectSignedDelivery(sent[0]!, w.project.signingSecret);

    // SendGrid posts the same event again (a retry or a documented duplicate): nothing new.
    expect((await sg.deliver(hook.id, [byType('delivered')])).status).toBe(200);
    await w.worker.drain();
    expect(w.receiver.requests).toHaveLength(2);
    expect(await w.events()).toHaveLength(2);

    expect((await w.user.delete(`${w.base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(sg.webhooks.size).toBe(0);
    expect(sg.deletedWebhooks.map((x) => x.id)).toEqual([hook.id]);
  });

  it('link clicked with a category filter: only events of that category are delivered', async () => {
    const sub = await subscribed('SENDGRID_TRIGGER_LINK_CLICKED', { category: 'cat facts' });
    const hook = hookFor(sub.id)!;
    expect(Object.entries(hook.flags).filter(([, on]) => on).map(([f]) => f)).toEqual(['click']);
    const elsewhere = { ...byType('click'), sg_event_id: 'b3RoZXItY2F0ZWdvcnk=', category: ['promo'] };
    const multi = { ...byType('click'), sg_event_id: 'bXVsdGktY2F0ZWdvcnk=', category: ['promo', 'cat facts'] };
    expect((await sg.deliver(hook.id, [byType('click'), elsewhere, multi])).status).toBe(200);
    await w.worker.drain();
    const sent = await w.receiver.waitFor(2);
    expect(sent.map((r) => (r.json as { payload: { sg_event_id: string } }).payload.sg_event_id).sort()).toEqual([byType('click').sg_event_id, multi.sg_event_id].sort());
    expect(await w.events()).toHaveLength(2);
  });

  it('refuses forged, tampered and unsigned posts with 401 and stores nothing', async () => {
    const sub = await subscribed('SENDGRID_TRIGGER_SPAM_REPORT');
    const hook = hookFor(sub.id)!;
    const body = JSON.stringify([byType('spamreport')]);
    const ts = String(Math.floor(Date.now() / 1000));
    const post = (headers: Record<string, string>, payload = body) =>
      fetch(hook.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload });
    const good = sendgridSignature(hook.keys!.privateKey, ts, body);
    const sigHeaders = (signature: string, timestamp = ts) => ({ 'x-twilio-email-event-webhook-signature': signature, 'x-twilio-email-event-webhook-timestamp': timestamp });
    expect((await post(sigHeaders(sendgridSignature(p256KeyPair().privateKey, ts, body)))).status).toBe(401);
    expect((await post(sigHeaders(good), body.replace('example@test.com', 'evil@test.com'))).status).toBe(401);
    expect((await post(sigHeaders(good, String(Number(ts) + 1)))).status).toBe(401);
    expect((await post({})).status).toBe(401);
    await w.worker.drain();
    expect(await w.events()).toEqual([]);
    expect(w.receiver.requests).toHaveLength(0);
    expect((await post(sigHeaders(good))).status).toBe(200);
    await w.worker.drain();
    expect(await w.receiver.waitFor(1)).toHaveLength(1);
  });

  it('reports refusals at subscribe time and leaves nothing behind: bad parameter, signing refused, rate limit, 5xx, revoked key', async () => {
    const bad = await w.subscribe('SENDGRID_TRIGGER_EMAIL_OPENED', { category: 7 });
    expect([bad.status, bad.body.message]).toEqual([400, expect.stringContaining('parameters.category')]);
    // Created, but signing refused: the webhook is deleted again, the error is SendGrid's.
    sg.failNext(1, 403, { errors: [{ field: null, message: 'access forbidden' }] }, {}, 'PATCH');
    const forbidden = await w.subscribe('SENDGRID_TRIGGER_EMAIL_OPENED', {});
    expect([forbidden.status, forbidden.body.message]).toEqual([422, expect.stringContaining('SendGrid 403: access forbidden')]);
    expect(sg.webhooks.size).toBe(0);
    expect(sg.deletedWebhooks).toHaveLength(1);
    sg.failNext(1, 429, { errors: [{ field: null, message: 'too many requests' }] }, { 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 30) });
    expect((await w.subscribe('SENDGRID_TRIGGER_EMAIL_OPENED', {})).status).toBe(429);
    sg.failNext(1, 503);
    expect((await w.subscribe('SENDGRID_TRIGGER_EMAIL_OPENED', {})).status).toBe(502);
    sg.validKeys.delete('SG.test-key');
    const revoked = await w.subscribe('SENDGRID_TRIGGER_EMAIL_OPENED', {});
    expect([revoked.status, revoked.body.code]).toEqual([422, 'CREDENTIAL_INVALID']);
    expect(revoked.text).not.toContain('SG.test-key');
    expect((await w.user.get(`${w.base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(sg.webhooks.size).toBe(0);
  });

  it('checks the webhook every hour: deleted or disabled at SendGrid, it is created again with a new key and delivers', async () => {
    const sub = await subscribed('SENDGRID_TRIGGER_EMAIL_BOUNCED');
    const renewals = new Renewals(w.t.svc.deps, { catalog: (p) => w.t.svc.subscriptions.catalogFor(p) });
    const due = () => w.t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });

    const first = hookFor(sub.id)!;
    const before = sg.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(sg.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v3/user/webhooks/event/settings/${first.id}`]);

    sg.webhooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect(second.id).not.toBe(first.id);
    // The old key no longer verifies.
    expect((await sg.deliver(second.id, [byType('bounce')], { privateKey: first.keys!.privateKey })).status).toBe(401);

    second.enabled = false;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const third = hookFor(sub.id)!;
    expect(third.id).not.toBe(second.id);
    expect(sg.deletedWebhooks.map((x) => x.id)).toEqual([second.id]);
    expect((await sg.deliver(third.id, [byType('bounce')])).status).toBe(200);
    await w.worker.drain();
    expect((await w.receiver.waitFor(1)).map((r) => (r.json as { payload: { event: string } }).payload.event)).toEqual(['bounce']);
  });
});
