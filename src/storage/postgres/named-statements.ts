// Server-side prepared statements for the queries a process repeats, on PostgreSQL (ADR 0020): the pool
// handed to Kysely names a SQL text once it recurs, and pg then sends it as a named statement.
import type pg from 'pg';
import type { PostgresDialect } from 'kysely';

/** SQL texts given a name (per process; each connection prepares a name on its first use). */
const MAX_NAMED_STATEMENTS = 256;
/** A text is named on its third run: one-off queries (admin, migrations) stay unnamed. */
const NAME_ON_RUN = 3;
/** Bounds the counting of texts not yet named (queries with IN lists of every length, …). */
const MAX_COUNTED_TEXTS = 4096;
/** PostgreSQL's answer when a prepared statement's result columns changed under it (a migration). */
const CACHED_PLAN_CHANGED = /cached plan must not change result type/;

/**
 * Server-side prepared statements for the queries this process runs over and over (ADR 0020). Kysely's
 * driver sends every query unnamed, so PostgreSQL parses and plans it on every execution; on the webhook
 * path that is several statements per event. A text run often enough gets a name, and pg then sends it as
 * a named statement: parsed once per connection, executed by name after. At most MAX_NAMED_STATEMENTS
 * names are given, so a connection holds a bounded number of prepared statements.
 */
export class StatementNames {
  private readonly runs = new Map<string, number>();
  private readonly names = new Map<string, string>();
  private given = 0;

  nameFor(text: string): string | undefined {
    const name = this.names.get(text);
    if (name !== undefined || this.given >= MAX_NAMED_STATEMENTS) return name;
    const runs = (this.runs.get(text) ?? 0) + 1;
    if (runs < NAME_ON_RUN) {
      if (this.runs.size >= MAX_COUNTED_TEXTS) this.runs.clear();
      this.runs.set(text, runs);
      return undefined;
    }
    this.runs.delete(text);
    const fresh = `ot_${++this.given}`;
    this.names.set(text, fresh);
    return fresh;
  }

  /**
   * The statement no longer fits the schema (a migration by a newer process changed a table it reads):
   * the text runs unnamed from now on. Its old name stays prepared, unused, on the connections that have it.
   */
  retire(text: string): void {
    if (this.names.delete(text)) this.given = MAX_NAMED_STATEMENTS; // give no further names: schema in flux
  }
}

type KyselyPool = ConstructorParameters<typeof PostgresDialect>[0]['pool'];

export function withNamedStatements(pool: pg.Pool): KyselyPool {
  const names = new StatementNames();
  return {
    async connect() {
      const client = await pool.connect();
      return {
        async query(textOrCursor: unknown, values?: readonly unknown[]) {
          if (typeof textOrCursor !== 'string') return client.query(textOrCursor as pg.Submittable);
          const text = textOrCursor;
          const name = names.nameFor(text);
          if (name === undefined) return client.query(text, values as unknown[]);
          try {
            return await client.query({ name, text, values: values as unknown[] });
          } catch (err) {
            // This one query fails (inside a transaction, the transaction with it: callers retry as after
            // any failed write); the next run of the text is unnamed and sees the new columns.
            if (CACHED_PLAN_CHANGED.test((err as Error).message)) names.retire(text);
            throw err;
          }
        },
        release: () => client.release(),
      } as unknown as pg.PoolClient;
    },
    end: () => pool.end(),
  };
}
