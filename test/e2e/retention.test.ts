// OPENTRIGGERS_EVENT_RETENTION_DAYS end to end: the setting, the worker role that sweeps, and what the admin
// API shows afterwards (src/engine/retention.ts); and the worker role that deletes the dedupe markers of
// deleted subscriptions (src/engine/deleted-subscriptions.ts). Storage behaviour in test/contract/retention.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { DELETED_SUBSCRIPTIONS_GRACE_MS, DeletedSubscriptionsCleanup } from '../../src/engine/deleted-subscriptions.js';
import { EventRetention } from '../../src/engine/retention.js';
import { deletedSubscriptionsRole, retentionRole } from '../../src/roles.js';
import { DIALECTS, rawRows, testKeyring } from '../helpers/databases.js';
import { slackIntegration } from '../../src/integrations/slack/integration.js';
import { TestClock } from '../helpers/clock.js';
import { startTestService } from '../helpers/service.js';
import { deliveryTestIntegration, startDeliveryWorld, TEST_TRIGGER, type DeliveryWorld } from './delivery-helpers.js';

const DAY = 24 * 60 * 60_000;

describe('event retention setting', () => {
  let w: DeliveryWorld | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it('is off unless set, and must be a positive number of days', () => {
    expect(loadConfig({}).eventRetentionDays).toBeNull();
    expect(loadConfig({ OPENTRIGGERS_EVENT_RETENTION_DAYS: '30' }).eventRetentionDays).toBe(30);
    for (const bad of ['0', '-1', '1.5', 'forever']) {
      expect(() => loadConfig({ OPENTRIGGERS_EVENT_RETENTION_DAYS: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ OPENTRIGGERS_EVENT_RETENTION_DAYS: bad })).toThrow(/OPENTRIGGERS_EVENT_RETENTION_DAYS: must be a positive integer/);
    }
  });

  it('without it the worker role sweeps nothing', async () => {
    w = await startDeliveryWorld('sqlite');
    const role = await retentionRole(w.t.svc, testKeyring());
    expect(role).not.toBeInstanceOf(EventRetention);
    await role.stop();
  });

  it.each(DIALECTS)('with it, a delivered event past the period leaves the event log (%s)', async (dialect) => {
    w = await startDeliveryWorld(dialect, { env: { OPENTRIGGERS_EVENT_RETENTION_DAYS: '7' } });
    const sub = await w.subscribe();
    const old = await w.emit(sub, { n: 'old' });
    await w.advance(0);
    expect((await w.eventLog(old.id)).status).toBe('DELIVERED');
    w.clock.advance(6 * DAY);
    const recent = await w.emit(sub, { n: 'recent' });
    await w.advance(0);
    w.clock.advance(2 * DAY);

    const role = await retentionRole(w.t.svc, testKeyring());
    expect(role).toBeInstanceOf(EventRetention);
    expect(await (role as EventRetention).runOnce()).toBe(1);
    await role.stop();
    const admin = w.t.admin;
    const base = `/admin/v1/projects/${w.project.id}/events`;
    expect((await admin.get(`${base}/${old.id}`)).status).toBe(404);
    expect((await admin.post(`${base}/${old.id}/redeliver`, {})).status).toBe(404);
    expect((await admin.get(base)).body.events.map((e: any) => e.id)).toEqual([recent.id]);
    expect((await w.eventLog(recent.id)).payload).toEqual({ n: 'recent' });
    const metrics = await fetch(`${w.t.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/^opentriggers_events_expired_total 1$/m);
  });

  it('leaves no marker of a Slack event past the period, and keeps one for a trigger that declares no redeliveryDays', async () => {
    const clock = new TestClock(Date.now());
    const t = await startTestService({ dialect: 'sqlite', now: clock.now, integrations: [slackIntegration, deliveryTestIntegration], env: { OPENTRIGGERS_EVENT_RETENTION_DAYS: '7' } });
    try {
      const storage = t.svc.storage;
      const project = await storage.projects.create({ name: 'p', webhookUrl: null, signingSecret: 'whsec_x' });
      const subscribe = (integration: string, triggerType: string) => storage.subscriptions.create({
        projectId: project.id, userId: 'user-1', credentialId: null, integration, triggerType, parameters: {}, webhookOverride: null,
        status: 'ACTIVE', error: null, state: {}, secret: null, nextPollAt: null, renewAt: null,
      });
      const slack = await subscribe('slack', 'SLACK_TRIGGER_CHANNEL_CREATED');
      const polled = await subscribe('deliverytest', TEST_TRIGGER);
      await storage.events.record([{ subscription: slack, dedupeKey: 'Ev1', payload: {} }, { subscription: polled, dedupeKey: 'item-1', payload: {} }], clock.now());
      const claimed = await storage.deliveries.claimDue(clock.now(), clock.now() + 60_000, 'w', 10);
      await storage.deliveries.complete(claimed.map((c) => ({ claimed: c.delivery, next: { kind: 'succeeded' as const } })), clock.now());
      clock.advance(8 * DAY);

      const role = await retentionRole(t.svc, testKeyring());
      expect(await (role as EventRetention).runOnce()).toBe(2);
      await role.stop();
      expect((await rawRows(t.db.url, 'events')).map((e: any) => `${e.status}:${e.dedupe_key}`)).toEqual(['SEEN:item-1']);
    } finally {
      await t.stop();
    }
  });

  it.each(DIALECTS)('a subscription deleted through the API loses its markers, not its event log (%s)', async (dialect) => {
    w = await startDeliveryWorld(dialect);
    const sub = await w.subscribe();
    const delivered = await w.emit(sub, { n: 'delivered' });
    await w.advance(0);
    const baseline = [1, 2, 3].map((i) => ({ subscription: sub, dedupeKey: `baseline-${i}`, payload: { i } }));
    await w.t.svc.storage.events.record(baseline, w.clock.now(), { seenOnly: true });
    const seen = async () => (await rawRows(w!.t.db.url, 'events')).filter((e: any) => e.status === 'SEEN').length;
    expect(await seen()).toBe(3);

    const del = await w.t.admin.delete(`/admin/v1/projects/${w.project.id}/users/user-1/trigger-subscriptions/${sub.id}`);
    expect(del.status).toBe(200);
    const role = await deletedSubscriptionsRole(w.t.svc, testKeyring());
    expect(role).toBeInstanceOf(DeletedSubscriptionsCleanup);
    const cleanup = role as DeletedSubscriptionsCleanup;
    expect(await cleanup.runOnce()).toBe(0); // just deleted: a poll still running could add markers
    w.clock.advance(DELETED_SUBSCRIPTIONS_GRACE_MS + 1);
    expect(await cleanup.runOnce()).toBe(3);
    await role.stop();
    expect(await seen()).toBe(0);
    expect((await w.eventLog(delivered.id)).payload).toEqual({ n: 'delivered' });
    const metrics = await fetch(`${w.t.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/^opentriggers_events_purged_total\{reason="marker"\} 3$/m);
  });
});
