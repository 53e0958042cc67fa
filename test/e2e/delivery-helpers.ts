// Shared set-up of the delivery end-to-end tests: a real service with the delivery worker on a test clock,
// a fake receiver, a project, and subscriptions made directly in storage (the integration runtime that
// detects events is not needed to test delivery).
import { defineIntegration, defineTrigger } from '../../src/sdk/index.js';
import { deliveryWorkerRole, type DeliveryWorkerOverrides } from '../../src/delivery/role.js';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { AppPlugin } from '../../src/http/app.js';
import type { StoredEvent, Subscription, WebhookOverride } from '../../src/storage/port.js';
import { TestClock } from '../helpers/clock.js';
import { startFakeReceiver, type FakeReceiver } from '../helpers/fake-receiver.js';
import { createTestProject, type TestProject } from '../helpers/project.js';
import { startTestService, type TestService } from '../helpers/service.js';

export const TEST_TRIGGER = 'DELIVERYTEST_TRIGGER_THING_HAPPENED';

/** A catalog entry for the subscriptions these tests create, so PATCH (re-activation) can look it up. */
export const deliveryTestIntegration = defineIntegration({
  key: 'deliverytest',
  name: 'Delivery test',
  auth: { kind: 'apiKey', header: 'authorization', prefix: 'Bearer ' },
  apiBaseUrl: 'http://127.0.0.1:9/',
  triggers: [
    defineTrigger({
      type: TEST_TRIGGER,
      title: 'Thing happened',
      description: 'Emitted by the tests through storage',
      parameters: [],
      examplePayload: { thing: 1 },
      source: { kind: 'poll', poll: async () => ({ items: [], cursor: null }) },
    }),
  ],
});

export interface DeliveryWorld {
  t: TestService;
  clock: TestClock;
  worker: DeliveryWorker;
  receiver: FakeReceiver;
  project: TestProject;
  subscribe(opts?: { userId?: string; webhookOverride?: WebhookOverride | null }): Promise<Subscription>;
  /** Record one event the way the engine does (event + delivery in one transaction). */
  emit(sub: Subscription, payload?: unknown): Promise<StoredEvent>;
  /** Move the clock and deliver everything then due. */
  advance(ms: number): Promise<void>;
  /** The admin event log entry: the event with deliveries and attempts. */
  eventLog(eventId: string): Promise<any>;
  close(): Promise<void>;
}

export async function startDeliveryWorld(
  dialect: 'sqlite' | 'postgres',
  opts: { env?: Record<string, string>; plugins?: AppPlugin[]; projectWebhookUrl?: string | null; worker?: DeliveryWorkerOverrides } = {},
): Promise<DeliveryWorld> {
  const receiver = await startFakeReceiver();
  // Start at the real time: standardwebhooks checks webhook-timestamp against the wall clock.
  const clock = new TestClock(Date.now());
  let worker: DeliveryWorker | undefined;
  const t = await startTestService({
    dialect,
    now: clock.now,
    integrations: [deliveryTestIntegration],
    plugins: opts.plugins ?? [],
    env: {
      OPENTRIGGERS_ALLOW_PRIVATE_WEBHOOK_URLS: 'true',
      OPENTRIGGERS_DELIVERY_TIMEOUT_MS: '400',
      OPENTRIGGERS_RETRY_SCHEDULE: '5,300,1800,3600',
      ...opts.env,
    },
    // random 0.5 = no jitter, so retry times are exact; no project cache, so settings changes apply at once.
    workers: [deliveryWorkerRole({ random: () => 0.5, projectCacheMs: 0, ...opts.worker }, (w) => (worker = w))],
  });
  const webhookUrl = opts.projectWebhookUrl === undefined ? receiver.url : opts.projectWebhookUrl;
  const project = await createTestProject(t.admin, webhookUrl ? { webhookUrl } : {});
  if (!worker) throw new Error('delivery worker did not start');
  const w = worker;
  let n = 0;
  return {
    t,
    clock,
    worker: w,
    receiver,
    project,
    async subscribe(o = {}) {
      const userId = o.userId ?? 'user-1';
      await t.svc.storage.users.touch(project.id, userId);
      return t.svc.storage.subscriptions.create({
        projectId: project.id, userId, credentialId: null, integration: 'deliverytest', triggerType: TEST_TRIGGER,
        parameters: {}, webhookOverride: o.webhookOverride ?? null, status: 'ACTIVE', error: null, state: {}, secret: null,
        nextPollAt: null, renewAt: null,
      });
    },
    async emit(sub, payload) {
      n++;
      const [e] = await t.svc.storage.events.record([{ subscription: sub, dedupeKey: `item-${n}`, payload: payload ?? { n } }], clock.now());
      if (!e) throw new Error('event was not recorded');
      return e;
    },
    async advance(ms) {
      clock.advance(ms);
      await w.drain();
    },
    async eventLog(eventId) {
      const r = await t.admin.get(`/admin/v1/projects/${project.id}/events/${eventId}`);
      if (r.status !== 200) throw new Error(`event log: ${r.status} ${r.text}`);
      return r.body;
    },
    async close() {
      await t.stop();
      await receiver.close();
    },
  };
}
