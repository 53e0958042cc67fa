// What a process runs besides the core API, by role. Each background part and route group registers here,
// so main.ts stays a composition root and tests can start a service with exactly what they need.
import { deliveryWorkerRole } from './delivery/role.js';
import { scheduleBackstops } from './engine/backstop.js';
import { Poller } from './engine/poller.js';
import { Renewals } from './engine/renewals.js';
import { EventRetention } from './engine/retention.js';
import type { AppPlugin } from './http/app.js';
import { connectPlugin } from './http/routes/connect.js';
import { customTriggersPlugin } from './http/admin/custom-triggers.js';
import { dashboardPlugin } from './dashboard/plugin.js';
import { eventsPullPlugin } from './http/routes/events-pull.js';
import { hooksPlugin } from './http/routes/hooks.js';
import type { RoleStarter } from './main.js';

export function defaultPlugins(): AppPlugin[] {
  return [hooksPlugin(), eventsPullPlugin(), connectPlugin(), customTriggersPlugin(), dashboardPlugin()];
}

export const pollerRole: RoleStarter = async (svc) => {
  const poller = new Poller(svc.deps, { catalog: (p) => svc.subscriptions.catalogFor(p), metrics: svc.metrics });
  try {
    const scheduled = await scheduleBackstops(svc.deps, await svc.subscriptions.catalogs.builtin());
    if (scheduled > 0) svc.logger.info({ subscriptions: scheduled }, 'backstop syncs scheduled for existing webhook subscriptions');
  } catch (err) {
    // Not fatal: polling and new subscriptions work; the next start schedules these again.
    svc.logger.error({ err }, 'scheduling backstop syncs for existing webhook subscriptions failed');
  }
  poller.start();
  return poller;
};

/** Provider-subscription renewals and OAuth token refresh before expiry (src/engine/renewals.ts). */
export const renewalsRole: RoleStarter = (svc) => {
  const renewals = new Renewals(svc.deps, { catalog: (p) => svc.subscriptions.catalogFor(p), metrics: svc.metrics });
  renewals.start();
  return renewals;
};

/** Event retention, when OPENTRIGGERS_EVENT_RETENTION_DAYS is set (src/engine/retention.ts). */
export const retentionRole: RoleStarter = (svc) => {
  const days = svc.config.eventRetentionDays;
  if (days === null) return { stop: async () => {} };
  const retention = new EventRetention({ storage: svc.storage, logger: svc.logger, metrics: svc.metrics, now: svc.deps.now, retentionDays: days });
  retention.start();
  return retention;
};

export function defaultWorkers(): RoleStarter[] {
  return [pollerRole, deliveryWorkerRole(), renewalsRole, retentionRole];
}
