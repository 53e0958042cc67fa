// Event retention (OPENTRIGGERS_EVENT_RETENTION_DAYS): finished events older than the retention period
// give back their space — payload, deliveries, attempts — and stay only as dedupe markers (ADR 0016).
//
// Off unless configured: by default every event is kept, since the event log, replay and pull all read
// them. The sweep walks events by sequence number from a cursor kept in `meta`, so each pass starts where
// the last one stopped instead of walking past every marker left behind; it runs in batches, each its own
// short transaction, until it reaches events that are not old enough yet.
import type { Catalog } from './catalog.js';
import { HousekeepingPass, type HousekeepingOptions } from './housekeeping-pass.js';

const DAY_MS = 24 * 60 * 60_000;
const CURSOR_KEY = 'events.retention.cursor';

export interface RetentionOptions extends HousekeepingOptions {
  retentionDays: number;
  /** Trigger types whose expired events go altogether, leaving no marker (forgettableTriggerTypes). */
  forget?: ReadonlySet<string>;
}

/**
 * The triggers whose provider sends no repeat of an event older than the retention period: their source
 * declares redeliveryDays, at most retentionDays. A marker of such an event would never stop anything.
 */
export function forgettableTriggerTypes(catalog: Catalog, retentionDays: number): Set<string> {
  const out = new Set<string>();
  for (const t of catalog.triggers()) {
    if (t.source.kind !== 'poll' && t.source.redeliveryDays !== undefined && t.source.redeliveryDays <= retentionDays) out.add(t.type);
  }
  return out;
}

export class EventRetention extends HousekeepingPass {
  private readonly retentionDays: number;
  private readonly forget: ReadonlySet<string>;

  constructor(opts: RetentionOptions) {
    super(opts, 'event retention sweep failed');
    this.retentionDays = opts.retentionDays;
    this.forget = opts.forget ?? new Set();
  }

  /** One sweep, up to the first event not old enough; returns how many events expired. */
  protected async pass(): Promise<number> {
    const { storage } = this.opts;
    const before = this.now() - this.retentionDays * DAY_MS;
    let cursor = Number((await storage.meta.get(CURSOR_KEY)) ?? '0');
    let total = 0;
    await this.inBatches(async () => {
      const r = await storage.events.expire(before, cursor, this.batch, this.forget);
      total += r.expired;
      this.opts.metrics?.eventsExpired.inc(r.expired);
      if (r.cursor !== cursor) {
        cursor = r.cursor;
        // Saved after every batch: a restart (or another process, on PostgreSQL) goes on from here.
        // Two processes sweeping at once only repeat each other's work; expiring is idempotent.
        await storage.meta.set(CURSOR_KEY, String(cursor));
      }
      return r.more;
    });
    if (total > 0) this.opts.logger.info({ expired: total, retentionDays: this.retentionDays }, 'expired events past the retention period');
    return total;
  }
}
