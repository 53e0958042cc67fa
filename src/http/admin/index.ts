// The admin API (SPEC §6), behind the admin token.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app.js';
import { bearerToken } from '../auth.js';
import { registerProjectRoutes } from './projects.js';
import { registerSigningKeyRoutes } from './signing-keys.js';
import { registerIntegrationRoutes } from './integrations.js';
import { registerUserRoutes } from './users.js';
import { registerEventRoutes } from './events.js';

export function registerAdminRoutes(app: FastifyInstance, ctx: AppContext) {
  app.addHook('onRequest', async (req) => {
    // The dashboard authenticates with its session instead; it sets req.adminSession before this runs.
    if ((req as { adminSession?: boolean }).adminSession === true) return;
    await ctx.adminAuth.check(bearerToken(req.headers.authorization));
  });
  registerProjectRoutes(app, ctx);
  registerSigningKeyRoutes(app, ctx);
  registerIntegrationRoutes(app, ctx);
  registerUserRoutes(app, ctx);
  registerEventRoutes(app, ctx);
}
