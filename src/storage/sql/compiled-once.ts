// Queries on the webhook-to-webhook path, compiled once per shape instead of on every call.
//
// Kysely builds an operation tree and compiles it to SQL on every execution. On the inbound and delivery
// paths that building was about a tenth of the event loop's time under load (bench/hot-path-changes.md,
// fourth round), for a handful of queries whose SQL never changes except with the number of rows of a
// multi-row statement. Such a query is compiled once per shape (per dialect) and then executed with the new
// call's parameters. The prepared statement behind it is reused as before (sqlite/dialect.ts).
import { CompiledQuery, type Compilable, type DialectAdapter, type Kysely, type QueryResult } from 'kysely';
import type { Database } from '../schema.js';

const compiledByAdapter = new WeakMap<DialectAdapter, Map<string, CompiledQuery>>();

/**
 * Execute the query `build` returns, compiled once for `shape` (name it after the statement and whatever
 * changes its SQL text, e.g. the row count). `parameters` are this call's values in the order the SQL binds
 * them. The first compile of each shape checks that order against Kysely's own and throws on any
 * difference, so a wrong order fails the first test that runs the statement instead of storing values in
 * the wrong columns.
 */
export async function executeCompiledOnce<R>(
  db: Kysely<Database>,
  shape: string,
  parameters: readonly unknown[],
  build: () => Compilable<R>,
): Promise<QueryResult<R>> {
  const executor = db.getExecutor();
  // Plugins may rewrite a query per execution: nothing to cache then (the store installs none).
  if (executor.plugins.length > 0) return db.executeQuery(build());
  let shapes = compiledByAdapter.get(executor.adapter);
  if (!shapes) compiledByAdapter.set(executor.adapter, (shapes = new Map()));
  const compiled = shapes.get(shape) as CompiledQuery<R> | undefined;
  if (compiled) return db.executeQuery<R>({ ...compiled, parameters });
  const fresh = build().compile();
  assertSameParameters(shape, fresh.parameters, parameters);
  // Only the SQL text is kept: the compiled query's tree and parameters hold the first call's values
  // (payloads among them), which must not live as long as the process. Drivers run a query from its SQL.
  shapes.set(shape, CompiledQuery.raw(fresh.sql, []));
  return db.executeQuery<R>(fresh);
}

function assertSameParameters(shape: string, fromKysely: readonly unknown[], given: readonly unknown[]) {
  const same = fromKysely.length === given.length && fromKysely.every((v, i) => Object.is(v, given[i]));
  if (!same) throw new Error(`compiled query ${shape}: the parameters given do not match the order Kysely binds them in`);
}

/**
 * A multi-row insert's parameters: row after row, each row's values in its keys' order. The rows of one
 * statement must all list the same keys in the same order (build them with one object literal); the first
 * compile of each shape checks the result against Kysely's own binding.
 */
export function rowParameters(rows: readonly Record<string, unknown>[]): unknown[] {
  const out: unknown[] = [];
  for (const row of rows) for (const key in row) out.push(row[key] ?? null);
  return out;
}
