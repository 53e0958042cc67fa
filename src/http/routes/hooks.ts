// Inbound provider webhooks: raw bytes in (signatures are computed over them), verified by the engine.
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Ingest, type InboundResponse } from '../../engine/ingest.js';
import type { InboundRequest } from '../../sdk/index.js';
import type { AppContext, AppPlugin } from '../app.js';
import { directHookRoutes } from './hooks-direct.js';

/** Providers send small bodies; a few MB covers batched notifications without inviting abuse. */
export const HOOK_BODY_LIMIT = 5 * 1024 * 1024;

function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return null;
  const text = raw.toString('utf8');
  if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** What the engine sees of an inbound request, whichever path served it (here or hooks-direct.ts). */
export function inboundRequest(method: string, url: string, rawHeaders: IncomingHttpHeaders, rawBody: Buffer): InboundRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(rawHeaders)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  return { method, url, headers, rawBody, body: parseBody(rawBody, headers['content-type']) };
}

function inbound(req: FastifyRequest): InboundRequest {
  return inboundRequest(req.method, req.url, req.headers, Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
}

/**
 * The engine's answer as status, headers and bytes, whichever path serves it (here or hooks-direct.ts), so
 * both answer alike: a string body as text, anything else as JSON, unless the engine named a content type.
 */
export function inboundReply(r: InboundResponse): { status: number; headers: Record<string, string>; payload: string } {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = v;
  if (typeof r.body === 'string') {
    headers['content-type'] ??= 'text/plain; charset=utf-8';
    return { status: r.status, headers, payload: r.body };
  }
  headers['content-type'] ??= 'application/json; charset=utf-8';
  return { status: r.status, headers, payload: JSON.stringify(r.body ?? { ok: true }) };
}

function send(reply: FastifyReply, r: InboundResponse) {
  const { status, headers, payload } = inboundReply(r);
  return reply.status(status).headers(headers).send(payload);
}

export function hooksPlugin(): AppPlugin {
  return {
    async publicRoutes(app: FastifyInstance, ctx: AppContext) {
      const ingest = new Ingest(ctx.engine, { catalog: (p) => ctx.subscriptions.catalogFor(p), metrics: ctx.metrics });
      // Real traffic is served by hooks-direct.ts; these registrations answer what it declines.
      ctx.serveDirectly(directHookRoutes(ingest, ctx.logger));
      await app.register(async (scope) => {
        // Keep the exact bytes for every content type: verification is over the raw body.
        scope.removeAllContentTypeParsers();
        scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: HOOK_BODY_LIMIT }, (_req, body, done) => done(null, body));
        const subParams = { type: 'object', properties: { subscriptionId: { type: 'string', format: 'uuid' } } } as const;
        const appParams = {
          type: 'object',
          properties: { projectId: { type: 'string', format: 'uuid' }, integration: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9]{0,63}$' } },
        } as const;
        const subHandler = async (req: FastifyRequest, reply: FastifyReply) =>
          send(reply, await ingest.subscriptionHook((req.params as { subscriptionId: string }).subscriptionId, inbound(req)));
        const appHandler = async (req: FastifyRequest, reply: FastifyReply) => {
          const p = req.params as { projectId: string; integration: string };
          return send(reply, await ingest.appHook(p.projectId, p.integration, inbound(req)));
        };
        for (const method of ['POST', 'GET', 'PUT'] as const) {
          const common = { method, exposeHeadRoute: false };
          scope.route({ ...common, url: '/hooks/s/:subscriptionId', schema: { tags: ['inbound hooks'], summary: 'Provider webhook of one subscription', params: subParams }, handler: subHandler });
          scope.route({ ...common, url: '/hooks/app/:projectId/:integration', schema: { tags: ['inbound hooks'], summary: 'App-level provider webhook of a project and integration', params: appParams }, handler: appHandler });
        }
        // Some providers (Intercom) check that a URL is reachable with a bodiless HEAD before saving it.
        // HEAD can carry no event and reveals nothing, so it is answered 200 without verification.
        const reachable = async (_req: FastifyRequest, reply: FastifyReply) => reply.status(200).send();
        scope.route({ method: 'HEAD', url: '/hooks/s/:subscriptionId', schema: { hide: true }, handler: reachable });
        scope.route({ method: 'HEAD', url: '/hooks/app/:projectId/:integration', schema: { hide: true }, handler: reachable });
      });
    },
  };
}
