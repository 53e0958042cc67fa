// The one place that reads process.env. Everything else receives a Config.
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1');

/** Like `bool`, but on unless set to false or 0. */
const boolDefaultTrue = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v !== 'false' && v !== '0');

const retrySchedule = z
  .string()
  .optional()
  .transform((v, ctx) => {
    const raw = v ?? '5,300,1800,7200,18000,36000,36000';
    const parts = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const nums = parts.map(Number);
    if (nums.length === 0 || nums.some((n) => !Number.isFinite(n) || n < 0)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be comma-separated non-negative seconds' });
      return z.NEVER;
    }
    return nums;
  });

/** An integer of at least `min`, or `fallback` when unset (undefined: an optional setting). */
const integerSetting = <T extends number | undefined>(fallback: T, min: number, message: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx): number | T => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message });
        return z.NEVER;
      }
      return n;
    });
const positiveInt = <T extends number | undefined>(fallback: T) => integerSetting(fallback, 1, 'must be a positive integer');
const nonNegativeInt = (fallback: number) => integerSetting(fallback, 0, 'must be a non-negative integer (0 turns it off)');

export const ROLES = ['all', 'api', 'worker'] as const;
export type Role = (typeof ROLES)[number];

const EnvSchema = z.object({
  PORT: positiveInt(8080),
  HOST: z.string().optional().default('0.0.0.0'),
  DATABASE_URL: z.string().optional().default('sqlite:./data/opentriggers.db'),
  OPENTRIGGERS_ROLE: z.enum(ROLES).optional().default('all'),
  OPENTRIGGERS_PUBLIC_URL: z.string().url().optional(),
  OPENTRIGGERS_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  OPENTRIGGERS_ENCRYPTION_KEY: z.string().optional(),
  OPENTRIGGERS_PREVIOUS_ENCRYPTION_KEYS: z.string().optional(),
  OPENTRIGGERS_RETRY_SCHEDULE: retrySchedule,
  OPENTRIGGERS_DELIVERY_TIMEOUT_MS: positiveInt(15000),
  OPENTRIGGERS_POLL_INTERVAL_SECONDS: positiveInt(60),
  OPENTRIGGERS_BACKSTOP_SYNC_SECONDS: nonNegativeInt(900),
  OPENTRIGGERS_ALLOW_PRIVATE_WEBHOOK_URLS: bool,
  OPENTRIGGERS_DELIVERY_CONCURRENCY: positiveInt(64),
  OPENTRIGGERS_EVENT_RETENTION_DAYS: positiveInt(undefined),
  OPENTRIGGERS_PG_PREPARED_STATEMENTS: boolDefaultTrue,
  // Two at least: a process keeps one connection for LISTEN, and migrations hold one for their lock.
  OPENTRIGGERS_PG_POOL_SIZE: integerSetting(10, 2, 'must be an integer of at least 2 (one connection is kept for LISTEN)'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional().default('info'),
});

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  role: Role;
  publicUrl: string;
  adminToken: string | undefined;
  encryptionKey: string | undefined;
  previousEncryptionKeys: string[];
  retryScheduleSeconds: number[];
  deliveryTimeoutMs: number;
  pollIntervalSeconds: number;
  /** How often webhook subscriptions whose provider can list changes are synced as a backstop; 0: never. */
  backstopSyncSeconds: number;
  allowPrivateWebhookUrls: boolean;
  /** Upper bound of deliveries in flight per process. */
  deliveryConcurrency: number;
  /** Finished events older than this many days keep only their dedupe marker; null: keep everything. */
  eventRetentionDays: number | null;
  /** PostgreSQL: run the queries this process repeats as server-side prepared statements (ADR 0020). */
  pgPreparedStatements: boolean;
  /** PostgreSQL: connections this process opens at most. */
  pgPoolSize: number;
  logLevel: string;
}

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable (`FOO=` in a compose file or shell) means "not set", not "set to nothing".
  const set = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = EnvSchema.safeParse(set);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    role: e.OPENTRIGGERS_ROLE,
    publicUrl: (e.OPENTRIGGERS_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    adminToken: e.OPENTRIGGERS_ADMIN_TOKEN,
    encryptionKey: e.OPENTRIGGERS_ENCRYPTION_KEY,
    previousEncryptionKeys: (e.OPENTRIGGERS_PREVIOUS_ENCRYPTION_KEYS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    retryScheduleSeconds: e.OPENTRIGGERS_RETRY_SCHEDULE,
    deliveryTimeoutMs: e.OPENTRIGGERS_DELIVERY_TIMEOUT_MS,
    pollIntervalSeconds: e.OPENTRIGGERS_POLL_INTERVAL_SECONDS,
    backstopSyncSeconds: e.OPENTRIGGERS_BACKSTOP_SYNC_SECONDS,
    allowPrivateWebhookUrls: e.OPENTRIGGERS_ALLOW_PRIVATE_WEBHOOK_URLS,
    deliveryConcurrency: e.OPENTRIGGERS_DELIVERY_CONCURRENCY,
    eventRetentionDays: e.OPENTRIGGERS_EVENT_RETENTION_DAYS ?? null,
    pgPreparedStatements: e.OPENTRIGGERS_PG_PREPARED_STATEMENTS,
    pgPoolSize: e.OPENTRIGGERS_PG_POOL_SIZE,
    logLevel: e.LOG_LEVEL,
  };
}
