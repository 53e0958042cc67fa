// What deleted subscriptions leave behind. A SEEN event (a polling baseline, or an event retention expired)
// only stops its subscription from recording the same item twice; once the subscription is deleted — ids
// are never reused — it stops nothing and is only space (ADR 0016). When a connected user's events are
// erased, whatever of their deleted subscriptions the erasure could not take at once goes as well, with
// their logs (ADR 0024). Storage remembers each deleted subscription (subscriptions.delete); this pass
// deletes what should go, in batches, each its own short transaction, in the worker role whether or not
// retention is on.
import { HousekeepingPass, type HousekeepingOptions } from './housekeeping-pass.js';
import { POLL_LEASE_MS } from './poller.js';

/**
 * How long after its deletion a subscription is left alone. A poll that read the subscription just before
 * it was deleted can still record (its lease bounds it), and an attempt in flight still records itself;
 * what they add after the pass would stay forever.
 */
export const DELETED_SUBSCRIPTIONS_GRACE_MS = 5 * POLL_LEASE_MS;

export class DeletedSubscriptionsCleanup extends HousekeepingPass {
  constructor(opts: HousekeepingOptions) {
    super(opts, 'cleaning up after deleted subscriptions failed');
  }

  /** One pass, until no deleted subscription past the grace period is left; returns how many events went. */
  protected async pass(): Promise<number> {
    const deletedBefore = this.now() - DELETED_SUBSCRIPTIONS_GRACE_MS;
    let markers = 0;
    let erased = 0;
    await this.inBatches(async () => {
      const r = await this.opts.storage.events.purgeDeletedSubscription(deletedBefore, this.batch);
      markers += r.markers;
      erased += r.erased;
      this.opts.metrics?.eventsPurged.inc({ reason: 'marker' }, r.markers);
      this.opts.metrics?.eventsPurged.inc({ reason: 'erasure' }, r.erased);
      return r.more;
    });
    if (markers + erased > 0) this.opts.logger.info({ markers, erased }, 'deleted what deleted subscriptions left behind');
    return markers + erased;
  }
}
