// One HTTP attempt of a delivery, and what came of it. Transport only: no storage, no retry decisions.
//
// - One undici Agent per sender: keep-alive connection pools per origin, at most `connectionsPerOrigin`
//   sockets to one receiver.
// - The SSRF guard sits in the connector, so it checks the address every new socket actually connects to
//   (DNS rebinding cannot slip between check and connect). Skipped when private URLs are allowed.
// - One deadline per attempt covers connecting, the response headers and the excerpt of the body.
// - Redirects are never followed: Dispatcher.request has no redirect handling, so a 3xx is just a status,
//   and a non-2xx status is a failure (SPEC §4).
// - The response body is read only up to a small cap: a receiver cannot make us buffer megabytes.
import { Agent } from 'undici';
import { signDelivery, SigningKeyCache } from './sign.js';
import { createGuardedConnector, ERR_SSRF_FORBIDDEN_ADDRESS, validateWebhookUrl, type Resolver } from './ssrf.js';

/** Kept from the response for the attempt log. */
export const EXCERPT_BYTES = 1024;
/** Read (and discard) up to this much so the connection can be reused; a larger body closes it instead. */
const DRAIN_BYTES = 64 * 1024;
const KEEP_ALIVE_MS = 30_000;

/**
 * The outcome of one HTTP try. `refused` and `gone` are permanent (no retry); every other failure is
 * retried on the schedule.
 */
export type AttemptResult =
  | { kind: 'success'; statusCode: number; excerpt: string | null; latencyMs: number }
  /** Any other status (3xx included: redirects are not followed); retried, honouring Retry-After. */
  | { kind: 'http-error'; statusCode: number; retryAfter: string | undefined; excerpt: string | null; latencyMs: number }
  /** 410 Gone: the receiver says this endpoint is gone for good. Permanent. */
  | { kind: 'gone'; statusCode: 410; excerpt: string | null; latencyMs: number }
  | { kind: 'timeout'; timeoutMs: number; latencyMs: number }
  /** Refused, reset, DNS failure, TLS failure, …: retried. */
  | { kind: 'network-error'; code: string; message: string; latencyMs: number }
  /**
   * We refused to send: a private/forbidden destination (SSRF guard) or a URL that can never work. Permanent:
   * retrying cannot change the answer without a configuration change (see docs/adr/0006).
   */
  | { kind: 'refused'; reason: string; latencyMs: number };

export const isPermanent = (r: AttemptResult): boolean => r.kind === 'gone' || r.kind === 'refused';

/** A short readable cause, for attempt logs and subscription errors ("HTTP 500", "timed out after 15000 ms"). */
export function describeResult(r: AttemptResult): string {
  switch (r.kind) {
    case 'success':
      return `HTTP ${r.statusCode}`;
    case 'http-error':
      if (r.statusCode >= 300 && r.statusCode < 400) return `HTTP ${r.statusCode} (redirects are not followed)`;
      return `HTTP ${r.statusCode}`;
    case 'gone':
      return 'HTTP 410 Gone';
    case 'timeout':
      return `timed out after ${r.timeoutMs} ms`;
    case 'network-error':
      return `connection failed: ${r.message}`;
    case 'refused':
      return `refused: ${r.reason}`;
  }
}

export interface SenderOptions {
  /** The whole attempt: connect, response headers and the body excerpt. */
  timeoutMs: number;
  /** OPENTRIGGERS_ALLOW_PRIVATE_WEBHOOK_URLS. */
  allowPrivate: boolean;
  connectionsPerOrigin: number;
  /** DNS resolver for the SSRF guard (tests inject one). */
  resolve?: Resolver;
}

export interface OutboundRequest {
  url: string;
  headers: Record<string, string>;
  /** JSON text is sent as its UTF-8 bytes (the worker passes text: it crosses to the sender thread cheaper). */
  body: string | Uint8Array;
  /**
   * Signed by the sender just before it sends (SPEC §4 headers added to `headers`), so the HMACs run on
   * the sender's thread rather than the service's event loop (ADR 0019).
   */
  sign?: { eventId: string; timestampSeconds: number; secrets: readonly string[] };
}

/** Sends one attempt; never throws. In process (WebhookSender) or on a thread of its own (SenderThread). */
export interface Sender {
  send(req: OutboundRequest): Promise<AttemptResult>;
  close(): Promise<void>;
}

