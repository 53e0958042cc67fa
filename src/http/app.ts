// createApp builds the HTTP application from its dependencies and never listens: tests and main.ts decide.
import { createServer } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Logger } from 'pino';
import type { SubscriptionService } from '../engine/subscriptions.js';
import type { CredentialService } from '../engine/credentials.js';
import type { EngineDeps } from '../engine/context.js';
import type { Metrics } from '../observability/metrics.js';
import type { Storage } from '../storage/port.js';
import type { Keyring } from '../secrets/keyring.js';
import { AppError } from '../errors.js';
import { AdminTokenVerifier, UserTokenVerifier, type UserPrincipal } from './auth.js';
import { registerUserApiCors } from './cors.js';
import { errorBody, sendError } from './errors.js';
import { registerOpsRoutes } from './routes/ops.js';
import { registerTriggerRoutes } from './routes/triggers.js';
import { registerSubscriptionRoutes } from './routes/subscriptions.js';
import { registerCredentialRoutes } from './routes/credentials.js';
import { registerAdminRoutes } from './admin/index.js';
import type { DirectRoute } from './routes/hooks-direct.js';

/** JSON API bodies are small; inbound provider hooks have their own, larger limit. */
export const API_BODY_LIMIT = 1024 * 1024;

export interface AppDeps {
  storage: Storage;
  logger: Logger;
  metrics: Metrics;
  subscriptions: SubscriptionService;
  credentials: CredentialService;
  engine: EngineDeps;
  /** For keys derived from the encryption key (OAuth state signatures); never for sealing here. */
  keyring: Keyring;
  publicUrl: string;
  allowPrivateWebhookUrls: boolean;
  now: () => number;
  /** Further route groups (inbound hooks, OAuth connect, event pull/stream, dashboard) added by main.ts. */
  plugins?: AppPlugin[];
}

/** A group of routes: some behind the user token under /projects/{projectId}, some behind the admin token under /admin/v1, some public. */
export interface AppPlugin {
  userRoutes?(scope: FastifyInstance, ctx: AppContext): Promise<void> | void;
  adminRoutes?(scope: FastifyInstance, ctx: AppContext): Promise<void> | void;
  publicRoutes?(app: FastifyInstance, ctx: AppContext): Promise<void> | void;
}

export interface AppContext extends AppDeps {
  userAuth: UserTokenVerifier;
  adminAuth: AdminTokenVerifier;
  /**
   * Serve some requests straight from node:http, before Fastify routes them: for the inbound webhook
   * routes only, the service's hot path (hooks-direct.ts, ADR 0019). Requests arriving through
   * `app.inject` never take this path.
   */
  serveDirectly(route: DirectRoute): void;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: UserPrincipal;
  }
}

export async function createApp(deps: AppDeps): Promise<FastifyInstance> {
  const direct: DirectRoute[] = [];
  const app = Fastify({
    // The server Fastify would build (same timeouts), with the direct routes asked first.
    serverFactory: (fastifyHandler, opts) => {
      const server = createServer((req, res) => {
        for (const route of direct) if (route(req, res)) return;
        fastifyHandler(req, res);
      });
      // Fastify resolves its defaults (keep-alive 72 s, …) into these options before calling us.
      if (typeof opts.keepAliveTimeout === 'number') server.keepAliveTimeout = opts.keepAliveTimeout;
      if (typeof opts.requestTimeout === 'number') server.requestTimeout = opts.requestTimeout;
      if (typeof opts.connectionTimeout === 'number') server.setTimeout(opts.connectionTimeout);
      return server;
    },
    // pino's Logger and Fastify's logger type differ only in generics; the instance is the same.
    loggerInstance: deps.logger as unknown as FastifyBaseLogger,
    genReqId: () => crypto.randomUUID(),
    // Close keep-alive and streaming (SSE) connections on shutdown instead of waiting for clients.
    forceCloseConnections: true,
    bodyLimit: API_BODY_LIMIT,
    // One debug line per request (onResponse below) instead of Fastify's two info lines.
    logController: new LogController({ disableRequestLogging: true }),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true, allErrors: false, allowUnionTypes: true } },
  });
  const ctx: AppContext = {
    ...deps,
    userAuth: new UserTokenVerifier(deps.storage),
    adminAuth: new AdminTokenVerifier(deps.storage),
    serveDirectly: (route) => void direct.push(route),
  };

  // Lenient JSON: an empty body (DELETE with a JSON content type) is no body; malformed JSON is a 400.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new AppError('INVALID_JSON', 'request body is not valid JSON'), undefined);
    }
  });

  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  app.addHook('onResponse', async (req, reply) => {
    req.log.debug({ method: req.method, url: req.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });
  app.setErrorHandler((err, _req, reply) => sendError(reply, err));
  app.setNotFoundHandler((req, reply) => reply.status(404).send(errorBody('NOT_FOUND', `no route for ${req.method} ${req.url.split('?')[0]}`, req.id)));

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'OpenTriggers API',
        version: '0.1.0',
        description: 'Paragon ActionKit-compatible Triggers API, admin API and operations endpoints. See SPEC.md.',
        license: { name: 'Apache-2.0' },
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'User token (JWT, RS256/ES256) or admin token' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });

  registerOpsRoutes(app, ctx);
  await app.register(async (scope) => {
    // First: a browser's preflight carries no token, and an error must reach the page that asked.
    registerUserApiCors(scope, ctx);
    // Everything under /projects/{projectId} except OAuth callbacks is authenticated with a user token.
    scope.addHook('onRequest', async (req: FastifyRequest) => {
      const projectId = (req.params as { projectId?: string }).projectId;
      const token = req.headers.authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
      if (!token) throw new AppError('UNAUTHORIZED', 'missing user token (Authorization: Bearer <JWT>)');
      if (!projectId) throw new AppError('NOT_FOUND', 'unknown project');
      req.principal = await ctx.userAuth.verify(projectId, token);
      await deps.storage.users.touch(req.principal.projectId, req.principal.userId);
    });
    registerTriggerRoutes(scope, ctx);
    registerSubscriptionRoutes(scope, ctx);
    registerCredentialRoutes(scope, ctx);
    for (const p of deps.plugins ?? []) await p.userRoutes?.(scope, ctx);
  }, { prefix: '/projects/:projectId' });
  await app.register(async (scope) => {
    registerAdminRoutes(scope, ctx);
    for (const p of deps.plugins ?? []) await p.adminRoutes?.(scope, ctx);
  }, { prefix: '/admin/v1' });
  for (const p of deps.plugins ?? []) await p.publicRoutes?.(app, ctx);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}

export function principal(req: FastifyRequest): UserPrincipal {
  if (!req.principal) throw new AppError('UNAUTHORIZED', 'not authenticated');
  return req.principal;
}
