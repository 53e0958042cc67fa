// Marketo end to end through the public API, on SQLite and PostgreSQL, against the fake Marketo on the credential's
// instanceUrl (the project's apiBaseUrl points nowhere): subscribe (baseline paging token, nothing delivered) → new
// activities → the real Poller on a test clock → exactly one signed delivery each → re-polls deliver nothing more.
// Plus: paging across several pages, 606 backing the credential off, bad parameters refused with 400, and
// revoked client credentials marking the credential INVALID and the subscription ERRORED.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Poller } from '../../src/engine/poller.js';
import { marketoIntegration } from '../../src/integrations/marketo/integration.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestService } from '../helpers/service.js';
import { clientAuth, startFakeMarketo, type FakeMarketo } from '../providers/marketo.js';

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
      config: { apiBaseUrl: 'http://127.0.0.1:9' },
      credential: { apiKey: clientAuth('client-1', 'secret-1'), extra: { instanceUrl: mk.url } },
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
    await tick(10 * SEC);
    expect((await t.svc.storage.credentials.get(credentialId))!.status).toBe('INVALID');
    const after = await w.user.get(`${w.base}/trigger-subscriptions/${sub.id}`);
    expect(after.body.status).toBe('ERRORED');
    expect(JSON.stringify(after.body)).not.toContain('secret-1');
  });
});
