// A service whose testkit integration is connected through the real OAuth flow against oauth2-mock-server:
// the starting point of the connect, token refresh and renewal tests. The "browser" is undici without
// redirect following, so every hop (provider authorize → our callback → the app's redirectUrl) is visible.
import pino from 'pino';
import { request } from 'undici';
import { connectPlugin } from '../../src/http/routes/connect.js';
import type { AppPlugin } from '../../src/http/app.js';
import type { RoleStarter } from '../../src/main.js';
import type { IntegrationDefinition } from '../../src/sdk/index.js';
import { startFakeTestkit, type FakeTestkit } from '../providers/testkit.js';
import type { ApiClient } from './api-client.js';
import { TestClock } from './clock.js';
import { startMockOAuth, type MockOAuth } from './oauth-mock.js';
import { createTestProject, type TestProject } from './project.js';
import { startTestService, type TestService } from './service.js';
import { testkitIntegration } from './testkit-integration.js';

export const CLIENT_ID = 'client-1';
export const CLIENT_SECRET = 'client-secret-1';
export const APP_REDIRECT = 'https://app.example.com/settings/integrations?tab=connected';

/** testkit, plus how to find the provider account after connect (GET /me on the fake provider). */
export const connectableTestkit: IntegrationDefinition = {
  ...testkitIntegration,
  async accountId({ http }) {
    const me = await http.get<{ accountId: string }>('/me');
    return { providerAccountId: me.accountId, extra: { region: 'eu-1' } };
  },
};

export interface OAuthWorld {
  t: TestService;
  provider: FakeTestkit;
  oauth: MockOAuth;
  project: TestProject;
  /** user-1 (no credential yet) */
  user: ApiClient;
  clock: TestClock;
  /** Every log line the service wrote (level trace), as JSON text. */
  logs: string[];
  base: string;
  /** Run the browser side of the flow; returns the final Location (the app's redirectUrl + result). */
  connect(opts?: { user?: ApiClient; redirectUrl?: string }): Promise<{ location: URL; callbackUrl: string; authorizationUrl: URL }>;
  /** Follow an authorization URL at the provider; returns our callback URL it redirects to. */
  authorize(authorizationUrl: string): Promise<string>;
  /** GET a callback URL like the browser; returns status and Location. */
  callback(url: string): Promise<{ status: number; location: string | undefined; body: string }>;
  close(): Promise<void>;
}

export async function startOAuthWorld(
  dialect: 'sqlite' | 'postgres',
  opts: { integrations?: IntegrationDefinition[]; plugins?: AppPlugin[]; workers?: RoleStarter[] } = {},
): Promise<OAuthWorld> {
  const clock = new TestClock();
  const logs: string[] = [];
  const provider = await startFakeTestkit();
  const oauth = await startMockOAuth({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  // The fake provider accepts what the authorization server issues (tests narrow this where needed).
  oauth.onAccessToken = (token) => provider.validTokens.add(token);
  const t = await startTestService({
    dialect,
    integrations: opts.integrations ?? [connectableTestkit],
    env: { OPENTRIGGERS_ALLOW_PRIVATE_WEBHOOK_URLS: 'true' },
    plugins: [connectPlugin(), ...(opts.plugins ?? [])],
    workers: opts.workers ?? [],
    now: clock.now,
    logger: pino({ level: 'trace' }, { write: (line: string) => void logs.push(line) }),
  });
  const project = await createTestProject(t.admin);
  const cfg = await t.admin.put(`/admin/v1/projects/${project.id}/integrations/testkit`, {
    enabled: true, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, apiBaseUrl: provider.url,
    authorizationUrl: oauth.authorizeUrl, tokenUrl: oauth.tokenUrl,
  });
  if (cfg.status !== 200) throw new Error(`configure testkit failed: ${cfg.status} ${cfg.text}`);
  const user = await project.userClient('user-1');
  const base = `/projects/${project.id}`;

  const world: OAuthWorld = {
    t, provider, oauth, project, user, clock, logs, base,
    async authorize(authorizationUrl) {
      const res = await request(authorizationUrl);
      await res.body.text();
      if (res.statusCode !== 302) throw new Error(`authorize answered ${res.statusCode}`);
      return String(res.headers.location);
    },
    async callback(url) {
      const res = await request(url);
      const body = await res.body.text();
      const location = res.headers.location;
      return { status: res.statusCode, location: typeof location === 'string' ? location : undefined, body };
    },
    async connect(o = {}) {
      const client = o.user ?? user;
      const r = await client.post(`${base}/connect/testkit`, { redirectUrl: o.redirectUrl ?? APP_REDIRECT });
      if (r.status !== 200) throw new Error(`connect failed: ${r.status} ${r.text}`);
      const callbackUrl = await world.authorize(r.body.authorizationUrl);
      const cb = await world.callback(callbackUrl);
      if (cb.status !== 302 || !cb.location) throw new Error(`callback answered ${cb.status} ${cb.body}`);
      return { location: new URL(cb.location), callbackUrl, authorizationUrl: new URL(r.body.authorizationUrl) };
    },
    async close() {
      await t.stop();
      await oauth.close();
      await provider.close();
    },
  };
  return world;
}
