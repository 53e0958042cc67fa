// What deleted subscriptions leave behind. A SEEN event (a polling baseline, or an event retention expired)
// only stops its subscription from recording the same item twice; once the subscription is deleted — ids
// are never reused — it stops nothing and is only space (ADR 0016). When a connected user's events are
// erased, whatever of their deleted subscriptions the erasure could not take at once goes as well, with
// their logs (ADR 0024). Storage remembers each deleted subscription (subscriptions.delete); this pass
// deletes what should go, in batches, each its own short transaction, in the worker role whether or not
// retention is on.
import { HousekeepingPass, type HousekeepingOptions } from './housekeeping-pass.js';

/**
 * How long after its deletion a subscription is left alone, at least. What was already under way when it
 * was deleted can still write: an inbound provider webhook that had read the subscription (its events
 * commit within milliseconds), a delivery attempt in flight (it records itself when it ends, within its
 * lease). What they add after the pass would stay forever. (Polls and syncs roll back instead:
 * SubscriptionDeleted.)
 */
export const DELETED_SUBSCRIPTIONS_GRACE_MS = 10 * 60_000;

export interface DeletedSubscriptionsOptions extends HousekeepingOptions {
  /** A delivery attempt's lease (deliveryLeaseMs): the grace period is at least twice that. */
  deliveryLeaseMs?: number;
}

export class DeletedSubscriptionsCleanup extends HousekeepingPass {
  private readonly graceMs: number;

  constructor(opts: DeletedSubscriptionsOptions) {
    super(opts, 'cleaning up after deleted subscriptions failed');
    this.graceMs = Math.max(DELETED_SUBSCRIPTIONS_GRACE_MS, 2 * (opts.deliveryLeaseMs ?? 0));
  }

  /** One pass, until no deleted subscription past the grace period is left; returns how many events went. */
  protected async pass(): Promise<number> {
    const deletedBefore = this.now() - this.graceMs;
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
