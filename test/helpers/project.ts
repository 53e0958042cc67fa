// Set up a project the way a newcomer would: admin API → project → signing key → user token.
import { mintUserToken } from '../../src/cli/token.js';
import type { ApiClient } from './api-client.js';

export interface TestProject {
  id: string;
  signingSecret: string;
  privateKey: string;
  tokenFor(userId: string, opts?: { ttlSeconds?: number }): Promise<string>;
  userClient(userId: string, headers?: Record<string, string>): Promise<ApiClient>;
}

export async function createTestProject(admin: ApiClient, opts: { webhookUrl?: string; name?: string } = {}): Promise<TestProject> {
  const p = await admin.post('/admin/v1/projects', { name: opts.name ?? 'Test project', ...(opts.webhookUrl ? { webhookUrl: opts.webhookUrl } : {}) });
  if (p.status !== 201) throw new Error(`create project failed: ${p.status} ${p.text}`);
  const k = await admin.post(`/admin/v1/projects/${p.body.id}/signing-keys`, {});
  if (k.status !== 201) throw new Error(`create signing key failed: ${k.status} ${k.text}`);
  const project: TestProject = {
    id: p.body.id,
    signingSecret: p.body.signingSecret,
    privateKey: k.body.privateKey,
    tokenFor: (userId, o) => mintUserToken({ projectId: p.body.id, userId, privateKeyPem: k.body.privateKey, ttlSeconds: o?.ttlSeconds ?? 600 }),
    userClient: async (userId, headers) => admin.withToken(await project.tokenFor(userId), headers),
  };
  return project;
}
