// What deleted subscriptions leave behind. A SEEN event (a polling baseline, or an event retention expired)
// only stops its subscription from recording the same item twice; once the subscription is deleted — ids
// are never reused — it stops nothing and is only space (ADR 0016). When a connected user's events are
// erased, whatever of their deleted subscriptions the erasure could not take at once goes as well, with
// their logs (ADR 0024). Storage remembers each deleted subscription (subscriptions.delete); this pass
// deletes what should go, in batches, each its own short transaction, in the worker role whether or not
// retention is on.
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.js';
import type { Storage } from '../storage/port.js';
import { POLL_LEASE_MS } from './poller.js';
import { PeriodicPass } from './periodic-pass.js';

/**
 * How long after its deletion a subscription is left alone. A poll that read the subscription just before
 * it was deleted can still record (its lease bounds it), and an attempt in flight still records itself;
 * what they add after the pass would stay forever.
 */
export const DELETED_SUBSCRIPTIONS_GRACE_MS = 5 * POLL_LEASE_MS;

export interface DeletedSubscriptionsOptions {
  storage: Storage;
  logger: Logger;
  metrics?: Metrics;
  now?: () => number;
  /** Pause between passes (default 60 s). */
  intervalMs?: number;
  /** Events deleted per transaction (default 500). */
  batch?: number;
}

export class DeletedSubscriptionsCleanup {
  private readonly periodic: PeriodicPass<number>;
  private readonly now: () => number;
  private readonly batch: number;

  constructor(private readonly opts: DeletedSubscriptionsOptions) {
    this.now = opts.now ?? Date.now;
    this.batch = opts.batch ?? 500;
    this.periodic = new PeriodicPass(() => this.pass(), opts.intervalMs ?? 60_000, (err) =>
      this.opts.logger.error({ err }, 'cleaning up after deleted subscriptions failed; the next pass continues'));
  }

  start(): void {
    this.periodic.start();
  }

  async stop(): Promise<void> {
    await this.periodic.stop();
  }

  /** One pass, until no deleted subscription past the grace period is left; returns how many events went. */
  runOnce(): Promise<number> {
    return this.periodic.runOnce();
  }

  private async pass(): Promise<number> {
    const deletedBefore = this.now() - DELETED_SUBSCRIPTIONS_GRACE_MS;
    let markers = 0;
    let erased = 0;
    for (;;) {
      const r = await this.opts.storage.events.purgeDeletedSubscription(deletedBefore, this.batch);
      markers += r.markers;
      erased += r.erased;
      this.opts.metrics?.eventsPurged.inc({ reason: 'marker' }, r.markers);
      this.opts.metrics?.eventsPurged.inc({ reason: 'erasure' }, r.erased);
      if (!r.more || this.periodic.stopped) break;
      // Let the event loop serve requests between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (markers + erased > 0) this.opts.logger.info({ markers, erased }, 'deleted what deleted subscriptions left behind');
    return markers + erased;
  }
}
