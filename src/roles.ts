// What a process runs besides the core API, by role. Each background part and route group registers here,
// so main.ts stays a composition root and tests can start a service with exactly what they need.
import { deliveryWorkerRole } from './delivery/role.js';
import { deliveryLeaseMs } from './delivery/worker.js';
import { scheduleBackstops } from './engine/backstop.js';
import type { Catalog } from './engine/catalog.js';
import { Poller } from './engine/poller.js';
import { Renewals, scheduleRegistrationChecks } from './engine/renewals.js';
import { DeletedSubscriptionsCleanup } from './engine/deleted-subscriptions.js';
import { EventRetention, forgettableTriggerTypes } from './engine/retention.js';
import type { AppPlugin } from './http/app.js';
import { connectPlugin } from './http/routes/connect.js';
import { customTriggersPlugin } from './http/admin/custom-triggers.js';
import { dashboardPlugin } from './dashboard/plugin.js';
import { eventsPullPlugin } from './http/routes/events-pull.js';
import { hooksPlugin } from './http/routes/hooks.js';
import type { BackgroundRole, RoleStarter, Service } from './main.js';

export function defaultPlugins(): AppPlugin[] {
  return [hooksPlugin(), eventsPullPlugin(), connectPlugin(), customTriggersPlugin(), dashboardPlugin()];
}

/**
 * Start a background part after giving existing subscriptions a schedule they lack (made before that kind
 * of schedule existed). Never fatal: the part works for everything else, and the next start tries again.
 */
async function startScheduled<T extends BackgroundRole & { start(): void }>(svc: Service, what: string, schedule: (c: Catalog) => Promise<number>, part: T): Promise<T> {
  try {
    const scheduled = await schedule(await svc.subscriptions.catalogs.builtin());
    if (scheduled > 0) svc.logger.info({ subscriptions: scheduled }, `${what} scheduled for existing webhook subscriptions`);
  } catch (err) {
    svc.logger.error({ err }, `scheduling ${what} for existing webhook subscriptions failed`);
  }
  part.start();
  return part;
}

/** Polling, and backstop syncs of webhook subscriptions (src/engine/poller.ts, backstop.ts). */
export const pollerRole: RoleStarter = (svc) =>
  startScheduled(svc, 'backstop syncs', (c) => scheduleBackstops(svc.deps, c), new Poller(svc.deps, { catalog: (p) => svc.subscriptions.catalogFor(p), metrics: svc.metrics }));

/** Provider-subscription renewals and registration checks, OAuth token refresh before expiry (src/engine/renewals.ts). */
export const renewalsRole: RoleStarter = (svc) =>
  startScheduled(svc, 'registration checks', (c) => scheduleRegistrationChecks(svc.deps, c), new Renewals(svc.deps, { catalog: (p) => svc.subscriptions.catalogFor(p), metrics: svc.metrics }));

/** Event retention, when OPENTRIGGERS_EVENT_RETENTION_DAYS is set (src/engine/retention.ts). */
export const retentionRole: RoleStarter = async (svc) => {
  const days = svc.config.eventRetentionDays;
  if (days === null) return { stop: async () => {} };
  // Built-in triggers only: a project's custom triggers declare no redeliveryDays and keep their markers.
  const forget = forgettableTriggerTypes(await svc.subscriptions.catalogs.builtin(), days);
  const retention = new EventRetention({ storage: svc.storage, logger: svc.logger, metrics: svc.metrics, now: svc.deps.now, retentionDays: days, forget });
  retention.start();
  return retention;
};

/** Deleting what deleted subscriptions leave behind, always on (src/engine/deleted-subscriptions.ts). */
export const deletedSubscriptionsRole: RoleStarter = (svc) => {
  const cleanup = new DeletedSubscriptionsCleanup({
    storage: svc.storage, logger: svc.logger, metrics: svc.metrics, now: svc.deps.now, deliveryLeaseMs: deliveryLeaseMs(svc.config.deliveryTimeoutMs),
  });
  cleanup.start();
  return cleanup;
};

export function defaultWorkers(): RoleStarter[] {
  return [pollerRole, deliveryWorkerRole(), renewalsRole, retentionRole, deletedSubscriptionsRole];
}
