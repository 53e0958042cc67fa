// A running service with the testkit integration configured against its fake provider, a project, and
// a connected user — the starting point of most API tests.
import type { AppPlugin } from '../../src/http/app.js';
import type { RoleStarter } from '../../src/main.js';
import type { IntegrationDefinition } from '../../src/sdk/index.js';
import { startFakeTestkit, type FakeTestkit } from '../providers/testkit.js';
import type { ApiClient } from './api-client.js';
import type { TestDatabase } from './databases.js';
import { createTestProject, type TestProject } from './project.js';
import { startTestService, type TestService } from './service.js';
import { testkitIntegration } from './testkit-integration.js';

export interface TestkitWorld {
  t: TestService;
  provider: FakeTestkit;
  project: TestProject;
  /** user-1, with a testkit credential */
  user: ApiClient;
  credentialId: string;
  close(): Promise<void>;
}

export async function startTestkitWorld(dialect: 'sqlite' | 'postgres', opts: { env?: Record<string, string>; plugins?: AppPlugin[]; workers?: RoleStarter[]; webhookUrl?: string; now?: () => number; db?: TestDatabase; moreIntegrations?: IntegrationDefinition[] } = {}): Promise<TestkitWorld> {
  const provider = await startFakeTestkit();
  const t = await startTestService({
    dialect,
    integrations: [testkitIntegration, ...(opts.moreIntegrations ?? [])],
    env: { OPENTRIGGERS_ALLOW_PRIVATE_WEBHOOK_URLS: 'true', ...opts.env },
    ...(opts.plugins ? { plugins: opts.plugins } : {}),
    ...(opts.workers ? { workers: opts.workers } : {}),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.db ? { db: opts.db } : {}),
  });
  const project = await createTestProject(t.admin, opts.webhookUrl ? { webhookUrl: opts.webhookUrl } : {});
  const cfg = await t.admin.put(`/admin/v1/projects/${project.id}/integrations/testkit`, {
    enabled: true, clientId: 'client-1', clientSecret: 'client-secret-1', webhookSecret: 'app-secret-1', apiBaseUrl: provider.url, tokenUrl: `${provider.url}/token`,
  });
  if (cfg.status !== 200) throw new Error(`configure testkit failed: ${cfg.status} ${cfg.text}`);
  const user = await project.userClient('user-1');
  const cred = await user.post(`/projects/${project.id}/credentials`, { integration: 'testkit', accessToken: 'valid-token', providerAccountId: 'acct_1' });
  if (cred.status !== 201) throw new Error(`create credential failed: ${cred.status} ${cred.text}`);
  return {
    t, provider, project, user, credentialId: cred.body.id,
    async close() {
      await t.stop();
      await provider.close();
    },
  };
}
