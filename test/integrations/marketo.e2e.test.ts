// Marketo end to end through the public API, on SQLite and PostgreSQL, against the fake Marketo (the project's
// apiBaseUrl and tokenUrl point at it): a client-credentials credential (client id, secret, Munchkin id) → subscribe
// (the engine's first token exchange, baseline paging token, nothing delivered) → new activities → the real Poller on
// a test clock → exactly one signed delivery each, with the stored token → re-polls deliver nothing more.
// Plus: paging across several pages, 606 backing the credential off, bad parameters and credentials refused with
// 400, 602 making the engine exchange again, and a refused client marking the credential INVALID and the
// subscription ERRORED.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Poller } from '../../src/engine/poller.js';
import { CLIENT_REFUSED_MESSAGE } from '../../src/engine/tokens.js';
import { marketoIntegration } from '../../src/integrations/marketo/integration.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestService } from '../helpers/service.js';
import { startFakeMarketo, type FakeMarketo } from '../providers/marketo.js';

const SEC = 1000;

describe.each(DIALECTS)('Marketo end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let mk: FakeMarketo;
  let receiver: FakeReceiver;
  let worker: DeliveryWorker;
  let poller: Poller;
  let clock: TestClock;
  let credentialId: string;

  const deliveries = () => receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: any });
  const tick = async (ms = 2 * SEC) => {
    clock.advance(ms);
    await poller.runDue();
    await worker.drain();
  };

  beforeEach(async () => {
    clock = new TestClock(Date.now());
    mk = await startFakeMarketo({ now: clock.now });
    mk.addActivity({ activityTypeId: 12, activityDate: new Date(clock.now() - 60_000).toISOString() });
    w = await startIntegrationWorld({
      dialect,
      integration: marketoIntegration,
      now: clock.now,
      poller: true,
      config: { apiBaseUrl: mk.url, tokenUrl: `${mk.url}/identity/oauth/token` },
      credential: { clientId: 'client-1', clientSecret: 'secret-1', extra: { munchkinId: '123-ABC-456' } },
    });
    ({ t, receiver, worker } = w);
    poller = w.poller!;
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await mk.close();
  });

  it('new lead: baseline not delivered, one signed delivery per activity, no duplicate on re-poll', async () => {
    const sub = subscriptionOf(await w.subscribe('MARKETO_TRIGGER_NEW_LEAD', {}));
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    expect(mk.requests.map((r) => r.path)).toContain('/rest/v1/activities/pagingtoken.json');
    await tick();
    expect(receiver.requests).toHaveLength(0);
    clock.advance(SEC);
    const lead = mk.addActivity({ activityTypeId: 12, leadId: 77 });
    await tick();
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({
      integration: 'marketo', triggerType: 'MARKETO_TRIGGER_NEW_LEAD', triggerSubscriptionId: sub.id, credentialId,
      payload: { marketoGUID: lead.marketoGUID, leadId: 77, activityTypeId: 12 },
    });
    expectSignedDelivery(delivery!, w.project.signingSecret);
    await tick();
    await tick();
    expect(receiver.requests).toHaveLength(1);
    // One exchange for all of it, client id and secret as form fields; every REST call carried that token.
    expect(mk.tokenRequests()).toHaveLength(1);
    expect(mk.tokenRequests()[0]).toMatchObject({ method: 'POST', auth: undefined, form: { grant_type: 'client_credentials', client_id: 'client-1', client_secret: 'secret-1' } });
    expect(new Set(mk.requests.filter((r) => r.path.startsWith('/rest/')).map((r) => r.auth)).size).toBe(1);
  });

  it('refuses credentials in the old or an incomplete format, and a Munchkin id that is not a host label', async () => {
    const post = (body: Record<string, unknown>) => w.user.post(`${w.base}/credentials`, { integration: 'marketo', ...body });
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ apiKey: 'Y2xpZW50LTE6c2VjcmV0LTE=', extra: { munchkinId: '123-ABC-456' } }, 'clientId'], // the old format
      [{ clientId: 'client-1', clientSecret: 'secret-1', apiKey: 'Y2xpZW50LTE6c2VjcmV0LTE=', extra: { munchkinId: '123-ABC-456' } }, 'apiKey'],
      [{ clientId: 'client-1', extra: { munchkinId: '123-ABC-456' } }, 'clientSecret'],
      [{ clientId: 'client-1', clientSecret: 'secret-1', extra: { munchkinId: 'evil.example/' } }, 'extra.munchkinId'],
    ];
    for (const [body, field] of cases) {
      const r = await post(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.text).toContain(field);
      expect(r.text).not.toContain('secret-1');
    }
  });

  it('an expired token (602 in a 200 body) is exchanged again and the poll goes on', async () => {
    const sub = subscriptionOf(await w.subscribe('MARKETO_TRIGGER_NEW_LEAD', {}));
    clock.advance(SEC);
    const lead = mk.addActivity({ activityTypeId: 12 });
    mk.expireTokens();
    await tick();
    expect(deliveries().map((d) => [d.triggerSubscriptionId, d.payload.marketoGUID])).toEqual([[sub.id, lead.marketoGUID]]);
    expect(mk.tokenRequests()).toHaveLength(2);
    expect((await t.svc.storage.credentials.get(credentialId))!.status).toBe('VALID');
    expect((await w.user.get(`${w.base}/trigger-subscriptions/${sub.id}`)).body).toMatchObject({ status: 'ACTIVE' });
  });

  it('delivers activities spanning several pages exactly once, filters by form, refuses bad parameters', async () => {
    const bad = await w.subscribe('MARKETO_TRIGGER_FORM_FILLED_OUT', { formId: '12 OR 1=1' });
    expect([bad.status, bad.body.code]).toEqual([400, 'INVALID_PARAMETER']);
    const all = subscriptionOf(await w.subscribe('MARKETO_TRIGGER_NEW_LEAD', {}));
    const forms = subscriptionOf(await w.subscribe('MARKETO_TRIGGER_FORM_FILLED_OUT', { formId: '1001' }));
    clock.advance(SEC);
    const ids = Array.from({ length: 700 }, () => mk.addActivity({ activityTypeId: 12 }).marketoGUID);
    const fill = mk.addActivity({ activityTypeId: 2, primaryAttributeValueId: 1001 });
    mk.addActivity({ activityTypeId: 2, primaryAttributeValueId: 1002 });
    await tick();
    await tick();
    const got = deliveries();
    expect(got.filter((d) => d.triggerSubscriptionId === all.id).map((d) => d.payload.marketoGUID as string).sort()).toEqual([...ids].sort());
    expect(got.filter((d) => d.triggerSubscriptionId === forms.id).map((d) => d.payload.marketoGUID)).toEqual([fill.marketoGUID]);
    expect(got).toHaveLength(701);
    expect(mk.activityLists().filter((r) => r.query.activityTypeIds === '12').length).toBeGreaterThanOrEqual(3);
  });

  it('backs off on 606, then marks revoked client credentials INVALID', async () => {
    const sub = subscriptionOf(await w.subscribe('MARKETO_TRIGGER_NEW_LEAD', {}));
    clock.advance(SEC);
    const lead = mk.addActivity({ activityTypeId: 12 });
    mk.failNext(1, { code: '606', message: 'Max rate limit 100 exceeded with in 20 secs' });
    await tick();
    expect((await t.svc.storage.credentials.get(credentialId))!.rateLimitedUntil).toBe(clock.now() + 20_000);
    expect((await w.user.get(`${w.base}/trigger-subscriptions/${sub.id}`)).body).toMatchObject({ status: 'ACTIVE' });
    clock.advance(20_000);
    await tick();
    expect(deliveries().map((d) => d.payload.marketoGUID)).toEqual([lead.marketoGUID]);

    mk.clients.clear(); // the custom service's secret was regenerated
    mk.expireTokens(); // and its token has lapsed: the engine must exchange again, and is refused
    await tick(10 * SEC);
    const cred = (await t.svc.storage.credentials.get(credentialId))!;
    expect([cred.status, cred.statusReason]).toEqual(['INVALID', CLIENT_REFUSED_MESSAGE]);
    const after = await w.user.get(`${w.base}/trigger-subscriptions/${sub.id}`);
    expect(after.body.status).toBe('ERRORED');
    expect(JSON.stringify(after.body)).not.toContain('secret-1');
  });
});
