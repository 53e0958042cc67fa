// Server-side prepared statements on PostgreSQL (src/storage/postgres/dialect.ts, ADR 0020), seen from
// PostgreSQL itself: pg_prepared_statements lists what the session (here: the pool's one connection) holds.
import { sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createPgPool, openPostgres } from '../../src/storage/postgres/dialect.js';
import type { Database } from '../../src/storage/schema.js';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from '../helpers/databases.js';

describe.skipIf(!TEST_DATABASE_URL)('PostgreSQL prepared statements', () => {
  let t: TestDatabase;
  let db: Kysely<Database>;
  const open = async (namedStatements: boolean) => {
    t = await createTestDatabase('postgres');
    db = openPostgres(createPgPool(t.url, 1), { namedStatements });
  };
  const prepared = async () =>
    (await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements order by name`.execute(db)).rows;
  afterEach(async () => {
    await db.destroy();
    await t.drop();
  });

  it('runs a query repeated a third time as a named statement, and one-off queries unnamed', async () => {
    await open(true);
    for (let i = 0; i < 2; i++) await sql`select ${i}::int + 1 as n`.execute(db);
    expect(await prepared()).toEqual([]);
    const third = await sql<{ n: number }>`select ${41}::int + 1 as n`.execute(db);
    expect(third.rows).toEqual([{ n: 42 }]);
    expect(await prepared()).toEqual([{ name: 'ot_1', statement: 'select $1::int + 1 as n' }]);
    expect((await sql<{ n: number }>`select ${9}::int + 1 as n`.execute(db)).rows).toEqual([{ n: 10 }]);
  });

  it('prepares nothing when turned off (OPENTRIGGERS_PG_PREPARED_STATEMENTS=false)', async () => {
    await open(false);
    for (let i = 0; i < 5; i++) await sql`select ${i}::int as n`.execute(db);
    expect(await prepared()).toEqual([]);
  });

  it('after a migration changes the columns a named statement returns, fails that run only and goes on unnamed', async () => {
    await open(true);
    await sql`create table things (id int primary key)`.execute(db);
    await sql`insert into things values (1)`.execute(db);
    const read = () => sql<Record<string, unknown>>`select * from things where id = ${1}`.execute(db);
    for (let i = 0; i < 3; i++) expect((await read()).rows).toEqual([{ id: 1 }]);
    expect((await prepared()).map((p) => p.statement)).toContain('select * from things where id = $1');
    // A newer process migrates while this one runs.
    await sql`alter table things add column label text default 'new'`.execute(db);
    await expect(read()).rejects.toThrow(/cached plan must not change result type/);
    expect((await read()).rows).toEqual([{ id: 1, label: 'new' }]);
    expect((await read()).rows).toEqual([{ id: 1, label: 'new' }]);
  });
});
