// A tiny migration runner: each dialect has an ordered list of SQL scripts; applied versions are recorded
// in schema_migrations. Each script runs in its own transaction, so a failed migration leaves nothing half done.
import { sql, type Kysely } from 'kysely';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export interface MigrationResult {
  applied: number[];
}

// The runner touches only its own bookkeeping table, so it works on a Kysely of any schema.
export async function runMigrations<DB>(
  db: Kysely<DB>,
  migrations: readonly Migration[],
  opts: { lock?: () => Promise<() => Promise<void>> } = {},
): Promise<MigrationResult> {
  const unlock = opts.lock ? await opts.lock() : async () => {};
  try {
    await sql`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`.execute(db);
    const done = await sql<{ version: number }>`SELECT version FROM schema_migrations`.execute(db);
    const doneVersions = new Set(done.rows.map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (doneVersions.has(m.version)) continue;
      await db.transaction().execute(async (trx) => {
        for (const statement of splitStatements(m.sql)) {
          await sql.raw(statement).execute(trx);
        }
        await sql`INSERT INTO schema_migrations (version, name, applied_at) VALUES (${m.version}, ${m.name}, ${new Date().toISOString()})`.execute(trx);
      });
      applied.push(m.version);
    }
    return { applied };
  } finally {
    await unlock();
  }
}

/** Our migration scripts are plain DDL without semicolons inside literals, so splitting on ';' is safe. */
function splitStatements(script: string): string[] {
  return script
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
