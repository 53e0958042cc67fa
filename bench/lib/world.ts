// What every scenario starts from: a running service on a fresh database, a project created through the
// admin API (webhook URL, signing secret, signing key for user tokens, integration settings), and bulk
// users/credentials/subscriptions written straight into storage through the storage port — the fastest
// way to get thousands of them, and exactly the rows the subscription API would have written (for GitHub:
// as if the repository hook had been registered; the subscribe path itself is measured by the API scenario).
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { mintUserToken } from '../../src/cli/token.js';
import { createKeyring, generateKey } from '../../src/secrets/keyring.js';
import { openStorage } from '../../src/storage/open.js';
import type { Storage, Subscription } from '../../src/storage/port.js';
import { createDatabase, type BenchDatabase, type Dialect } from './db.js';
import { startService, type Runtime, type ServiceHandle } from './procs.js';

export const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
export const SLACK_SIGNING_SECRET = 'bench-slack-signing-secret-0123456789';
export const SLACK_TEAM = 'T0BENCH01';

export interface ApiResult {
  status: number;
  body: any;
}

export async function api(method: string, url: string, token: string, body?: unknown): Promise<ApiResult> {
  const res = await request(url, {
    method: method as 'GET',
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.body.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    // keep text
  }
  return { status: res.statusCode, body: parsed };
}

async function admin(world: { url: string }, method: string, path: string, body?: unknown, expect = [200, 201]): Promise<any> {
  const r = await api(method, `${world.url}/admin/v1${path}`, ADMIN_TOKEN, body);
  if (!expect.includes(r.status)) throw new Error(`${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export interface World {
  dialect: Dialect;
  db: BenchDatabase;
  service: ServiceHandle;
  url: string;
  storage: Storage;
  projectId: string;
  signingSecret: string;
  privateKey: string;
  tokenFor(userId: string): Promise<string>;
  close(): Promise<void>;
}

export interface WorldOptions {
  dialect: Dialect;
  runtime: Runtime;
  label: string;
  /** Project webhook URL (the receiver). */
  webhookUrl: string;
  env?: Record<string, string>;
  cpuProfDir?: string;
}

export async function startWorld(opts: WorldOptions): Promise<World> {
  const db = await createDatabase(opts.dialect);
  const encryptionKey = generateKey();
  let service: ServiceHandle | null = null;
  let storage: Storage | null = null;
  try {
    service = await startService({
      runtime: opts.runtime,
      label: opts.label,
      env: { DATABASE_URL: db.url, OPENTRIGGERS_ENCRYPTION_KEY: encryptionKey, OPENTRIGGERS_ADMIN_TOKEN: ADMIN_TOKEN, ...opts.env },
      ...(opts.cpuProfDir ? { cpuProfDir: opts.cpuProfDir } : {}),
    });
    // Migrations are already applied by the service; this connection seeds and inspects.
    storage = await openStorage(db.url, createKeyring(encryptionKey), { poolSize: 4 });
    const w = { url: service.url };
    const project = await admin(w, 'POST', '/projects', { name: `bench ${opts.label}`, webhookUrl: opts.webhookUrl });
    const key = await admin(w, 'POST', `/projects/${project.id}/signing-keys`, {});
    await admin(w, 'PUT', `/projects/${project.id}/integrations/slack`, {
      enabled: true, clientId: 'bench-client', clientSecret: 'bench-client-secret', webhookSecret: SLACK_SIGNING_SECRET,
    });
    await admin(w, 'PUT', `/projects/${project.id}/integrations/github`, {
      enabled: true, clientId: 'bench-client', clientSecret: 'bench-client-secret', apiBaseUrl: 'http://127.0.0.1:9',
    });
    const svc = service;
    const st = storage;
    return {
      dialect: opts.dialect,
      db,
      service: svc,
      url: svc.url,
      storage: st,
      projectId: project.id,
      signingSecret: project.signingSecret,
      privateKey: key.privateKey,
      tokenFor: (userId) => mintUserToken({ projectId: project.id, userId, privateKeyPem: key.privateKey, ttlSeconds: 3600 }),
      async close() {
        await svc.stop();
        await st.close().catch(() => undefined);
        await db.drop();
      },
    };
  } catch (err) {
    await service?.stop().catch(() => undefined);
    await storage?.close().catch(() => undefined);
    await db.drop().catch(() => undefined);
    throw err;
  }
}

export async function adminCall(world: World, method: string, path: string, body?: unknown): Promise<any> {
  return admin(world, method, path, body);
}

type NewSub = Omit<Subscription, 'id' | 'dateCreated' | 'dateLastReceivedEvent' | 'updatedAt' | 'consecutiveFailures'>;

/** Users, one credential each, and subscriptions built by `sub(i, credentialId)`, in one transaction per 1,000. */
async function seed(
  world: World,
  count: number,
  credential: (i: number) => { userId: string; integration: string; providerAccountId: string | null; secrets: Record<string, string> },
  sub: (i: number, userId: string, credentialId: string) => NewSub | null,
): Promise<Subscription[]> {
  const out: Subscription[] = [];
  for (let from = 0; from < count; from += 1000) {
    const to = Math.min(count, from + 1000);
    const part = await world.storage.transaction(async (tx) => {
      const subs: Subscription[] = [];
      for (let i = from; i < to; i++) {
        const c = credential(i);
        await tx.users.touch(world.projectId, c.userId);
        const cred = await tx.credentials.create({ projectId: world.projectId, userId: c.userId, integration: c.integration, providerAccountId: c.providerAccountId, secrets: c.secrets, expiresAt: null });
        const s = sub(i, c.userId, cred.id);
        if (s) subs.push(await tx.subscriptions.create(s));
      }
      return subs;
    });
    out.push(...part);
  }
  return out;
}

const base = (world: World, userId: string, credentialId: string) => ({
  projectId: world.projectId, userId, credentialId, status: 'ACTIVE' as const, error: null, webhookOverride: null,
  state: {}, secret: null, nextPollAt: null, renewAt: null,
});

/** GitHub issue-opened subscriptions, each with its own repository hook secret (as registration stores it). */
export async function seedGithub(world: World, count: number, opts: { webhookUrl?: string } = {}): Promise<Array<{ id: string; secret: string }>> {
  const secrets: string[] = [];
  const subs = await seed(
    world,
    count,
    (i) => ({ userId: `gh-user-${i}`, integration: 'github', providerAccountId: String(1000 + i), secrets: { accessToken: `gho_bench${i}` } }),
    (i, userId, credentialId) => {
      const secret = randomBytes(32).toString('hex');
      secrets[i] = secret;
      return {
        ...base(world, userId, credentialId),
        integration: 'github', triggerType: 'GITHUB_TRIGGER_ISSUE_CREATED', parameters: { owner: 'bench', repo: `repo-${i}` },
        state: { hookId: 100 + i, owner: 'bench', repo: `repo-${i}`, event: 'issues' }, secret,
        webhookOverride: opts.webhookUrl ? { url: opts.webhookUrl } : null,
      };
    },
  );
  return subs.map((s, i) => ({ id: s.id, secret: secrets[i]! }));
}

/** Users whose Slack credentials are all installs in one workspace, each subscribed to channel messages. */
export async function seedSlackFanout(world: World, count: number): Promise<number> {
  const subs = await seed(
    world,
    count,
    (i) => ({ userId: `slack-user-${i}`, integration: 'slack', providerAccountId: SLACK_TEAM, secrets: { accessToken: `xoxb-bench-${i}` } }),
    (_i, userId, credentialId) => ({ ...base(world, userId, credentialId), integration: 'slack', triggerType: 'SLACK_TRIGGER_CHANNEL_MESSAGE_POSTED', parameters: {} }),
  );
  return subs.length;
}

/** Polling subscriptions whose first polls are spread evenly over one interval starting at `firstAt`. */
export async function seedPolling(world: World, count: number, opts: { integration: string; type: string; intervalMs: number; firstAt: number }): Promise<number> {
  const subs = await seed(
    world,
    count,
    (i) => ({ userId: `poll-user-${i}`, integration: opts.integration, providerAccountId: null, secrets: { apiKey: `bench-key-${i}` } }),
    (i, userId, credentialId) => ({
      ...base(world, userId, credentialId),
      integration: opts.integration, triggerType: opts.type, parameters: { feed: `feed-${i}` },
      state: { cursor: null }, nextPollAt: opts.firstAt + Math.floor((i * opts.intervalMs) / count),
    }),
  );
  return subs.length;
}

/** API users: a Slack and a GitHub credential each, no subscriptions. */
export async function seedApiUsers(world: World, count: number): Promise<string[]> {
  const users: string[] = [];
  await seed(
    world,
    count,
    (i) => {
      users.push(`api-user-${i}`);
      return { userId: `api-user-${i}`, integration: 'slack', providerAccountId: `T0API${i}`, secrets: { accessToken: `xoxb-api-${i}` } };
    },
    () => null,
  );
  await seed(world, count, (i) => ({ userId: `api-user-${i}`, integration: 'github', providerAccountId: String(5000 + i), secrets: { accessToken: `gho_api${i}` } }), () => null);
  return users;
}

export { generateKey };
