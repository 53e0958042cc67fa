// Figma end to end through the public API, on SQLite and PostgreSQL: subscribe → a webhook is created at the
// fake Figma (the trigger's event type, the team/project/file context, our per-subscription endpoint, a fresh
// passcode) → the PING Figma sends while creating it is acknowledged and delivers nothing → an event with the
// passcode → exactly one signed delivery of the body (without the passcode) → Figma's retry adds nothing →
// unsubscribe → the webhook is deleted. Plus wrong and missing passcodes (401, nothing stored), Figma's
// refusals at subscribe time, and the hourly check that creates the webhook again when it was deleted or
// paused (ADR 0018).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import { figmaIntegration } from '../../src/integrations/figma/integration.js';
import fileComment from '../../src/integrations/figma/fixtures/file-comment.json' with { type: 'json' };
import fileVersion from '../../src/integrations/figma/fixtures/file-version-update.json' with { type: 'json' };
import libraryPublish from '../../src/integrations/figma/fixtures/library-publish.json' with { type: 'json' };
import fileDelete from '../../src/integrations/figma/fixtures/file-delete.json' with { type: 'json' };
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld, subscriptionOf } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeFigma, type FakeFigma, type FigmaDelivery, type FigmaWebhook } from '../providers/figma.js';

const TOKEN = 'figu_valid-token-for-tests';
const TEAM = { teamId: '1234567890' };

const PAYLOADS: Record<string, Record<string, unknown>> = {
  FIGMA_TRIGGER_FILE_COMMENT: fileComment,
  FIGMA_TRIGGER_FILE_VERSION_UPDATE: fileVersion,
  FIGMA_TRIGGER_LIBRARY_PUBLISH: libraryPublish,
  FIGMA_TRIGGER_FILE_DELETE: fileDelete,
};

/** What the project receives: the body Figma sent, without the passcode. */
const delivered = (d: FigmaDelivery) => {
  const { passcode: _p, ...rest } = JSON.parse(d.body) as Record<string, unknown>;
  return rest;
};

