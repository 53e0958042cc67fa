// The inbound webhook routes served by node:http itself, before Fastify routes the request (ADR 0019).
//
// Under webhook load the service's event loop is its bottleneck, and for these two routes Fastify's request
// pipeline — routing, hooks, content-type parsing, the reply — was about 7 % of that loop
// (bench/hot-path-changes.md, seventh round), for requests whose whole handling is: read the bytes, hand
// them to the engine, write a small answer. This path does only that, with what every route has: the
// x-request-id header, the contract's error body, the debug log line.
//
// It takes only requests it answers exactly as the Fastify routes would, and declines (returns false)
// the rest — HEAD, an id that is not a plain UUID, a body without a length or over the limit, a GET with
// a body — which the same routes, still registered in Fastify (hooks.ts), answer with Fastify's usual
// errors. Those registrations also keep the routes in the OpenAPI document.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Ingest, InboundResponse } from '../../engine/ingest.js';
import type { InboundRequest } from '../../sdk/index.js';
import { toErrorResponse } from '../errors.js';
import { HOOK_BODY_LIMIT, inboundReply, inboundRequest } from './hooks.js';

/** Serves the request and returns true, or returns false without touching it. */
export type DirectRoute = (req: IncomingMessage, res: ServerResponse) => boolean;

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
// The same paths and parameter rules as the Fastify routes; anything else (encoded characters, a trailing
// slash) is left to Fastify's router.
const SUBSCRIPTION_HOOK = new RegExp(`^/hooks/s/(${UUID})(?:\\?|$)`);
const APP_HOOK = new RegExp(`^/hooks/app/(${UUID})/([A-Za-z][A-Za-z0-9]{0,63})(?:\\?|$)`);

export function directHookRoutes(ingest: Ingest, logger: Logger): DirectRoute {
  return (req, res) => {
    const { method } = req;
    if (method !== 'POST' && method !== 'PUT' && method !== 'GET') return false;
    const url = req.url ?? '';
    let handle: (inbound: InboundRequest) => Promise<InboundResponse>;
    let m: RegExpExecArray | null;
    if ((m = SUBSCRIPTION_HOOK.exec(url))) {
      const subscriptionId = m[1]!;
      handle = (inbound) => ingest.subscriptionHook(subscriptionId, inbound);
    } else if ((m = APP_HOOK.exec(url))) {
      const [, projectId, integration] = m as unknown as [string, string, string];
      handle = (inbound) => ingest.appHook(projectId, integration, inbound);
    } else {
      return false;
    }
    const length = declaredLength(req);
    if (length === null || (method === 'GET' && length > 0)) return false;
    void serve(req, res, handle, logger);
    return true;
  };
}

/** The body's length when it is declared and within the limit; null otherwise (Fastify then decides). */
function declaredLength(req: IncomingMessage): number | null {
  if (req.headers['transfer-encoding'] !== undefined) return null;
  const header = req.headers['content-length'];
  if (header === undefined) return 0;
  if (!/^\d{1,10}$/.test(header)) return null;
  const length = Number(header);
  return length <= HOOK_BODY_LIMIT ? length : null;
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  handle: (inbound: InboundRequest) => Promise<InboundResponse>,
  logger: Logger,
): Promise<void> {
  const started = performance.now();
  const requestId = crypto.randomUUID();
  const rawBody = await readBody(req);
  if (rawBody === null) return; // the client went away mid-body: nobody to answer
  let reply: ReturnType<typeof inboundReply>;
  try {
    reply = inboundReply(await handle(inboundRequest(req.method!, req.url!, req.headers, rawBody)));
  } catch (err) {
    const e = toErrorResponse(err, requestId);
    if (e.status >= 500) logger.error({ reqId: requestId, err }, 'request failed');
    reply = inboundReply({ status: e.status, body: { ...e.body } });
  }
  const { status, headers, payload } = reply;
  headers['x-request-id'] = requestId;
  headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(status, headers);
  res.end(payload);
  if (logger.isLevelEnabled('debug')) {
    logger.debug({ reqId: requestId, method: req.method, url: req.url!.split('?')[0], status, ms: Math.round(performance.now() - started) }, 'request');
  }
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', () => resolve(null));
    req.on('aborted', () => resolve(null));
    req.on('close', () => resolve(null)); // after 'end' this changes nothing
  });
}
