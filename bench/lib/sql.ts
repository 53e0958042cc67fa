// Direct SQL on a scenario's database, for the few things the storage port rightly does not offer: shifting
// a seeded schedule in one statement and sampling overdue polls while the service runs.
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import type { BenchDatabase } from './db.js';

export interface Sql {
  /** `?` placeholders in both dialects. */
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
  run(text: string, params?: unknown[]): Promise<number>;
  close(): Promise<void>;
}

const numbered = (text: string) => {
  let i = 0;
  return text.replace(/\?/g, () => `$${++i}`);
};

export async function openSql(db: BenchDatabase): Promise<Sql> {
  if (db.dialect === 'sqlite') {
    const conn = new BetterSqlite3(db.where);
    conn.pragma('busy_timeout = 5000');
    return {
      async query<T>(text: string, params: unknown[] = []) {
        return conn.prepare(text).all(...params) as T[];
      },
      async run(text, params = []) {
        return conn.prepare(text).run(...params).changes;
      },
      async close() {
        conn.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  return {
    async query<T>(text: string, params: unknown[] = []) {
      return (await client.query(numbered(text), params)).rows as T[];
    },
    async run(text, params = []) {
      return (await client.query(numbered(text), params)).rowCount ?? 0;
    },
    async close() {
      await client.end();
    },
  };
}
