// Copper end to end through the public API, on SQLite and PostgreSQL: subscribe → a webhook at the fake Copper
// (our per-subscription URL as target, the trigger's type/event, our secret as a key/value pair; the key, the
// application and the owner's email as Copper's three headers) → a notification carrying ids only → each record
// read back and delivered, signed, to the project's receiver → the same notification again adds nothing →
// unsubscribe deletes the webhook. Plus wrong or missing echoed secrets (401, nothing stored), stage-change
// filtering, records deleted in between, and Copper's errors at subscribe time.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import company from '../../src/integrations/copper/fixtures/company.json' with { type: 'json' };
import lead from '../../src/integrations/copper/fixtures/lead.json' with { type: 'json' };
import opportunity from '../../src/integrations/copper/fixtures/opportunity.json' with { type: 'json' };
import person from '../../src/integrations/copper/fixtures/person.json' with { type: 'json' };
import { copperIntegration } from '../../src/integrations/copper/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeCopper, type CopperHook, type FakeCopper } from '../providers/copper.js';

describe.each(DIALECTS)('Copper end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let cp: FakeCopper;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribed = async (type: string, parameters: Record<string, unknown> = {}) => subscriptionOf(await w.subscribe(type, parameters));
  const hookFor = (subscriptionId: string): CopperHook | undefined => [...cp.hooks.values()].find((h) => h.target === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    cp = await startFakeCopper();
    w = await startIntegrationWorld({
      dialect,
      integration: copperIntegration,
      config: { apiBaseUrl: cp.apiBaseUrl },
      credential: { apiKey: cp.apiKey, providerAccountId: cp.userEmail, extra: { userEmail: cp.userEmail } },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
    cp.put('lead', lead);
    cp.put('person', person);
    cp.put('company', company);
    cp.put('opportunity', opportunity);
  });
  afterEach(async () => {
    await w.close();
    await cp.close();
  });

  it('lead created: webhook with our secret pair, the lead read back and delivered once, deleted on unsubscribe', async () => {
    const sub = await subscribed('COPPER_TRIGGER_LEAD_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ type: 'lead', event: 'new' });
    const post = cp.requests.find((r) => r.method === 'POST')!;
    expect(post.path).toBe('/developer_api/v1/webhooks');
    expect(post.headers).toMatchObject({ 'x-pw-accesstoken': cp.apiKey, 'x-pw-application': 'developer_api', 'x-pw-useremail': cp.userEmail });
    expect(Object.keys(post.body).sort()).toEqual(['event', 'secret', 'target', 'type']);
    expect(Object.keys(post.body.secret)).toEqual(['opentriggers_secret']);
    expect(post.body.secret.opentriggers_secret).toMatch(/^[0-9a-f]{32,}$/);

    expect((await cp.notify(hook.id, [lead.id])).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      integration: 'copper', triggerType: 'COPPER_TRIGGER_LEAD_CREATED', triggerSubscriptionId: sub.id, credentialId, projectId: project.id,
      payload: { type: 'lead', event: 'new', id: lead.id, record: lead },
    });
    expectSignedDelivery(sent!, project.signingSecret);
    // The echoed secret never leaves with the delivery.
    expect(sent!.rawBody.toString('utf8')).not.toContain(post.body.secret.opentriggers_secret);
    expect(cp.requests.filter((r) => r.method === 'GET').map((r) => r.path)).toEqual([`/developer_api/v1/leads/${lead.id}`]);

    // The same notification again (sent twice by a proxy, or a replay): acknowledged, nothing new.
    expect((await cp.notify(hook.id, [lead.id])).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(cp.hooks.size).toBe(0);
    expect(cp.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
    expect(cp.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/developer_api/v1/webhooks/${hook.id}` });
  });

  it('person and company created: several ids in one notification, a record deleted in between skipped', async () => {
    const people = hookFor((await subscribed('COPPER_TRIGGER_PERSON_CREATED')).id)!;
    const companies = hookFor((await subscribed('COPPER_TRIGGER_COMPANY_CREATED')).id)!;
    cp.put('person', { ...person, id: 26443554, name: 'Second Person' });
    expect((await cp.notify(people.id, [person.id, 26443554, 99999999])).status).toBe(200);
    expect((await cp.notify(companies.id, [company.id])).status).toBe(200);
    await worker.drain();
    const sent = await receiver.waitFor(3);
    const byType = sent.map((r) => r.json as { triggerType: string; payload: { id: number; record: { name: string } } }).map((j) => `${j.triggerType}:${j.payload.id}:${j.payload.record.name}`).sort();
    expect(byType).toEqual([
      `COPPER_TRIGGER_COMPANY_CREATED:${company.id}:${company.name}`,
      `COPPER_TRIGGER_PERSON_CREATED:${person.id}:${person.name}`,
      'COPPER_TRIGGER_PERSON_CREATED:26443554:Second Person',
    ]);
    await new Promise((r) => setTimeout(r, 50));
    expect(receiver.requests).toHaveLength(3);
  });

  it('opportunity stage changed: only updates naming pipeline_stage_id, in the pipeline and stage asked for', async () => {
    const sub = await subscribed('COPPER_TRIGGER_OPPORTUNITY_STAGE_CHANGED', { pipelineId: String(opportunity.pipeline_id), stageId: String(opportunity.pipeline_stage_id) });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ type: 'opportunity', event: 'update' });
    const gets = () => cp.requests.filter((r) => r.method === 'GET').length;
    // A value change: not a stage change, and the record is not even read.
    expect((await cp.notify(hook.id, [opportunity.id], { updated_attributes: { monetary_value: [50000, 75000] } })).status).toBe(200);
    // Into another stage: ignored.
    expect((await cp.notify(hook.id, [opportunity.id], { updated_attributes: { pipeline_stage_id: [987791, 987792] } })).status).toBe(200);
    expect(gets()).toBe(0);
    // In another pipeline: read, then ignored.
    cp.put('opportunity', { ...opportunity, id: 2827699, pipeline_id: 111 });
    expect((await cp.notify(hook.id, [2827699], { updated_attributes: { pipeline_stage_id: [987790, opportunity.pipeline_stage_id] } })).status).toBe(200);
    const at = '2024-05-01T10:00:00.000Z';
    expect((await cp.notify(hook.id, [opportunity.id], { updated_attributes: { pipeline_stage_id: [987790, opportunity.pipeline_stage_id] }, timestamp: at })).status).toBe(200);
    expect((await cp.notify(hook.id, [opportunity.id], { updated_attributes: { pipeline_stage_id: [987790, opportunity.pipeline_stage_id] }, timestamp: at })).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect((sent!.json as { payload: unknown }).payload).toEqual({
      type: 'opportunity', event: 'update', id: opportunity.id, updated_attributes: { pipeline_stage_id: [987790, opportunity.pipeline_stage_id] }, record: opportunity,
    });
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);
  });

  it("refuses a wrong, missing or another subscription's secret with 401, storing nothing", async () => {
    const sub = await subscribed('COPPER_TRIGGER_OPPORTUNITY_CREATED');
    const hook = hookFor(sub.id)!;
    const other = hookFor((await subscribed('COPPER_TRIGGER_OPPORTUNITY_CREATED')).id)!;
    expect((await cp.notify(hook.id, [opportunity.id], { secret: { opentriggers_secret: 'not-the-secret' } })).status).toBe(401);
    expect((await cp.notify(hook.id, [opportunity.id], { secret: {} })).status).toBe(401);
    expect((await cp.notify(hook.id, [opportunity.id], { secret: other.secret })).status).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
    expect(cp.requests.filter((r) => r.method === 'GET')).toEqual([]);
    // The genuine one is accepted: the refusals above were the secret's.
    expect((await cp.notify(hook.id, [opportunity.id])).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
  });

  it("maps Copper's errors at subscribe time and refuses bad input, storing nothing", async () => {
    cp.failNext(1, 422, { success: false, status: 422, message: 'Invalid input: Invalid URI For External Resource' });
    const r422 = await w.subscribe('COPPER_TRIGGER_LEAD_CREATED', {});
    expect(r422.status).toBe(422);
    expect(r422.body.message).toContain('Invalid URI For External Resource');
    cp.failNext(1, 429, { success: false, status: 429, message: 'Rate limit exceeded' });
    expect((await w.subscribe('COPPER_TRIGGER_LEAD_CREATED', {})).status).toBe(429);
    cp.failNext(1, 503);
    expect((await w.subscribe('COPPER_TRIGGER_LEAD_CREATED', {})).status).toBe(502);
    cp.failNext(1, 401, { success: false, status: 401, message: 'Invalid credentials' });
    const r401 = await w.subscribe('COPPER_TRIGGER_LEAD_CREATED', {});
    expect(r401.status).toBeGreaterThanOrEqual(400);
    expect(r401.text).not.toContain(cp.apiKey);

    const badParam = await w.subscribe('COPPER_TRIGGER_OPPORTUNITY_STAGE_CHANGED', { stageId: 'qualified' });
    expect(badParam.status).toBe(400);
    expect(badParam.text).toContain('stageId');

    // A credential without the owner's email: refused, naming extra.userEmail, before anything reaches Copper.
    const bare = await user.post(`${base}/credentials`, { integration: 'copper', apiKey: cp.apiKey, providerAccountId: 'someone' });
    expect(bare.status).toBe(201);
    const before = cp.requests.length;
    const noEmail = await w.subscribe('COPPER_TRIGGER_LEAD_CREATED', {}, { 'x-paragon-credential': bare.body.id as string });
    expect(noEmail.status).toBe(422);
    expect(noEmail.body.message).toContain('extra.userEmail');
    expect(noEmail.text).not.toContain(cp.apiKey);
    expect(cp.requests.length).toBe(before);

    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(cp.hooks.size).toBe(0);
  });
});
