// Queries compiled once per shape (src/storage/sql/compiled-once.ts) bind each call's own values, on both
// dialects, and a parameter order that differs from Kysely's is refused before anything is written.
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateOnly } from '../../src/storage/open.js';
import type { Database } from '../../src/storage/schema.js';
import { executeCompiledOnce, rowParameters } from '../../src/storage/sql/compiled-once.js';
import { createTestDatabase, DIALECTS, openTestKysely, type TestDatabase } from '../helpers/databases.js';

describe.each(DIALECTS)('queries compiled once on %s', (dialect) => {
  let tdb: TestDatabase;
  let db: Kysely<Database>;
  beforeEach(async () => {
    tdb = await createTestDatabase(dialect);
    await migrateOnly(tdb.url);
    db = openTestKysely(tdb);
  });
  afterEach(async () => {
    await db.destroy();
    await tdb.drop();
  });

  const insertMeta = (rows: { key: string; value: string }[]) =>
    executeCompiledOnce(db, `test.meta.insert:${rows.length}`, rowParameters(rows), () => db.insertInto('meta').values(rows));
  const readMeta = async (key: string) =>
    (await executeCompiledOnce(db, 'test.meta.get', [key], () => db.selectFrom('meta').select(['key', 'value']).where('key', '=', key))).rows;

  it('runs every later call of a shape with that call’s values', async () => {
    await insertMeta([{ key: 'a', value: '1' }, { key: 'b', value: '2' }]);
    await insertMeta([{ key: 'c', value: '3' }, { key: 'd', value: '4' }]); // same shape: the compiled SQL again
    await insertMeta([{ key: 'e', value: '5' }]); // another shape
    expect(await readMeta('c')).toEqual([{ key: 'c', value: '3' }]);
    expect(await readMeta('d')).toEqual([{ key: 'd', value: '4' }]);
    expect(await readMeta('e')).toEqual([{ key: 'e', value: '5' }]);
    expect(await readMeta('x')).toEqual([]);
    const all = await db.selectFrom('meta').select(['key', 'value']).where('key', 'in', ['a', 'b', 'c', 'd', 'e']).orderBy('key').execute();
    expect(all.map((r) => `${r.key}=${r.value}`)).toEqual(['a=1', 'b=2', 'c=3', 'd=4', 'e=5']);
  });

  it('works inside a transaction and rolls back with it', async () => {
    await expect(db.transaction().execute(async (trx) => {
      await executeCompiledOnce(trx, 'test.meta.insert:1', ['t', 'in-tx'], () => trx.insertInto('meta').values({ key: 't', value: 'in-tx' }));
      throw new Error('abort');
    })).rejects.toThrow('abort');
    expect(await readMeta('t')).toEqual([]);
  });

  it('refuses, before writing anything, parameters in another order than Kysely binds them', async () => {
    const rows = [{ key: 'k', value: 'v' }];
    await expect(
      executeCompiledOnce(db, 'test.meta.insert.swapped:1', ['v', 'k'], () => db.insertInto('meta').values(rows)),
    ).rejects.toThrow(/test\.meta\.insert\.swapped:1: the parameters given do not match/);
    expect(await readMeta('k')).toEqual([]);
    expect(await readMeta('v')).toEqual([]);
  });
});
