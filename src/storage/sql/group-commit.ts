// Group commit: independent writes that arrive together share one transaction.
//
// Every inbound provider webhook stores its events before it is acknowledged. One transaction per request
// made the commit itself (WAL append on SQLite, a round trip and fsync on PostgreSQL) the dominant cost of
// the whole pipeline (docs/benchmarks.md). Requests that are ready in the same turn of the event loop, and
// those that arrive while a commit is running, are written together instead: latency stays one commit at
// light load, and the cost per event falls as the load rises. Each caller still learns only of its own
// rows, and nothing is acknowledged before its commit.
//
// Under load a short linger makes the groups larger: a commit's cost is mostly the pages it writes, and
// events of one group share the table's and the ordered indexes' newest pages. How long to wait is the
// caller's policy (`linger`, see linger.ts: longer the busier the event loop); at light load nothing waits
// (bench/hot-path-changes.md, seventh and eighth rounds).

export interface GroupCommitOptions<Job, Result> {
  /** Write every job in one transaction; results in the jobs' order. Throws if the transaction failed. */
  runBatch: (jobs: Job[]) => Promise<Result[]>;
  /** Most jobs in one transaction. */
  maxBatch: number;
  /**
   * Milliseconds the next commit waits for more jobs, asked when a job finds no commit pending; 0 (the
   * default) commits in the next turn of the event loop. `lastBatchSize`: jobs in the previous commit.
   */
  linger?: (lastBatchSize: number) => number;
}

interface Waiting<Job, Result> {
  job: Job;
  resolve: (r: Result) => void;
  reject: (err: unknown) => void;
}

export class GroupCommit<Job, Result> {
  private waiting: Waiting<Job, Result>[] = [];
  private draining = false;
  private lastBatchSize = 0;

  constructor(private readonly opts: GroupCommitOptions<Job, Result>) {}

  submit(job: Job): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.waiting.push({ job, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        const lingerMs = this.opts.linger?.(this.lastBatchSize) ?? 0;
        const drain = () => void this.drain();
        // Under load, wait a little for more. Otherwise setImmediate, not a microtask: requests parsed in
        // the same I/O phase reach here first.
        if (lingerMs > 0) setTimeout(drain, lingerMs);
        else setImmediate(drain);
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, this.opts.maxBatch);
        this.lastBatchSize = batch.length;
        await this.commit(batch);
      }
    } finally {
      this.draining = false;
    }
  }

  private async commit(batch: Waiting<Job, Result>[]): Promise<void> {
    try {
      const results = await this.opts.runBatch(batch.map((w) => w.job));
      batch.forEach((w, i) => w.resolve(results[i]!));
      return;
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
    }
    // One bad job must not fail the others that happened to share its transaction: each on its own.
    for (const w of batch) {
      try {
        const [result] = await this.opts.runBatch([w.job]);
        w.resolve(result!);
      } catch (err) {
        w.reject(err);
      }
    }
  }
}
