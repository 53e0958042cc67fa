// Cross-origin calls to the user API (CORS): a SaaS front end can list triggers, start an OAuth connect or
// manage subscriptions from the browser with the user's token, without a backend proxy. Each project lists
// the origins it admits (`PUT /admin/v1/projects/{id}/cors-origins`, admin/origin-lists.ts); none by
// default, so nothing changes for a project that never asks. Only the user API under /projects/{projectId}
// answers cross-origin: never the admin API or the dashboard (an admin token or session must not be usable
// from another site) and never the provider hooks. User tokens are bearer tokens, never cookies, so
// Access-Control-Allow-Credentials is never sent, and "*" is a choice a project may make.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { ANY_ORIGIN, readOrigins } from '../engine/origins.js';
import type { Storage } from '../storage/port.js';
import type { AppContext } from './app.js';
import { errorBody } from './errors.js';

/** The user API's methods, and the request headers a page may send: the token, JSON, and SSE's resume. */
const ALLOWED_METHODS = 'GET, POST, PATCH, DELETE';
const ALLOWED_HEADERS = 'authorization, content-type, last-event-id';
/** Response headers a page may read besides the CORS-safelisted ones. */
const EXPOSED_HEADERS = 'x-request-id, retry-after';
/** Browsers cap it lower (Chromium: 2 hours); a removed origin is refused at once anyway, on the request itself. */
const PREFLIGHT_MAX_AGE_SECONDS = 7200;

/** Registers the CORS hook and the preflight route in the user API's scope, before its token check. */
export function registerUserApiCors(scope: FastifyInstance, ctx: AppContext) {
  scope.addHook('onRequest', async (req, reply) => {
    if (req.method === 'OPTIONS') return answerPreflight(req, reply, ctx.storage);
    const origin = req.headers.origin;
    if (typeof origin !== 'string') return; // not a browser's cross-origin request
    // The answer depends on Origin: caches must not serve one origin's response to another.
    reply.header('vary', 'Origin');
    if (await admits(ctx.storage, projectIdOf(req), origin)) {
      reply.header('access-control-allow-origin', origin);
      reply.header('access-control-expose-headers', EXPOSED_HEADERS);
    }
    // Not admitted: the request runs as it would without CORS; the browser keeps its answer from the page.
  });
  // Every OPTIONS request under /projects/{projectId} is answered by the hook above; the route only makes
  // Fastify route them into this scope instead of its 404.
  scope.options('/*', { schema: { hide: true } }, async () => {
    throw new AppError('NOT_FOUND', 'unreachable: OPTIONS is answered by the CORS hook');
  });
}

async function answerPreflight(req: FastifyRequest, reply: FastifyReply, storage: Storage): Promise<FastifyReply> {
  const origin = req.headers.origin;
  if (typeof origin !== 'string' || req.headers['access-control-request-method'] === undefined) {
    // A plain OPTIONS request (not a browser's preflight): say what the API accepts.
    return reply.code(204).header('allow', `${ALLOWED_METHODS}, OPTIONS`).send();
  }
  reply.header('vary', 'Origin');
  if (!(await admits(storage, projectIdOf(req), origin))) {
    // The browser only sees that the preflight failed; the body is for whoever reads the network log.
    const message = `origin ${origin} is not in this project's CORS origins (PUT /admin/v1/projects/{id}/cors-origins)`;
    return reply.code(403).send(errorBody('FORBIDDEN', message, req.id));
  }
  return reply
    .code(204)
    .header('access-control-allow-origin', origin)
    .header('access-control-allow-methods', ALLOWED_METHODS)
    .header('access-control-allow-headers', ALLOWED_HEADERS)
    .header('access-control-max-age', String(PREFLIGHT_MAX_AGE_SECONDS))
    .send();
}

async function admits(storage: Storage, projectId: string | undefined, origin: string): Promise<boolean> {
  if (!projectId || !PROJECT_ID.test(projectId)) return false;
  const origins = await readOrigins(storage, 'cors_origins', projectId);
  return origins.includes(ANY_ORIGIN) || origins.includes(origin);
}

/** Project ids are UUIDs: anything else is no project, and is not worth a read. */
const PROJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const projectIdOf = (req: FastifyRequest) => (req.params as { projectId?: string }).projectId;
