// Start a real OpenTriggers service in this process, listening on a random port, on a fresh database.
import pino, { type Logger } from 'pino';
import { loadConfig } from '../../src/config.js';
import type { AppPlugin } from '../../src/http/app.js';
import { startService, type RoleStarter, type Service } from '../../src/main.js';
import type { IntegrationDefinition } from '../../src/sdk/index.js';
import { generateKey } from '../../src/secrets/keyring.js';
import { createTestDatabase, type TestDatabase } from './databases.js';
import { ApiClient } from './api-client.js';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface TestService {
  svc: Service;
  url: string;
  db: TestDatabase;
  admin: ApiClient;
  stop(): Promise<void>;
}

export async function startTestService(opts: {
  dialect: 'sqlite' | 'postgres';
  integrations?: IntegrationDefinition[];
  env?: Record<string, string>;
  plugins?: AppPlugin[];
  workers?: RoleStarter[];
  now?: () => number;
  db?: TestDatabase;
  /** Capture log lines (e.g. to check that no token is ever logged); default: pino at LOG_LEVEL. */
  logger?: Logger;
}): Promise<TestService> {
  const db = opts.db ?? (await createTestDatabase(opts.dialect));
  const config = loadConfig({
    PORT: '1',
    HOST: '127.0.0.1',
    DATABASE_URL: db.url,
    OPENTRIGGERS_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    OPENTRIGGERS_ENCRYPTION_KEY: generateKey(),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...opts.env,
  });
  // Port 0: let the OS choose; the public URL follows once the port is known.
  config.port = 0;
  const svc = await startService(config, {
    integrations: opts.integrations ?? [],
    plugins: opts.plugins ?? [],
    workers: opts.workers ?? [],
    logger: opts.logger ?? pino({ level: config.logLevel }),
    ...(opts.now ? { now: opts.now } : {}),
  });
  const url = svc.url ?? '';
  if (!opts.env?.OPENTRIGGERS_PUBLIC_URL) {
    config.publicUrl = url;
    svc.deps.publicUrl = url;
  }
  return {
    svc,
    url,
    db,
    admin: new ApiClient(url, TEST_ADMIN_TOKEN),
    async stop() {
      await svc.stop();
      if (!opts.db) await db.drop();
    },
  };
}
