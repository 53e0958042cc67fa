// Composition root: config → keyring → storage → services → roles. The only place (with the CLI and test
// helpers) that chooses concrete adapters and the integration catalog.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { Catalog } from './engine/catalog.js';
import type { EngineDeps } from './engine/context.js';
import { CredentialService } from './engine/credentials.js';
import { SubscriptionService } from './engine/subscriptions.js';
import { TokenManager } from './engine/tokens.js';
import { ADMIN_TOKEN_HASH_KEY } from './http/auth.js';
import { createApp, type AppPlugin } from './http/app.js';
import { createLogger } from './observability/logger.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import type { IntegrationDefinition } from './sdk/index.js';
import { createKeyring, generateKey, type Keyring } from './secrets/keyring.js';
import { randomToken, sha256Hex } from './secrets/tokens.js';
import { isPostgresUrl, openStorage } from './storage/open.js';
import { sqlitePathFromUrl } from './storage/sqlite/dialect.js';
import type { Storage } from './storage/port.js';

export interface ServiceOptions {
  integrations: readonly IntegrationDefinition[];
  logger?: Logger;
  now?: () => number;
  /** Print the generated admin token (the CLI does; tests read it from the returned service). */
  announce?: (line: string) => void;
}

export interface Service {
  config: Config;
  storage: Storage;
  metrics: Metrics;
  logger: Logger;
  app: FastifyInstance | null;
  /** Base URL the HTTP server listens on (null for a worker-only process). */
  url: string | null;
  /** Set when this start generated the admin token; it is shown once and stored only as a hash. */
  generatedAdminToken: string | null;
  deps: EngineDeps;
  subscriptions: SubscriptionService;
  stop(): Promise<void>;
}

/** A part of the service that runs in the background (delivery worker, poller, renewals). */
export interface BackgroundRole {
  stop(): Promise<void>;
}

export function loadEncryptionKey(config: Config): string {
  if (config.encryptionKey) return config.encryptionKey;
  if (isPostgresUrl(config.databaseUrl)) {
    throw new Error('OPENTRIGGERS_ENCRYPTION_KEY is required with PostgreSQL (every process must share it); generate one with: openssl rand -base64 32');
  }
  // Embedded default: keep a generated key next to the database file, readable by this user only.
  const dbPath = sqlitePathFromUrl(config.databaseUrl);
  const keyPath = join(dbPath === ':memory:' ? './data' : dirname(dbPath), 'encryption.key');
  if (existsSync(keyPath)) return readFileSync(keyPath, 'utf8').trim();
  mkdirSync(dirname(keyPath), { recursive: true });
  const key = generateKey();
  writeFileSync(keyPath, `${key}\n`, { mode: 0o600 });
  chmodSync(keyPath, 0o600);
  return key;
}

async function ensureAdminToken(storage: Storage, config: Config): Promise<string | null> {
  if (config.adminToken) {
    await storage.meta.set(ADMIN_TOKEN_HASH_KEY, sha256Hex(config.adminToken));
    return null;
  }
  const token = randomToken('ot_admin_');
  return (await storage.meta.setIfAbsent(ADMIN_TOKEN_HASH_KEY, sha256Hex(token))) ? token : null;
}

export type RoleStarter = (svc: Service, keyring: Keyring) => Promise<BackgroundRole> | BackgroundRole;

export async function startService(
  config: Config,
  opts: ServiceOptions & { plugins?: AppPlugin[]; workers?: RoleStarter[]; listen?: boolean },
): Promise<Service> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const now = opts.now ?? Date.now;
  const keyring = createKeyring(loadEncryptionKey(config), config.previousEncryptionKeys);
  const storage = await openStorage(config.databaseUrl, keyring, {
    pgPreparedStatements: config.pgPreparedStatements,
    poolSize: config.pgPoolSize,
    onNotifyError: (err) => logger.warn({ err }, 'NOTIFY to other processes failed; their workers and streams find the new work on their next poll'),
  });
  const generatedAdminToken = await ensureAdminToken(storage, config);
  if (generatedAdminToken) {
    (opts.announce ?? (() => undefined))(
      `Generated admin token (shown once, stored hashed; set OPENTRIGGERS_ADMIN_TOKEN to choose your own):\n  ${generatedAdminToken}`,
    );
  }
  const metrics = createMetrics({ queueDepth: () => storage.deliveries.countByStatus() });
  const catalog = new Catalog(opts.integrations);
  const tokens = new TokenManager(storage, now);
  const deps: EngineDeps = {
    storage,
    tokens,
    logger,
    now,
    publicUrl: config.publicUrl,
    pollIntervalSeconds: config.pollIntervalSeconds,
    backstopSyncSeconds: config.backstopSyncSeconds,
    allowPrivateWebhookUrls: config.allowPrivateWebhookUrls,
  };
  const subscriptions = new SubscriptionService(deps, () => catalog);
  const credentials = new CredentialService(storage, subscriptions, { now, metrics });

  let app: FastifyInstance | null = null;
  let url: string | null = null;
  const background: BackgroundRole[] = [];
  const svc: Service = {
    config, storage, metrics, logger, app, url, generatedAdminToken, deps, subscriptions,
    async stop() {
      // Stop taking work first, then let in-flight work finish, then close the database.
      if (app) await app.close();
      for (const b of background.reverse()) await b.stop();
      await storage.close();
    },
  };

  if (config.role === 'all' || config.role === 'api') {
    app = await createApp({
      storage, logger, metrics, subscriptions, credentials, engine: deps, keyring, publicUrl: config.publicUrl,
      allowPrivateWebhookUrls: config.allowPrivateWebhookUrls, now, plugins: opts.plugins ?? [],
    });
    if (opts.listen ?? true) {
      await app.listen({ port: config.port, host: config.host });
      const addr = app.server.address();
      const port = typeof addr === 'object' && addr ? addr.port : config.port;
      url = `http://127.0.0.1:${port}`;
    }
    svc.app = app;
    svc.url = url;
  }
  if (config.role === 'all' || config.role === 'worker') {
    for (const start of opts.workers ?? []) background.push(await start(svc, keyring));
  }
  return svc;
}
