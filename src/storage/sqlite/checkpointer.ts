// WAL checkpoints off the event loop.
//
// In WAL mode a commit only appends pages to the -wal file; a checkpoint copies them back into the
// database and fsyncs it. SQLite runs that checkpoint inside whichever commit crosses the
// `wal_autocheckpoint` threshold, on the committing connection — here, the service's event loop, which
// then stalls for the copy and two fsyncs (on the benchmark machine that was over half the cost of storing
// an event; docs/benchmarks.md). So a worker thread with its own connection runs PASSIVE checkpoints
// every few hundred milliseconds: they never wait for, nor block, the writer. The event loop's own
// autocheckpoint stays on, at a higher threshold, as the bound on the WAL's size: if the background
// checkpoints ever fall behind a continuous write load, the next commit past that size checkpoints the
// remainder itself, and since nothing writes meanwhile that checkpoint completes and the WAL restarts.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Pages the WAL may reach before the writer checkpoints it itself (4 KiB pages: 32 MiB). */
export const WRITER_CHECKPOINT_PAGES = 8_000;
const DEFAULT_INTERVAL_MS = 200;

// Runs in the worker (CommonJS, eval'd). Errors are ignored on purpose: the next interval tries again,
// and the writer's own autocheckpoint bounds the WAL whatever happens here.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  try { db.close(); } catch {}
  parentPort.close();
});
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(path: string, intervalMs = DEFAULT_INTERVAL_MS): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path, intervalMs } });
  worker.unref(); // never what keeps the process alive
  // A failed start (e.g. the file vanished) leaves the writer's autocheckpoint in charge: nothing to do.
  worker.on('error', () => {});
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      // Kept alive until the thread has closed its connection: unref'd, a process with nothing else left
      // to do would end before the thread even read the message (and a top-level await on close() with it).
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
