// The admin API (SPEC §6), behind the admin token.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../app.js';
import { bearerToken } from '../auth.js';
import { registerProjectRoutes } from './projects.js';
import { registerSigningKeyRoutes } from './signing-keys.js';
import { registerIntegrationRoutes } from './integrations.js';
import { registerUserRoutes } from './users.js';
import { registerEventRoutes } from './events.js';
import { registerWebhookTestRoutes } from './webhook-test.js';
import { registerOriginListRoutes } from './origin-lists.js';

/**
 * Another way to authenticate admin requests (the dashboard's session cookie, src/dashboard): resolves
 * true when the request is authenticated by it, false to fall back to the bearer token, or throws (e.g. a
 * state change without its CSRF token). Registered per app by the plugin that owns it.
 */
export type AdminSessionCheck = (req: FastifyRequest) => Promise<boolean>;
const sessionChecks = new WeakMap<AppContext, AdminSessionCheck>();

export function setAdminSessionCheck(ctx: AppContext, check: AdminSessionCheck): void {
  sessionChecks.set(ctx, check);
}

export function registerAdminRoutes(app: FastifyInstance, ctx: AppContext) {
  app.addHook('onRequest', async (req) => {
    // The dashboard authenticates with its session instead; it sets req.adminSession before this runs.
    if ((req as { adminSession?: boolean }).adminSession === true) return;
    const sessionCheck = sessionChecks.get(ctx);
    if (sessionCheck && (await sessionCheck(req))) {
      (req as { adminSession?: boolean }).adminSession = true;
      return;
    }
    await ctx.adminAuth.check(bearerToken(req.headers.authorization));
  });
  registerProjectRoutes(app, ctx);
  registerSigningKeyRoutes(app, ctx);
  registerIntegrationRoutes(app, ctx);
  registerUserRoutes(app, ctx);
  registerEventRoutes(app, ctx);
  registerWebhookTestRoutes(app, ctx);
  registerOriginListRoutes(app, ctx, {
    path: 'cors-origins',
    list: 'cors_origins',
    allowAny: true,
    getSummary: "Origins whose pages may call this project's user API from a browser (empty: none)",
    putSummary: 'Replace the CORS origins: exact origins (scheme, host, port), or ["*"] for any',
  });
}
