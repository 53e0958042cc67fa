// OAuth connect (SPEC §3, extension): POST /projects/{projectId}/connect/{integration} (user token),
// GET /oauth/callback (public: the provider sends the browser here), and the project's redirect
// allow-list under the admin API.
import type { FastifyInstance } from 'fastify';
import { ConnectService, type CallbackQuery } from '../../engine/connect.js';
import { principal, type AppContext, type AppPlugin } from '../app.js';
import { registerOriginListRoutes } from '../admin/origin-lists.js';
import { sendError } from '../errors.js';
import { bearerSecurity, errorResponses } from '../schemas.js';

function connectService(ctx: AppContext): ConnectService {
  return new ConnectService({
    storage: ctx.storage,
    keyring: ctx.keyring,
    catalogFor: (projectId) => ctx.subscriptions.catalogFor(projectId),
    publicUrl: () => ctx.engine.publicUrl,
    now: ctx.now,
    logger: ctx.logger,
  });
}

export function connectPlugin(): AppPlugin {
  return {
    userRoutes(scope, ctx) {
      const connect = connectService(ctx);
      scope.post('/connect/:integration', {
        schema: {
          tags: ['credentials'],
          summary: 'Start connecting an OAuth account: returns the provider authorization URL',
          description: 'Send the browser to authorizationUrl. After consent the provider calls GET /oauth/callback, which stores the credential and redirects to redirectUrl with ?credentialId=… (or ?error=…&error_description=…).',
          security: bearerSecurity,
          params: { type: 'object', required: ['projectId', 'integration'], properties: { projectId: { type: 'string' }, integration: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9]{0,63}$' } } },
          body: {
            type: 'object',
            required: ['redirectUrl'],
            additionalProperties: false,
            properties: {
              redirectUrl: { type: 'string', minLength: 1, maxLength: 2048, description: 'http(s) URL the browser returns to' },
              parameters: {
                type: 'object',
                maxProperties: 10,
                additionalProperties: { type: 'string', maxLength: 255 },
                description: "The account parameters of integrations whose OAuth runs on the account's own host, e.g. {\"shop\": \"acme\"} for Shopify (GET /integrations lists them as accountParameters)",
              },
            },
          },
          response: {
            200: { type: 'object', properties: { authorizationUrl: { type: 'string' }, expiresAt: { type: 'string' } } },
            ...errorResponses,
          },
        },
      }, async (req) => {
        const me = principal(req);
        const { integration } = req.params as { integration: string };
        const { redirectUrl, parameters } = req.body as { redirectUrl: string; parameters?: Record<string, string> };
        const r = await connect.start(me.projectId, me.userId, integration, redirectUrl, parameters);
        return { authorizationUrl: r.authorizationUrl, expiresAt: new Date(r.expiresAt).toISOString() };
      });
    },

    publicRoutes(app, ctx) {
      const connect = connectService(ctx);
      registerCallback(app, connect);
    },

    adminRoutes(scope, ctx) {
      registerOriginListRoutes(scope, ctx, {
        path: 'oauth-redirect-origins',
        list: 'oauth_redirect_origins',
        allowAny: false,
        getSummary: 'Origins the OAuth connect flow may redirect to (empty: any http(s) URL)',
        putSummary: 'Restrict connect redirects to these origins',
      });
    },
  };
}

// Ours, or names that could reach an object's prototype.
const OWN_PARAMS = new Set(['code', 'state', 'error', 'error_description', '__proto__', 'constructor', 'prototype']);
const MAX_PROVIDER_PARAMS = 20;
const MAX_PROVIDER_PARAM_LENGTH = 512;

/**
 * The provider's own redirect parameters (QuickBooks' realmId, Zoho's accounts-server): single string values
 * of bounded size, at most 20 of them; anything else is dropped rather than refused, since providers add
 * parameters we never read.
 */
function providerParams(query: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) {
    if (Object.keys(out).length >= MAX_PROVIDER_PARAMS) break;
    if (OWN_PARAMS.has(k) || typeof v !== 'string' || v.length > MAX_PROVIDER_PARAM_LENGTH || k.length > 64) continue;
    out[k] = v;
  }
  return out;
}

function registerCallback(app: FastifyInstance, connect: ConnectService) {
  app.get('/oauth/callback', {
    schema: {
      tags: ['credentials'],
      summary: 'OAuth redirect URI: the provider sends the browser here after consent',
      querystring: {
        type: 'object',
        // Providers add their own parameters (scope, iss, session_state, …): accept and ignore them.
        additionalProperties: true,
        properties: {
          code: { type: 'string', maxLength: 4096 },
          state: { type: 'string', maxLength: 512 },
          error: { type: 'string', maxLength: 256 },
          error_description: { type: 'string', maxLength: 2048 },
        },
      },
    },
  }, async (req, reply) => {
    // The URL carries an authorization code: keep it out of caches and of Referer headers.
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    const q = req.query as Omit<CallbackQuery, 'params'> & Record<string, unknown>;
    const r = await connect.callback({
      ...(q.code !== undefined ? { code: q.code } : {}),
      ...(q.state !== undefined ? { state: q.state } : {}),
      ...(q.error !== undefined ? { error: q.error } : {}),
      ...(q.error_description !== undefined ? { error_description: q.error_description } : {}),
      params: providerParams(q),
    });
    if (r.kind === 'refused') return sendError(reply, r.error);
    return reply.redirect(r.location, 302);
  });
}
