// The delivery sender on a thread of its own.
//
// Under webhook load the service's event loop is its bottleneck: it receives, stores and sends every
// event. The HTTP client side of a delivery (undici's request pipeline, the response parser, sockets,
// timers, the SSRF-guarded connector) was about a sixth of that loop's time (bench/hot-path-changes.md),
// and it needs nothing from the database. So a worker thread runs the WebhookSender and the event loop
// only hands it finished requests (the envelope bytes, the headers and what to sign them with: the
// thread signs too) and gets AttemptResults back, in batches (ADR 0013).
//
// Nothing is lost if the thread dies: every request still waiting gets a network-error result (so its
// delivery is retried on the schedule, at least once, like any failed attempt) and the next send starts
// a fresh thread.
import type { Worker } from 'node:worker_threads';
import { siblingModule, startModuleThread } from '../threads/module-thread.js';
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
    this.entry = entry ?? siblingModule(import.meta.url, 'sender-thread-entry');
  }

  send(req: OutboundRequest): Promise<AttemptResult> {
    if (this.closed) return Promise.resolve(threadFailure('the sender is closed', 0));
    const worker = this.worker ?? this.spawn();
    const id = this.nextId++;
    return new Promise<AttemptResult>((resolve) => {
      if (this.pending.size === 0) worker.ref(); // requests in flight keep the process alive, as sockets would
      this.pending.set(id, { resolve, started: performance.now() });
      this.outbox.push({ ...req, id });
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
