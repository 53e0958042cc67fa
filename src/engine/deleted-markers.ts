// Dedupe markers of deleted subscriptions. A SEEN event (a polling baseline, or an event retention expired)
// only stops its subscription from recording the same item twice; once the subscription is deleted —
// ids are never reused — it stops nothing and is only space. Storage remembers each deleted subscription
// (subscriptions.delete); this pass deletes their markers in batches, each its own short transaction, and
// runs in the worker role whether or not retention is on (ADR 0016).
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.js';
import type { Storage } from '../storage/port.js';
import { POLL_LEASE_MS } from './poller.js';
import { PeriodicPass } from './periodic-pass.js';

/**
 * How long after its deletion a subscription's markers are left alone. A poll that read the subscription
 * just before it was deleted can still record (its lease bounds it); markers it adds after the pass would
 * stay forever.
 */
export const DELETED_MARKERS_GRACE_MS = 5 * POLL_LEASE_MS;

export interface DeletedMarkersOptions {
  storage: Storage;
  logger: Logger;
  metrics?: Metrics;
  now?: () => number;
  /** Pause between passes (default 60 s). */
  intervalMs?: number;
  /** Markers deleted per transaction (default 500). */
  batch?: number;
}

export class DeletedMarkersCleanup {
  private readonly periodic: PeriodicPass<number>;
  private readonly now: () => number;
  private readonly batch: number;

  constructor(private readonly opts: DeletedMarkersOptions) {
    this.now = opts.now ?? Date.now;
    this.batch = opts.batch ?? 500;
    this.periodic = new PeriodicPass(() => this.pass(), opts.intervalMs ?? 60_000, (err) =>
      this.opts.logger.error({ err }, 'deleting markers of deleted subscriptions failed; the next pass continues'));
  }

  start(): void {
    this.periodic.start();
  }

  async stop(): Promise<void> {
    await this.periodic.stop();
  }

  /** One pass, until no deleted subscription past the grace period is left; returns how many markers went. */
  runOnce(): Promise<number> {
    return this.periodic.runOnce();
  }

  private async pass(): Promise<number> {
    const deletedBefore = this.now() - DELETED_MARKERS_GRACE_MS;
    let total = 0;
    for (;;) {
      const r = await this.opts.storage.events.deleteOrphanMarkers(deletedBefore, this.batch);
      total += r.deleted;
      this.opts.metrics?.markersDeleted.inc(r.deleted);
      if (!r.more || this.periodic.stopped) break;
      // Let the event loop serve requests between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (total > 0) this.opts.logger.info({ markers: total }, 'deleted the dedupe markers of deleted subscriptions');
    return total;
  }
}
