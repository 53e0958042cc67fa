// The delivery sender on a thread of its own.
//
// Under webhook load the service's event loop is its bottleneck: it receives, stores and sends every
// event. The HTTP client side of a delivery (undici's request pipeline, the response parser, sockets,
// timers, the SSRF-guarded connector) was about a sixth of that loop's time (docs/benchmarks.md), and it
// needs nothing from the database. So a worker thread runs the WebhookSender and the event loop only
// hands it finished requests (the signed bytes and headers) and gets AttemptResults back, in batches.
//
// Nothing is lost if the thread dies: every request still waiting gets a network-error result (so its
// delivery is retried on the schedule, at least once, like any failed attempt) and the next send starts
// a fresh thread.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AttemptResult, OutboundRequest, Sender, SenderOptions } from './sender.js';
import type { FromSenderThread, SendRequest, ToSenderThread } from './sender-thread-protocol.js';

export const ERR_SENDER_THREAD = 'ERR_SENDER_THREAD';

export interface SenderThreadOptions extends Omit<SenderOptions, 'resolve'> {
  /** The module the thread runs (tests substitute one); defaults to sender-thread-entry. */
  entry?: URL;
}

export class SenderThread implements Sender {
  private worker: Worker | null = null;
  private exited: Promise<void> = Promise.resolve();
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: AttemptResult) => void; started: number }>();
  private outbox: SendRequest[] = [];
  private closed = false;
  private readonly entry: URL;
  private readonly senderOptions: Omit<SenderOptions, 'resolve'>;

  constructor(opts: SenderThreadOptions) {
    const { entry, ...senderOptions } = opts;
    this.senderOptions = senderOptions;
    this.entry = entry ?? defaultEntry();
  }

  send(req: OutboundRequest): Promise<AttemptResult> {
    if (this.closed) return Promise.resolve(threadFailure('the sender is closed', 0));
    const worker = this.worker ?? this.spawn();
    const id = this.nextId++;
    return new Promise<AttemptResult>((resolve) => {
      if (this.pending.size === 0) worker.ref(); // requests in flight keep the process alive, as sockets would
      this.pending.set(id, { resolve, started: performance.now() });
      this.outbox.push({ id, url: req.url, headers: req.headers, body: req.body });
      // Every send the delivery worker starts in one pass is posted as one message.
      if (this.outbox.length === 1) queueMicrotask(() => this.flush());
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    this.flush();
    worker.postMessage({ type: 'close' } satisfies ToSenderThread);
    await this.exited;
  }

  private flush(): void {
    if (this.outbox.length === 0 || !this.worker) return;
    const batch = this.outbox;
    this.outbox = [];
    this.worker.postMessage({ type: 'send', batch } satisfies ToSenderThread);
  }

  private spawn(): Worker {
    const worker = startModuleThread(this.entry, this.senderOptions);
    this.worker = worker;
    worker.unref();
    worker.on('message', (msg: FromSenderThread) => {
      for (const { id, result } of msg.batch) this.settle(id, result);
      if (this.pending.size === 0) worker.unref();
    });
    let failure: Error | null = null;
    worker.on('error', (err) => {
      failure = err;
    });
    this.exited = new Promise<void>((resolve) => {
      worker.once('exit', (code) => {
        if (this.worker === worker) this.worker = null;
        // The thread answers every request before a clean exit; anything still waiting was cut off.
        const why = failure ? `the sender thread failed: ${failure.message}` : `the sender thread exited (code ${code})`;
        for (const id of [...this.pending.keys()]) this.settle(id, threadFailure(why, performance.now() - this.pending.get(id)!.started));
        this.outbox = [];
        resolve();
      });
    });
    return worker;
  }

  private settle(id: number, result: AttemptResult): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    p.resolve(result);
  }
}

function threadFailure(message: string, latencyMs: number): AttemptResult {
  return { kind: 'network-error', code: ERR_SENDER_THREAD, message: `${ERR_SENDER_THREAD}: ${message}`, latencyMs };
}

function defaultEntry(): URL {
  // Built code runs dist/…/sender-thread-entry.js; tests and `npm run dev` run the TypeScript sources.
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./sender-thread-entry${ext}`, import.meta.url);
}

/**
 * A worker thread running an ES module. A TypeScript module (tests, `npm run dev`) is loaded through
 * tsx's loader, registered inside the thread: Node 20 does not pass a parent's `--import` on to workers.
 */
function startModuleThread(entry: URL, workerData: unknown): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData });
  const boot = `
const { workerData } = require('node:worker_threads');
(async () => {
  const tsx = await import(workerData.tsxApi);
  tsx.register();
  await import(workerData.entry);
})().catch((err) => { console.error(err); process.exit(1); });
`;
  return new Worker(boot, { eval: true, workerData: { ...(workerData as object), tsxApi: tsxEsmApi(), entry: entry.href } });
}

/** The file URL of tsx's ESM API (a dev dependency, present wherever the TypeScript sources run). */
function tsxEsmApi(): string {
  const pkgPath = createRequire(fileURLToPath(import.meta.url)).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(join(dirname(pkgPath), pkg.exports['./esm/api']!.import.default)).href;
}