describe.each(DIALECTS)('Figma end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let fg: FakeFigma;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribe = (type: string, parameters: Record<string, unknown> = TEAM, headers?: Record<string, string>) => w.subscribe(type, parameters, headers);
  const subscribed = async (type: string, parameters: Record<string, unknown> = TEAM) => subscriptionOf(await subscribe(type, parameters));
  const hookFor = (subscriptionId: string): FigmaWebhook | undefined => [...fg.webhooks.values()].find((h) => h.endpoint === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    fg = await startFakeFigma();
    fg.validTokens.add(TOKEN);
    fg.contexts.push(
      { context: 'team', id: '1234567890', role: 'admin' },
      { context: 'team', id: '555', role: 'editor' },
      { context: 'project', id: '98765432', role: 'editor' },
      { context: 'file', id: 'CL06nJNn5eZLQKDoARMND5', role: 'editor' },
    );
    w = await startIntegrationWorld({
      dialect,
      integration: figmaIntegration,
      config: { clientId: 'figma-client-id', clientSecret: 'figma-client-secret', apiBaseUrl: fg.url },
      credential: { accessToken: TOKEN },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
    expect(w.config.webhookUrl).toBeNull(); // per-subscription webhooks: nothing to paste
  });
  afterEach(async () => {
    await w.close();
    await fg.close();
  });

  it('file comment: webhook created, PING acknowledged without a delivery, one signed delivery, retry deduplicated, webhook deleted', async () => {
    const sub = await subscribed('FIGMA_TRIGGER_FILE_COMMENT');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ event_type: 'FILE_COMMENT', context: 'team', context_id: '1234567890', endpoint: `${t.url}/hooks/s/${sub.id}`, status: 'ACTIVE' });
    expect(hook.passcode).toMatch(/^[0-9a-f]{64}$/);
    expect(fg.requests.find((r) => r.path === '/v2/webhooks')).toMatchObject({ method: 'POST', auth: `Bearer ${TOKEN}` });

    // Figma pinged the endpoint while the create call was still running: acknowledged, nothing stored.
    expect(fg.pings.map((p) => p.webhookId)).toEqual([hook.id]);
    expect(fg.pings[0]!.responses).toEqual([200]);
    // A PING now that the subscription exists: acknowledged too, still nothing.
    const again = await fetch(hook.endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: fg.pings[0]!.body });
    expect([again.status, await again.json()]).toEqual([200, { webhook_id: hook.id }]);
    await worker.drain();
    expect(await w.events()).toEqual([]);

    const first = await fg.deliver(hook.id, fileComment);
    expect(first.responses).toEqual([200]);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      userId: 'user-1', integration: 'figma', triggerType: 'FIGMA_TRIGGER_FILE_COMMENT', triggerSubscriptionId: sub.id,
      credentialId, projectId: project.id, payload: delivered(first),
    });
    expect(JSON.stringify(sent!.json)).not.toContain(hook.passcode);
    expectSignedDelivery(sent!, project.signingSecret);

    // Figma retries the same body (and may report the same comment twice): stored once.
    expect((await fg.retry(first)).responses).toEqual([200, 200]);
    expect((await fg.deliver(hook.id, fileComment)).responses).toEqual([200]);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(fg.webhooks.size).toBe(0);
    expect(fg.deletedWebhooks.map((h) => h.id)).toEqual([hook.id]);
    expect(fg.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/v2/webhooks/${hook.id}` });
  });

  it('every trigger: its own webhook, event type and context, delivered once; all webhooks deleted', async () => {
    const contexts: Array<Record<string, unknown>> = [TEAM, { projectId: '98765432' }, { fileKey: 'CL06nJNn5eZLQKDoARMND5' }, TEAM];
    const subs = new Map<string, string>();
    for (const [i, trigger] of figmaIntegration.triggers.entries()) subs.set(trigger.type, (await subscribed(trigger.type, contexts[i])).id);
    expect([...fg.webhooks.values()].map((h) => [h.event_type, h.context, h.context_id])).toEqual([
      ['FILE_COMMENT', 'team', '1234567890'],
      ['FILE_VERSION_UPDATE', 'project', '98765432'],
      ['LIBRARY_PUBLISH', 'file', 'CL06nJNn5eZLQKDoARMND5'],
      ['FILE_DELETE', 'team', '1234567890'],
    ]);
    expect(fg.pings.flatMap((p) => p.responses)).toEqual([200, 200, 200, 200]);
    const sentBodies = new Map<string, unknown>();
    for (const trigger of figmaIntegration.triggers) {
      const hook = hookFor(subs.get(trigger.type)!)!;
      const d = await fg.deliver(hook.id, PAYLOADS[trigger.type]!);
      expect(d.responses, trigger.type).toEqual([200]);
      expect((await fg.retry(d)).responses.at(-1)).toBe(200);
      sentBodies.set(trigger.type, delivered(d));
    }
    await worker.drain();
    await receiver.waitFor(figmaIntegration.triggers.length);
    await worker.drain();
    const got = receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: unknown });
    expect(got.map((g) => g.triggerType).sort()).toEqual(figmaIntegration.triggers.map((x) => x.type).sort());
    for (const g of got) {
      expect(g.triggerSubscriptionId).toBe(subs.get(g.triggerType));
      expect(g.payload).toEqual(sentBodies.get(g.triggerType));
    }
    for (const id of subs.values()) expect((await user.delete(`${base}/trigger-subscriptions/${id}`)).body).toEqual({ success: true });
    expect(fg.webhooks.size).toBe(0);
  });

  it('refuses wrong, missing and foreign passcodes with 401 and stores nothing', async () => {
    const sub = await subscribed('FIGMA_TRIGGER_FILE_DELETE');
    const other = await subscribed('FIGMA_TRIGGER_FILE_DELETE');
    const hook = hookFor(sub.id)!;
    expect((await fg.deliver(hook.id, fileDelete, { passcode: 'not-the-passcode' })).responses).toEqual([401]);
    expect((await fg.deliver(hook.id, fileDelete, { passcode: null })).responses).toEqual([401]);
    expect((await fg.deliver(hook.id, fileDelete, { passcode: hookFor(other.id)!.passcode })).responses).toEqual([401]);
    expect((await fg.deliver(hook.id, fileDelete, { passcode: hook.passcode.toUpperCase() })).responses).toEqual([401]);
    const notJson = await fetch(hook.endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'passcode' });
    expect(notJson.status).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('reports Figma refusals at subscribe time and stores nothing: no context, no permission, unknown team, rate limit, 5xx, invalid token', async () => {
    const none = await subscribe('FIGMA_TRIGGER_FILE_COMMENT', {});
    expect(none.status).toBe(422);
    expect(none.body.message).toContain('exactly one of the parameters teamId, projectId and fileKey');
    const badParam = await subscribe('FIGMA_TRIGGER_FILE_COMMENT', { teamId: '../1' });
    expect(badParam.status).toBe(400);
    expect(badParam.body.message).toContain('parameters.teamId');
    const editor = await subscribe('FIGMA_TRIGGER_FILE_COMMENT', { teamId: '555' });
    expect(editor.status).toBe(422);
    expect(editor.body.message).toContain('You do not have permission to create webhooks for this team');
    const unknown = await subscribe('FIGMA_TRIGGER_FILE_COMMENT', { teamId: '999' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toContain('HTTP 404');
    fg.rateLimitNext(60);
    expect((await subscribe('FIGMA_TRIGGER_FILE_COMMENT')).status).toBe(429);
    fg.failNext(1, 502);
    expect((await subscribe('FIGMA_TRIGGER_FILE_COMMENT')).status).toBe(502);
    const revoked = await user.post(`${base}/credentials`, { integration: 'figma', accessToken: 'figu_revoked' });
    const invalid = await subscribe('FIGMA_TRIGGER_FILE_COMMENT', TEAM, { 'x-paragon-credential': revoked.body.id });
    expect(invalid.status).toBe(422);
    expect(invalid.body.message).toContain('Invalid token');
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(fg.webhooks.size).toBe(0);
    expect(JSON.stringify([none.body, editor.body, unknown.body, invalid.body])).not.toContain(TOKEN);
  });

  it('checks the webhook every hour: one deleted or paused at Figma is created again and delivers', async () => {
    const sub = await subscribed('FIGMA_TRIGGER_FILE_VERSION_UPDATE', { fileKey: 'CL06nJNn5eZLQKDoARMND5' });
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p), metrics: t.svc.metrics });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });
    const logs = async () => JSON.stringify((await t.admin.get(`/admin/v1/projects/${project.id}/subscriptions/${sub.id}/logs`)).body);

    const first = hookFor(sub.id)!;
    const before = fg.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(fg.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v2/webhooks/${first.id}`]);

    // Deleted at Figma: a new webhook with a new passcode; the old passcode opens nothing.
    fg.webhooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect(second.id).not.toBe(first.id);
    expect(second.passcode).not.toBe(first.passcode);
    expect(second).toMatchObject({ event_type: 'FILE_VERSION_UPDATE', context: 'file', context_id: 'CL06nJNn5eZLQKDoARMND5' });
    expect(fg.pings.at(-1)!.responses).toEqual([200]);
    expect(await logs()).toContain('the webhook was deleted at the provider (found by the hourly check); registered it again with a new secret');
    expect((await fg.deliver(second.id, fileVersion, { passcode: first.passcode })).responses).toEqual([401]);
    expect((await fg.deliver(second.id, fileVersion)).responses).toEqual([200]);
    await worker.drain();
    await receiver.waitFor(1);

    // Paused at Figma (it sends nothing then): deleted and created again.
    second.status = 'PAUSED';
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    expect(fg.deletedWebhooks.map((h) => h.id)).toEqual([second.id]);
    const third = hookFor(sub.id)!;
    expect([third.id === second.id, third.status]).toEqual([false, 'ACTIVE']);
    expect(fg.webhooks.size).toBe(1);
    const next = { ...fileVersion, version_id: '309185999' };
    expect((await fg.deliver(third.id, next)).responses).toEqual([200]);
    await worker.drain();
    await receiver.waitFor(2);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });

  it('unsubscribes when the webhook is already gone (404)', async () => {
    const gone = await subscribed('FIGMA_TRIGGER_LIBRARY_PUBLISH');
    fg.webhooks.delete(hookFor(gone.id)!.id);
    expect((await user.delete(`${base}/trigger-subscriptions/${gone.id}`)).body).toEqual({ success: true });
  });
});
