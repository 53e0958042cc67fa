// The delivery worker as a background role of the service (registered in roles.ts).
import type { RoleStarter } from '../main.js';
import { DeliveryWorker, type DeliveryWorkerOptions } from './worker.js';

export type DeliveryWorkerOverrides = Partial<Omit<DeliveryWorkerOptions, 'storage' | 'logger' | 'metrics'>>;

/**
 * Starts one delivery worker per process from the service's config. Tests pass overrides (jitter source,
 * lease) and `onStart` to get hold of the worker, e.g. to `drain()` it after advancing their clock.
 */
export function deliveryWorkerRole(overrides: DeliveryWorkerOverrides = {}, onStart?: (worker: DeliveryWorker) => void): RoleStarter {
  return (svc) => {
    const worker = new DeliveryWorker({
      storage: svc.storage,
      logger: svc.logger,
      metrics: svc.metrics,
      now: svc.deps.now,
      retryScheduleSeconds: svc.config.retryScheduleSeconds,
      timeoutMs: svc.config.deliveryTimeoutMs,
      allowPrivate: svc.config.allowPrivateWebhookUrls,
      concurrency: svc.config.deliveryConcurrency,
      ...overrides,
    });
    worker.start();
    onStart?.(worker);
    return worker;
  };
}
