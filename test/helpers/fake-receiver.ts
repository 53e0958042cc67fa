// A fake webhook receiver over real HTTP, for delivery tests: it records every request byte for byte and
// answers as scripted — success, any status, a response slower than the sender's timeout, a reset connection
// or a redirect. Listens on 127.0.0.1 only, on a port the OS picks.
//
//   const receiver = await startFakeReceiver();
//   receiver.script([behave.status(500), behave.retryAfter(429, 2), behave.ok()]);
//   … point a subscription at receiver.url …
//   const [first] = await receiver.waitFor(1);
//   await receiver.close();
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  /** Lower-case names, as node:http gives them. */
  headers: IncomingHttpHeaders;
  /** The exact body bytes — what signatures are computed over. */
  rawBody: Buffer;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
  /** ms since the epoch, from the receiver's clock. */
  receivedAt: number;
}

/** A recorded request's single-valued headers, as a plain map (what header-based verifiers take). */
export function headerMap(req: RecordedRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') out[k] = v;
  return out;
}

export type Behaviour =
  /** A string or Buffer body is sent as is; any other object as JSON with content-type application/json. */
  | { kind: 'respond'; status: number; body?: string | Buffer | object; headers?: Record<string, string> }
  /** Waits before answering — longer than the sender's timeout to simulate a hung receiver. */
  | { kind: 'slow'; delayMs: number; then: Behaviour }
  /** Drops the connection with a TCP reset after reading the request. */
  | { kind: 'reset' }
  | { kind: 'redirect'; status: 301 | 302 | 303 | 307 | 308; location: string };

/** Shorthands for behaviours. */
export const behave = {
  ok: (body: string | Buffer | object = ''): Behaviour => ({ kind: 'respond', status: 200, body }),
  status: (status: number, body?: string | Buffer | object, headers?: Record<string, string>): Behaviour => ({
    kind: 'respond',
    status,
    ...(body === undefined ? {} : { body }),
    ...(headers === undefined ? {} : { headers }),
  }),
  /** 429 or 503 with a Retry-After of seconds or an HTTP-date. */
  retryAfter: (status: number, retryAfter: number | string): Behaviour => ({
    kind: 'respond',
    status,
    headers: { 'retry-after': String(retryAfter) },
  }),
  slow: (delayMs: number, then: Behaviour = behave.ok()): Behaviour => ({ kind: 'slow', delayMs, then }),
  reset: (): Behaviour => ({ kind: 'reset' }),
  redirect: (location: string, status: 301 | 302 | 303 | 307 | 308 = 302): Behaviour => ({
    kind: 'redirect',
    status,
    location,
  }),
};

/** Decides the answer to one request; `index` counts requests from 0 since the receiver started. */
export type ScriptFn = (request: RecordedRequest, index: number) => Behaviour | Promise<Behaviour>;

export interface FakeReceiver {
  /** Base URL, `http://127.0.0.1:<port>/`; any path is accepted. */
  readonly url: string;
  /** Every request so far, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /**
   * Sets how the next requests are answered, replacing the previous script. A function decides each answer;
   * a queue is consumed one behaviour per request, and once empty every request gets 200.
   */
  script(next: ScriptFn | readonly Behaviour[]): void;
  /** Resolves with the requests once at least `count` arrived; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<readonly RecordedRequest[]>;
  /** Stops listening and cuts open connections (including ones held by `slow`). */
  close(): Promise<void>;
}

export interface FakeReceiverOptions {
  /** Clock for `receivedAt`; defaults to Date.now. */
  now?: () => number;
}

const DEFAULT_WAIT_MS = 5_000;

export async function startFakeReceiver(options: FakeReceiverOptions = {}): Promise<FakeReceiver> {
  const now = options.now ?? Date.now;
  const requests: RecordedRequest[] = [];
  const waiters = new Set<{ count: number; resolve: () => void }>();
  const pendingTimers = new Set<NodeJS.Timeout>();
  let decide: ScriptFn = () => behave.ok();

  const record = async (req: IncomingMessage): Promise<RecordedRequest> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks);
    const recorded = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      rawBody,
      json: parseJson(rawBody),
      receivedAt: now(),
    };
    requests.push(recorded);
    for (const waiter of waiters) if (requests.length >= waiter.count) waiter.resolve();
    return recorded;
  };

  const perform = (behaviour: Behaviour, req: IncomingMessage, res: ServerResponse): void => {
    switch (behaviour.kind) {
      case 'respond': {
        const { body = '' } = behaviour;
        const isJson = typeof body === 'object' && !Buffer.isBuffer(body);
        res.writeHead(behaviour.status, {
          ...(isJson ? { 'content-type': 'application/json' } : {}),
          ...behaviour.headers,
        });
        res.end(isJson ? JSON.stringify(body) : body);
        return;
      }
      case 'slow': {
        const timer = setTimeout(() => {
          pendingTimers.delete(timer);
          // The sender has usually given up by now; answering a closed socket would only throw.
          if (!res.destroyed) perform(behaviour.then, req, res);
        }, behaviour.delayMs);
        pendingTimers.add(timer);
        res.once('close', () => {
          clearTimeout(timer);
          pendingTimers.delete(timer);
        });
        return;
      }
      case 'reset':
        // resetAndDestroy sends a TCP RST, so the sender sees ECONNRESET rather than a clean close.
        req.socket.resetAndDestroy();
        return;
      case 'redirect':
        res.writeHead(behaviour.status, { location: behaviour.location });
        res.end();
        return;
    }
  };

  const server = createServer((req, res) => {
    void (async () => {
      const recorded = await record(req);
      let behaviour: Behaviour;
      try {
        behaviour = await decide(recorded, requests.length - 1);
      } catch (error) {
        behaviour = behave.status(500, `fake receiver script failed: ${String(error)}`);
      }
      perform(behaviour, req, res);
    })().catch(() => res.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    script(next) {
      if (typeof next === 'function') {
        decide = next;
        return;
      }
      const queue = [...next];
      decide = () => queue.shift() ?? behave.ok();
    },
    waitFor(count, timeoutMs = DEFAULT_WAIT_MS) {
      return new Promise((resolve, reject) => {
        if (requests.length >= count) return resolve(requests);
        const waiter = {
          count,
          resolve: () => {
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve(requests);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`fake receiver: expected ${count} request(s) within ${timeoutMs} ms, got ${requests.length}`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async close() {
      for (const timer of pendingTimers) clearTimeout(timer);
      pendingTimers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive and slow connections would otherwise hold close() open.
      server.closeAllConnections();
      await closed;
    },
  };
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * A URL on 127.0.0.1 where nothing listens, for connection-refused tests: binds a free port, then releases
 * it. Another process could grab the port in between, but on a test machine that is vanishingly rare.
 */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/`;
}
