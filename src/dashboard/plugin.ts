// The dashboard (SPEC §7, issue 7): a single-page app at /dashboard that talks to the admin API with a
// session cookie. This plugin serves the page and its bundle, signs operators in and out, lets the admin
// API accept the session (with CSRF and Origin checks on every state change), and adds the one admin
// endpoint the UI needs that the API lacked: the catalog as the operator sees it.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { authKindsOf } from '../engine/auth-kinds.js';
import { canCatchUp } from '../engine/backstop.js';
import { credentialExtraFields } from '../engine/credentials.js';
import { checkedHourly } from '../engine/subscriptions.js';
import { toTriggerDefinitionJson } from '../engine/catalog.js';
import { AppError } from '../errors.js';
import type { AppContext, AppPlugin } from '../http/app.js';
import { loadProject, projectParams, adminSecurity } from '../http/admin/common.js';
import { setAdminSessionCheck } from '../http/admin/index.js';
import { errorBody } from '../http/errors.js';
import { CONDITION_OPERATORS } from '../sdk/filters.js';
import type { AnyTriggerDefinition } from '../sdk/index.js';
import { loadBundle, type Bundle } from './assets.js';
import { isSafeMethod, SessionManager } from './session.js';

export const DASHBOARD_PATH = '/dashboard';

/**
 * The page allows only its own script and styles: no inline script, nothing from another origin.
 * `Referrer-Policy: same-origin` (not no-referrer) so that browsers keep sending our Origin on state changes.
 */
const PAGE_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

