// One integration end to end: a fake webhook receiver, a real service with the delivery worker (and, for
// polling integrations, a Poller on the service's clock), a project that delivers to the receiver, the
// integration configured against its fake provider, and user-1 with a credential — what every
// test/integrations/<key>.e2e.test.ts starts from. The fake provider itself is the test's own.
import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { expect } from 'vitest';
import { deliveryWorkerRole } from '../../src/delivery/role.js';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Poller } from '../../src/engine/poller.js';
import { defaultPlugins } from '../../src/roles.js';
import type { IntegrationDefinition } from '../../src/sdk/index.js';
import type { ApiClient, ApiResponse } from './api-client.js';
import { headerMap, startFakeReceiver, type FakeReceiver, type RecordedRequest } from './fake-receiver.js';
import { createTestProject, type TestProject } from './project.js';
import { startTestService, type TestService } from './service.js';

export interface IntegrationWorldOptions {
  dialect: 'sqlite' | 'postgres';
  integration: IntegrationDefinition;
  /** The integration's configuration (the admin PUT body; `enabled: true` is added). */
  config: Record<string, unknown>;
  /** The service's clock (a TestClock's `now` for polling tests). */
  now?: () => number;
  /** Start a Poller, with the service polling every second; `close()` stops it. */
  poller?: boolean;
  /** user-1's credential (the POST /credentials body; `integration` is added); none when the test connects. */
  credential?: Record<string, unknown>;
  /** More service environment (settings under test). */
  env?: Record<string, string>;
}

export interface IntegrationWorld {
  t: TestService;
  receiver: FakeReceiver;
  project: TestProject;
  /** `/projects/{id}`, the prefix of the user API. */
  base: string;
  /** user-1's API client. */
  user: ApiClient;
  worker: DeliveryWorker;
  /** Present when started with `poller: true`. */
  poller?: Poller;
  /** The configured integration as the admin API answered it (e.g. its app `webhookUrl`). */
  config: Record<string, any>;
  /** The id of the credential made from `credential`. */
  credentialId?: string;
  /** The project's event log through the admin API, newest first. */
  events(limit?: number): Promise<Array<{ payload: any; triggerSubscriptionId: string }>>;
  /** user-1's `POST /trigger-subscriptions` for a trigger of this integration. */
  subscribe(type: string, parameters: Record<string, unknown>, headers?: Record<string, string>): Promise<ApiResponse>;
  close(): Promise<void>;
}

export interface SubscriptionBody {
  id: string;
  status: string;
  credentialId: string;
  parameters: Record<string, unknown>;
}

/** The TriggerSubscription of a subscribe call that must have succeeded (the answer's text says why not). */
export function subscriptionOf(r: ApiResponse): SubscriptionBody {
  expect(r.status, r.text).toBe(200);
  return r.body as SubscriptionBody;
}

export async function startIntegrationWorld(opts: IntegrationWorldOptions): Promise<IntegrationWorld> {
  const receiver = await startFakeReceiver();
  let worker: DeliveryWorker | undefined;
  const t = await startTestService({
    dialect: opts.dialect,
    ...(opts.now ? { now: opts.now } : {}),
    integrations: [opts.integration],
    plugins: defaultPlugins(),
    workers: [deliveryWorkerRole({ random: () => 0.5 }, (w) => (worker = w))],
    env: { OPENTRIGGERS_ALLOW_PRIVATE_WEBHOOK_URLS: 'true', ...(opts.poller ? { OPENTRIGGERS_POLL_INTERVAL_SECONDS: '1' } : {}), ...opts.env },
  });
  if (!worker) throw new Error('delivery worker did not start');
  const poller = opts.poller ? new Poller(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p), metrics: t.svc.metrics }) : undefined;
  const project = await createTestProject(t.admin, { webhookUrl: receiver.url });
  const base = `/projects/${project.id}`;
  const cfg = await t.admin.put(`/admin/v1/projects/${project.id}/integrations/${opts.integration.key}`, { enabled: true, ...opts.config });
  if (cfg.status !== 200) throw new Error(`configure ${opts.integration.key} failed: ${cfg.status} ${cfg.text}`);
  const user = await project.userClient('user-1');
  let credentialId: string | undefined;
  if (opts.credential) {
    const cred = await user.post(`${base}/credentials`, { integration: opts.integration.key, ...opts.credential });
    if (cred.status !== 201) throw new Error(`create credential failed: ${cred.status} ${cred.text}`);
    credentialId = cred.body.id as string;
  }
  return {
    t, receiver, project, base, user, worker, config: cfg.body, ...(poller ? { poller } : {}), ...(credentialId ? { credentialId } : {}),
    async events(limit = 100) {
      return (await t.admin.get(`/admin/v1/projects/${project.id}/events?limit=${limit}`)).body.events;
    },
    subscribe(type, parameters, headers) {
      return user.post(`${base}/trigger-subscriptions`, { integration: opts.integration.key, type, parameters }, headers);
    },
    async close() {
      await poller?.stop();
      await t.stop();
      await receiver.close();
    },
  };
}

/**
 * A delivery as a project's webhook receiver gets it: Standard Webhooks headers that verify with the project's
 * signing secret, and the Paragon-compatible `x-paragon-signature` (v1 = hex HMAC-SHA256 of the body).
 */
export function expectSignedDelivery(req: RecordedRequest, signingSecret: string): void {
  const h = headerMap(req);
  expect(new Webhook(signingSecret).verify(req.rawBody.toString('utf8'), h)).toEqual(req.json);
  expect(h['x-paragon-signature']).toBe(`v1=${createHmac('sha256', signingSecret).update(req.rawBody).digest('hex')}`);
}
