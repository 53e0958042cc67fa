// A background housekeeping pass over the database (event retention, what deleted subscriptions leave
// behind): every minute by default, in batches, each its own short transaction, yielding to the event loop
// between them so that requests are served meanwhile.
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.js';
import type { Storage } from '../storage/port.js';
import { PeriodicPass } from './periodic-pass.js';

/**
 * Run `batch` until it answers that there is no more (or `stopped` says so), letting the event loop serve
 * requests between batches. Long deletions run this way: housekeeping passes, a user's erasure.
 */
export async function inBatches(batch: () => Promise<boolean>, stopped: () => boolean = () => false): Promise<void> {
  while ((await batch()) && !stopped()) await new Promise((resolve) => setImmediate(resolve));
}

export interface HousekeepingOptions {
  storage: Storage;
  logger: Logger;
  metrics?: Metrics;
  now?: () => number;
  /** Pause between passes (default 60 s). */
  intervalMs?: number;
  /** Events per transaction (default 500). */
  batch?: number;
}

export abstract class HousekeepingPass {
  protected readonly now: () => number;
  protected readonly batch: number;
  private readonly periodic: PeriodicPass<number>;

  constructor(protected readonly opts: HousekeepingOptions, failure: string) {
    this.now = opts.now ?? Date.now;
    this.batch = opts.batch ?? 500;
    this.periodic = new PeriodicPass(() => this.pass(), opts.intervalMs ?? 60_000, (err) =>
      opts.logger.error({ err }, `${failure}; the next pass continues`));
  }

  start(): void {
    this.periodic.start();
  }

  async stop(): Promise<void> {
    await this.periodic.stop();
  }

  /** One pass now (a call while one runs shares it); returns how many events it changed. */
  runOnce(): Promise<number> {
    return this.periodic.runOnce();
  }

  protected abstract pass(): Promise<number>;

  /** Run `batch` until it answers that there is no more, or the pass is stopped. */
  protected inBatches(batch: () => Promise<boolean>): Promise<void> {
    return inBatches(batch, () => this.periodic.stopped);
  }
}
