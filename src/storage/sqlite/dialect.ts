// SQLite adapter: one better-sqlite3 connection in WAL mode. SQLite has a single writer, so this process
// is the only worker (ADR 0002); claims need no row locks, just one transaction.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
import type { Database } from '../schema.js';
import { runMigrations } from '../migrate.js';
import { WRITER_CHECKPOINT_PAGES } from './checkpointer.js';
import { sqliteMigrations } from './migrations.js';

export function sqlitePathFromUrl(url: string): string {
  const path = url.replace(/^sqlite:(\/\/)?/, '');
  if (path === '') throw new Error('DATABASE_URL sqlite: needs a file path, e.g. sqlite:./data/opentriggers.db');
  return path;
}

export function openSqlite(path: string): Kysely<Database> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const conn = new BetterSqlite3(path);
  conn.pragma('journal_mode = WAL');
  // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the last commits).
  conn.pragma('synchronous = NORMAL');
  // Checkpoints run on a background thread (checkpointer.ts); this connection checkpoints only when the
  // WAL outgrows that, and the file is truncated back after such a restart.
  conn.pragma(`wal_autocheckpoint = ${WRITER_CHECKPOINT_PAGES}`);
  conn.pragma(`journal_size_limit = ${WRITER_CHECKPOINT_PAGES * 4096}`);
  // 16 MiB of page cache (the default is 2 MiB): the hot index pages of the events and deliveries tables
  // stay in memory instead of being read back through the OS on every insert and claim. Not more: while
  // the file is under 1 GiB, about half of the commits that store events scan the whole cache. (A B-tree
  // split renumbers pages through the unused page at the 1 GiB offset, so the cache holds a page number
  // past the end of the file, and the commit's truncation to the file's size visits every cached page to
  // find it.) With 64 MiB that scan cost about 15 % of the CPU of storing an event (bench/record-cost.ts;
  // bench/hot-path-changes.md, ninth round).
  conn.pragma('cache_size = -16384');
  // Deleted rows are overwritten with zeros, not left readable in the file's free space: an erased user's
  // events (ADR 0024) and expired payloads are gone from the file, not only from every query. Nothing on the
  // event path deletes rows (deliveries finish by UPDATE), so this costs it nothing measurable.
  conn.pragma('secure_delete = ON');
  conn.pragma('foreign_keys = ON');
  conn.pragma('busy_timeout = 5000');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(conn) }) });
}

/** Prepared statements kept for reuse, least recently used dropped first. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely's SQLite driver prepares every query anew; compiling the SQL was about a tenth of the service's
 * CPU under webhook load (docs/benchmarks.md). The same texts recur constantly (each repository method
 * compiles to a few distinct statements), so reuse prepared statements by SQL text. A statement still
 * being iterated (`busy`) is never handed out twice: such a call gets a fresh one.
 */
function withStatementCache(conn: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(sql: string): SqliteStatement {
      const hit = cache.get(sql);
      if (hit && !hit.busy) {
        cache.delete(sql); // re-insert: most recently used last
        cache.set(sql, hit);
        return hit;
      }
      const stmt = conn.prepare(sql);
      if (!hit) {
        cache.set(sql, stmt);
        if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      }
      return stmt;
    },
    close() {
      cache.clear();
      conn.close();
    },
  };
}

export async function migrateSqlite(db: Kysely<Database>) {
  return runMigrations(db, sqliteMigrations);
}
