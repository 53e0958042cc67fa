// Real databases for tests: a fresh SQLite file, or a fresh PostgreSQL schema on TEST_DATABASE_URL, per
// call, so test files can run in parallel without seeing each other's rows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { createKeyring, generateKey, type Keyring } from '../../src/secrets/keyring.js';
import { openStorage } from '../../src/storage/open.js';
import type { Storage } from '../../src/storage/port.js';
import { createPgPool, openPostgres } from '../../src/storage/postgres/dialect.js';
import type { Database } from '../../src/storage/schema.js';
import { openSqlite, sqlitePathFromUrl } from '../../src/storage/sqlite/dialect.js';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

export interface TestDatabase {
  name: 'sqlite' | 'postgres';
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(kind: 'sqlite' | 'postgres'): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'ot-test-'));
    return { name: 'sqlite', url: `sqlite:${join(dir, 'test.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set');
  const schema = `t_${crypto.randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const sep = TEST_DATABASE_URL.includes('?') ? '&' : '?';
  const url = `${TEST_DATABASE_URL}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return {
    name: 'postgres',
    url,
    drop: async () => {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}

/** The dialects every storage-backed suite runs on. PostgreSQL is required in CI (TEST_DATABASE_URL). */
export const DIALECTS: Array<'sqlite' | 'postgres'> = TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];

export function testKeyring(): Keyring {
  return createKeyring(generateKey());
}

export async function openTestStorage(kind: 'sqlite' | 'postgres', keyring = testKeyring()) {
  const db = await createTestDatabase(kind);
  const storage: Storage = await openStorage(db.url, keyring);
  return {
    storage,
    keyring,
    db,
    async close() {
      await storage.close();
      await db.drop();
    },
  };
}

/** A Kysely on a test database, below the storage port and without migrating it (for SQL-level tests). */
export function openTestKysely(db: TestDatabase): Kysely<Database> {
  return db.name === 'sqlite' ? openSqlite(sqlitePathFromUrl(db.url)) : openPostgres(createPgPool(db.url, 2));
}

/** Every row of a table as the database stores it (bypassing storage), e.g. to check what is encrypted at rest. */
export async function rawRows(url: string, table: string): Promise<unknown[]> {
  if (url.startsWith('sqlite:')) {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(url.slice('sqlite:'.length), { readonly: true });
    try {
      return db.prepare(`SELECT * FROM ${table}`).all();
    } finally {
      db.close();
    }
  }
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(`SELECT * FROM ${table}`)).rows;
  } finally {
    await c.end();
  }
}
