// A fresh database per scenario run, dropped afterwards: a SQLite file in a temporary directory, or a
// PostgreSQL schema of its own on BENCH_DATABASE_URL (default: the local test server).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export type Dialect = 'sqlite' | 'postgres';

export const PG_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchDatabase {
  dialect: Dialect;
  /** DATABASE_URL for the service. */
  url: string;
  /** SQLite file path, or the PostgreSQL schema name. */
  where: string;
  drop(): Promise<void>;
}

export async function postgresAvailable(): Promise<string | null> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3_000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await c.end().catch(() => undefined);
  }
}

const live = new Set<BenchDatabase>();

/** Drop every database still alive (an interrupted run), best effort. */
export async function dropAll(): Promise<void> {
  await Promise.allSettled([...live].map((d) => d.drop()));
}

export async function createDatabase(dialect: Dialect): Promise<BenchDatabase> {
  const created = await create(dialect);
  const db: BenchDatabase = {
    ...created,
    async drop() {
      live.delete(db);
      await created.drop();
    },
  };
  live.add(db);
  return db;
}

async function create(dialect: Dialect): Promise<BenchDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'ot-bench-'));
    const file = join(dir, 'bench.db');
    return { dialect, url: `sqlite:${file}`, where: file, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `bench_${crypto.randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const sep = PG_URL.includes('?') ? '&' : '?';
  return {
    dialect,
    url: `${PG_URL}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    where: schema,
    async drop() {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}