function page(bundle: Bundle): string {
  const v = bundle.version;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>OpenTriggers</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${DASHBOARD_PATH}/assets/app.css?v=${v}">
<script type="module" src="${DASHBOARD_PATH}/assets/app.js?v=${v}"></script>
</head>
<body>
<div id="app"><noscript>The OpenTriggers dashboard needs JavaScript.</noscript></div>
</body>
</html>
`;
}

export function dashboardPlugin(): AppPlugin {
  const managers = new WeakMap<AppContext, SessionManager>();
  const managerFor = (ctx: AppContext) => {
    let m = managers.get(ctx);
    if (!m) {
      m = new SessionManager(ctx.storage, ctx.keyring, () => ctx.engine.publicUrl, ctx.now);
      managers.set(ctx, m);
    }
    return m;
  };

  return {
    adminRoutes(scope: FastifyInstance, ctx: AppContext) {
      const sessions = managerFor(ctx);
      setAdminSessionCheck(ctx, async (req) => {
        // A bearer token wins: API clients are not browsers, and need no CSRF token.
        if (req.headers.authorization !== undefined) return false;
        if (sessions.sessionIdOf(req) === null) return false;
        if (!(await sessions.current(req))) throw new AppError('UNAUTHORIZED', 'your dashboard session has expired or was signed out; sign in again');
        if (!isSafeMethod(req.method)) sessions.checkStateChange(req);
        return true;
      });

      scope.get('/projects/:projectId/catalog', {
        schema: {
          tags: ['admin: catalog'],
          summary: "The project's integrations and triggers, with example payloads and the filter operators",
          security: adminSecurity,
          params: projectParams,
        },
      }, async (req) => {
        const { projectId } = req.params as { projectId: string };
        await loadProject(ctx.storage, projectId);
        const catalog = await ctx.subscriptions.catalogFor(projectId);
        return {
          integrations: catalog.integrations().map((i) => ({
            key: i.key,
            name: i.name,
            authKind: i.auth.kind,
            authKinds: authKindsOf(i),
            credentialExtra: credentialExtraFields(i),
            appWebhook: i.appWebhook !== undefined,
            ...(i.docsUrl !== undefined ? { docsUrl: i.docsUrl } : {}),
            triggers: i.triggers.map((t) => ({
              ...toTriggerDefinitionJson(t),
              source: t.source.kind,
              syncNow: syncNowOf(t.source),
              examplePayload: t.examplePayload,
            })),
          })),
          conditionOperators: CONDITION_OPERATORS,
        };
      });
    },

    publicRoutes(app: FastifyInstance, ctx: AppContext) {
      const sessions = managerFor(ctx);
      const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');

      const sendPage = async (_req: unknown, reply: FastifyReply) => {
        const bundle = await loadBundle();
        return reply.headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(page(bundle));
      };
      app.get(DASHBOARD_PATH, { schema: { hide: true } }, sendPage);
      // Client-side routes (/dashboard/projects/…) all get the same page.
      app.get(`${DASHBOARD_PATH}/*`, { schema: { hide: true } }, sendPage);

      const asset = (name: 'js' | 'css', type: string) => async (req: { query: unknown }, reply: FastifyReply) => {
        const bundle = await loadBundle();
        const v = (req.query as { v?: string }).v;
        reply.header('x-content-type-options', 'nosniff');
        // Versioned URLs never change content; anything else must be revalidated.
        reply.header('cache-control', v === bundle.version ? 'public, max-age=31536000, immutable' : 'no-cache');
        return reply.type(type).send(bundle[name]);
      };
      app.get(`${DASHBOARD_PATH}/assets/app.js`, { schema: { hide: true } }, asset('js', 'text/javascript; charset=utf-8'));
      app.get(`${DASHBOARD_PATH}/assets/app.css`, { schema: { hide: true } }, asset('css', 'text/css; charset=utf-8'));
      app.all(`${DASHBOARD_PATH}/assets/*`, { schema: { hide: true } }, async (req, reply) =>
        reply.status(404).send(errorBody('NOT_FOUND', `no asset ${req.url.split('?')[0]}`, req.id)));
      app.all(`${DASHBOARD_PATH}/api/*`, { schema: { hide: true } }, async (req, reply) =>
        reply.status(404).send(errorBody('NOT_FOUND', `no route for ${req.method} ${req.url.split('?')[0]}`, req.id)));

      const tags = ['dashboard'];
      app.get(`${DASHBOARD_PATH}/api/session`, {
        schema: { tags, summary: 'Whether this browser has a dashboard session (and its CSRF token)' },
      }, async (req, reply) => {
        noStore(reply);
        const s = await sessions.current(req);
        if (!s) return { authenticated: false };
        return { authenticated: true, csrfToken: s.csrfToken, expiresAt: new Date(s.expiresAt).toISOString(), publicUrl: ctx.engine.publicUrl };
      });

      app.post(`${DASHBOARD_PATH}/api/session`, {
        schema: {
          tags,
          summary: 'Sign in with the admin token: sets an HttpOnly session cookie',
          body: { type: 'object', required: ['token'], additionalProperties: false, properties: { token: { type: 'string', minLength: 1, maxLength: 1000 } } },
        },
      }, async (req, reply) => {
        noStore(reply);
        sessions.checkOrigin(req);
        const { token } = req.body as { token: string };
        try {
          await ctx.adminAuth.check(token.trim());
        } catch {
          throw new AppError('UNAUTHORIZED', 'that is not the admin token of this service');
        }
        const s = await sessions.open(reply);
        return { authenticated: true, csrfToken: s.csrfToken, expiresAt: new Date(s.expiresAt).toISOString(), publicUrl: ctx.engine.publicUrl };
      });

      app.delete(`${DASHBOARD_PATH}/api/session`, {
        schema: { tags, summary: 'Sign out: revokes the session and clears its cookies' },
      }, async (req, reply) => {
        noStore(reply);
        if (await sessions.current(req)) sessions.checkStateChange(req);
        await sessions.close(req, reply);
        return { authenticated: false };
      });
    },
  };
}

/** What an operator's "Sync now" does for subscriptions of a trigger with this source (SubscriptionService.syncSoon). */
function syncNowOf(source: AnyTriggerDefinition['source']): { reads: boolean; registrationCheck: boolean } | null {
  const reads = source.kind === 'poll' || canCatchUp(source);
  const registrationCheck = checkedHourly(source);
  return reads || registrationCheck ? { reads, registrationCheck } : null;
}
