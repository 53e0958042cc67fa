// PostgreSQL adapter: a pg Pool, BIGINT parsed as JS numbers (our BIGINTs are epoch milliseconds and
// sequence numbers, far below 2^53), migrations serialised across processes with an advisory lock.
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { Database } from '../schema.js';
import { runMigrations } from '../migrate.js';
import { postgresMigrations } from './migrations.js';
import { withNamedStatements } from './named-statements.js';

const INT8_OID = 20;
const MIGRATION_LOCK_KEY = 7_342_001;

export function createPgPool(url: string, max = 10): pg.Pool {
  const types = {
    getTypeParser: (oid: number, format?: string) =>
      oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text'),
  };
  return new pg.Pool({ connectionString: url, max, types: types });
}

export function openPostgres(pool: pg.Pool, opts: { namedStatements?: boolean } = {}): Kysely<Database> {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: opts.namedStatements === false ? pool : withNamedStatements(pool) }) });
}

export async function migratePostgres(db: Kysely<Database>, pool: pg.Pool) {
  return runMigrations(db, postgresMigrations, {
    // Session-level advisory locks belong to one connection: hold a dedicated client for the whole run,
    // while the migrations themselves run on other pool connections.
    lock: async () => {
      const client = await pool.connect();
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      return async () => {
        try {
          await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
        } finally {
          client.release();
        }
      };
    },
  });
}
