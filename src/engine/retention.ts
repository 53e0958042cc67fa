// Event retention (OPENTRIGGERS_EVENT_RETENTION_DAYS): finished events older than the retention period
// give back their space — payload, deliveries, attempts — and stay only as dedupe markers (ADR 0016).
//
// Off unless configured: by default every event is kept, since the event log, replay and pull all read
// them. The sweep walks events by sequence number from a cursor kept in `meta`, so each pass starts where
// the last one stopped instead of walking past every marker left behind; it runs in batches, each its own
// short transaction, until it reaches events that are not old enough yet.
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.js';
import type { Storage } from '../storage/port.js';
import { PeriodicPass } from './periodic-pass.js';

const DAY_MS = 24 * 60 * 60_000;
const CURSOR_KEY = 'events.retention.cursor';

export interface RetentionOptions {
  storage: Storage;
  logger: Logger;
  metrics?: Metrics;
  now?: () => number;
  retentionDays: number;
  /** Pause between sweeps (default 60 s). */
  intervalMs?: number;
  /** Events examined per transaction (default 500). */
  batch?: number;
}

export class EventRetention {
  private readonly periodic: PeriodicPass<number>;
  private readonly now: () => number;
  private readonly batch: number;

  constructor(private readonly opts: RetentionOptions) {
    this.now = opts.now ?? Date.now;
    this.batch = opts.batch ?? 500;
    this.periodic = new PeriodicPass(() => this.sweep(), opts.intervalMs ?? 60_000, (err) =>
      this.opts.logger.error({ err }, 'event retention sweep failed; the next one continues'));
  }

  start(): void {
    this.periodic.start();
  }

  async stop(): Promise<void> {
    await this.periodic.stop();
  }

  /** One sweep, up to the first event not old enough; returns how many events expired. Concurrent calls share it. */
  runOnce(): Promise<number> {
    return this.periodic.runOnce();
  }

  private async sweep(): Promise<number> {
    const { storage } = this.opts;
    const before = this.now() - this.opts.retentionDays * DAY_MS;
    let cursor = Number((await storage.meta.get(CURSOR_KEY)) ?? '0');
    let total = 0;
    for (;;) {
      const r = await storage.events.expire(before, cursor, this.batch);
      total += r.expired;
      this.opts.metrics?.eventsExpired.inc(r.expired);
      if (r.cursor !== cursor) {
        cursor = r.cursor;
        // Saved after every batch: a restart (or another process, on PostgreSQL) goes on from here.
        // Two processes sweeping at once only repeat each other's work; expiring is idempotent.
        await storage.meta.set(CURSOR_KEY, String(cursor));
      }
      if (!r.more || this.periodic.stopped) break;
      // Let the event loop serve requests between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (total > 0) this.opts.logger.info({ expired: total, retentionDays: this.opts.retentionDays }, 'expired events past the retention period');
    return total;
  }
}