export class WebhookSender implements Sender {
  private readonly agent: Agent;
  private readonly signingKeys = new SigningKeyCache();

  constructor(private readonly opts: SenderOptions) {
    const connect = { timeout: opts.timeoutMs };
    this.agent = new Agent({
      connections: opts.connectionsPerOrigin,
      keepAliveTimeout: KEEP_ALIVE_MS,
      // Belt and braces for the per-attempt deadline below.
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      connect: opts.allowPrivate
        ? connect
        : createGuardedConnector({ allowPrivate: false, connect, ...(opts.resolve ? { resolve: opts.resolve } : {}) }),
    });
  }

  /** Never throws: every outcome is an AttemptResult. */
  async send(req: OutboundRequest): Promise<AttemptResult> {
    const started = performance.now();
    const latency = () => performance.now() - started;
    const checked = validateWebhookUrl(req.url, { allowPrivate: this.opts.allowPrivate });
    if (!checked.ok) return { kind: 'refused', reason: checked.reason, latencyMs: latency() };
    const url = checked.url;
    const body = typeof req.body === 'string' ? Buffer.from(req.body, 'utf8') : req.body;
    let headers = req.headers;
    if (req.sign) {
      try {
        const { eventId, timestampSeconds, secrets } = req.sign;
        headers = { ...headers, ...signDelivery({ body, eventId, timestampSeconds, secrets: this.signingKeys.get(secrets) }) };
      } catch (err) {
        // A secret that cannot sign is a configuration problem: no retry can fix it.
        return { kind: 'refused', reason: `cannot sign the delivery: ${(err as Error).message}`, latencyMs: latency() };
      }
    }

    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.opts.timeoutMs);
    try {
      const res = await this.agent.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers,
        body,
        signal: controller.signal,
      });
      const excerpt = await readExcerpt(res.body);
      const latencyMs = latency();
      const status = res.statusCode;
      if (status >= 200 && status < 300) return { kind: 'success', statusCode: status, excerpt, latencyMs };
      if (status === 410) return { kind: 'gone', statusCode: 410, excerpt, latencyMs };
      return {
        kind: 'http-error',
        statusCode: status,
        retryAfter: headerValue(res.headers['retry-after']),
        excerpt,
        latencyMs,
      };
    } catch (err) {
      return classifyError(err, timedOut, this.opts.timeoutMs, latency());
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Keeps the first EXCERPT_BYTES of the body as text. Reads on up to DRAIN_BYTES so a keep-alive connection
 * can be reused; beyond that, stops (which closes the connection) rather than read an unbounded body. A body
 * that fails midway still leaves the status code valid: the receiver has answered.
 */
async function readExcerpt(body: AsyncIterable<Buffer>): Promise<string | null> {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let total = 0;
  try {
    for await (const chunk of body) {
      total += chunk.length;
      if (keptBytes < EXCERPT_BYTES) {
        const part = chunk.subarray(0, EXCERPT_BYTES - keptBytes);
        kept.push(part);
        keptBytes += part.length;
      }
      if (total > DRAIN_BYTES) break;
    }
  } catch {
    // keep what we have
  }
  if (keptBytes === 0) return null;
  // A multi-byte character cut at the cap decodes to U+FFFD; drop it rather than log a broken character.
  const text = Buffer.concat(kept).toString('utf8').replace(/\uFFFD$/, '');
  return total > keptBytes ? `${text}…` : text;
}

function classifyError(err: unknown, timedOut: boolean, timeoutMs: number, latencyMs: number): AttemptResult {
  const e = err as { code?: string; message?: string; name?: string };
  if (e.code === ERR_SSRF_FORBIDDEN_ADDRESS) return { kind: 'refused', reason: e.message ?? 'forbidden address', latencyMs };
  if (timedOut || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT' || e.code === 'UND_ERR_CONNECT_TIMEOUT') {
    return { kind: 'timeout', timeoutMs, latencyMs };
  }
  // undici refuses a request it cannot even build (e.g. an invalid header value): no retry can fix that.
  if (e.code === 'UND_ERR_INVALID_ARG') return { kind: 'refused', reason: `invalid request: ${e.message ?? 'invalid argument'}`, latencyMs };
  const code = e.code ?? e.name ?? 'ERROR';
  const message = e.message && e.message !== '' ? e.message : code;
  return { kind: 'network-error', code, message: message.includes(code) ? message : `${code}: ${message}`, latencyMs };
}
