// A tiny request/response protocol over the Node IPC channel between the bench orchestrator and its
// helper processes (receiver, load generator, forwarder, fake provider). Helpers exit when the channel
// closes, so a crashed or interrupted orchestrator never leaves them running.
import type { ChildProcess } from 'node:child_process';

interface Request {
  id: number;
  cmd: string;
  args: unknown;
}
type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

export type Handlers = Record<string, (args: any) => unknown>;

/** Child side: answer the orchestrator's calls; exit when it goes away. */
export function serve(handlers: Handlers): void {
  if (!process.send) throw new Error('this helper must be started by bench/run.ts (needs an IPC channel)');
  process.on('message', (raw: unknown) => {
    const m = raw as Request;
    const reply = (r: Reply) => {
      if (process.connected) process.send?.(r);
    };
    const handler = handlers[m.cmd];
    if (!handler) {
      reply({ id: m.id, ok: false, error: `unknown command ${m.cmd}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(m.args))
      .then(
        (result) => reply({ id: m.id, ok: true, result: result ?? null }),
        (err: unknown) => reply({ id: m.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
      );
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ ready: true });
}

/** Orchestrator side: call a helper's command and wait for its answer (bounded by a timeout). */
export class RpcClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  /** Resolves once the helper has installed its handlers (messages sent earlier could be lost). */
  readonly ready: Promise<void>;

  constructor(readonly child: ChildProcess, readonly name: string) {
    let markReady: () => void = () => undefined;
    let failReady: (e: Error) => void = () => undefined;
    this.ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    this.ready.catch(() => undefined); // awaited by whoever needs it; never an unhandled rejection
    child.on('message', (raw: unknown) => {
      if ((raw as { ready?: boolean }).ready === true) {
        markReady();
        return;
      }
      const r = raw as Reply;
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      clearTimeout(p.timer);
      if (r.ok) p.resolve(r.result);
      else p.reject(new Error(`${name}: ${r.error}`));
    });
    child.on('exit', (code, signal) => {
      failReady(new Error(`${name} exited (${signal ?? code}) before it was ready`));
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new Error(`${name} exited (${signal ?? code}) during call ${id}`));
      }
      this.pending.clear();
    });
  }

  call<T>(cmd: string, args: unknown = {}, timeoutMs = 60_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: ${cmd} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.child.send({ id, cmd, args } satisfies Request);
    });
  }
}
