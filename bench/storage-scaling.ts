// Micro-benchmark of the delivery queue's two hot statements against a growing history: the time of one
// claim (`deliveries.claimDue`, 200 due rows) and of recording one batch of 200 outcomes
// (`deliveries.complete`) when the table already holds N finished deliveries. A healthy queue costs the
// same at any N (index lookups); a statement that scans the table grows linearly with N.
//
//   npx tsx bench/storage-scaling.ts [--sizes=0,25000,100000,250000] [--db=sqlite,postgres] [--rev=<git rev>]
//
// --rev runs the repository code of another revision (src/storage/sql/deliveries.ts from git, against the
// current schema and helpers), for before/after comparisons (bench/hot-path-changes.md).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { createKeyring, generateKey } from '../src/secrets/keyring.js';
import type { DeliveryOutcome, Storage } from '../src/storage/port.js';
import { createPgPool, migratePostgres, openPostgres } from '../src/storage/postgres/dialect.js';
import type { Database } from '../src/storage/schema.js';
import type { RepoContext } from '../src/storage/sql/context.js';
import { deliveriesRepo as currentDeliveriesRepo } from '../src/storage/sql/deliveries.js';
import { migrateSqlite, openSqlite } from '../src/storage/sqlite/dialect.js';
import { createDatabase, postgresAvailable, type Dialect } from './lib/db.js';
import { ROOT } from './lib/procs.js';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '0,25000,100000,250000' }, db: { type: 'string', default: 'sqlite,postgres' }, rev: { type: 'string' }, repeats: { type: 'string', default: '5' } } });
const sizes = values.sizes.split(',').map(Number);
const repeats = Number(values.repeats);

type RepoFactory = (ctx: RepoContext) => Storage['deliveries'];

async function loadRepo(rev: string | undefined): Promise<RepoFactory> {
  if (!rev) return currentDeliveriesRepo;
  const source = execFileSync('git', ['show', `${rev}:src/storage/sql/deliveries.ts`], { cwd: ROOT, encoding: 'utf8' });
  // Outside the repository (not linted, not type-checked), imports pointed at the current sources.
  const dir = mkdtempSync(join(tmpdir(), 'ot-bench-rev-'));
  const file = join(dir, `deliveries-${rev.replace(/[^A-Za-z0-9]/g, '')}.ts`);
  const src = join(ROOT, 'src', 'storage');
  const rewritten = source
    .replace(/from '\.\.\/([^']+)'/g, `from '${src}/$1'`)
    .replace(/from '\.\/([^']+)'/g, `from '${src}/sql/$1'`)
    .replace(/from '([^./'][^']*)'/g, (_m, pkg: string) => `from '${import.meta.resolve(pkg)}'`); // packages, from here
  writeFileSync(file, rewritten);
  try {
    return ((await import(file)) as { deliveriesRepo: RepoFactory }).deliveriesRepo;
  } finally {
    rmSync(dir, { recursive: true, force: true }); // loaded: the module stays in memory
  }
}

async function openDb(dialect: Dialect): Promise<{ db: Kysely<Database>; drop: () => Promise<void> }> {
  const bench = await createDatabase(dialect);
  if (dialect === 'sqlite') {
    const db = openSqlite(bench.where);
    await migrateSqlite(db);
    return { db, drop: async () => { await db.destroy(); await bench.drop(); } };
  }
  const pool = createPgPool(bench.url, 4);
  const db = openPostgres(pool);
  await migratePostgres(db, pool);
  return { db, drop: async () => { await db.destroy(); await bench.drop(); } };
}

/** N finished deliveries (and their events) in bulk, as months of traffic would leave them. */
async function fillHistory(db: Kysely<Database>, dialect: Dialect, n: number): Promise<void> {
  if (n === 0) return;
  const series = dialect === 'postgres'
    ? sql`SELECT g AS i FROM generate_series(1, ${n}) AS g`
    : sql`WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${n}) SELECT i FROM s`;
  const cat = (a: string) => (dialect === 'postgres' ? sql.raw(`'${a}' || i::text`) : sql.raw(`'${a}' || i`));
  await sql`INSERT INTO events (id, project_id, user_id, subscription_id, credential_id, integration, trigger_type, dedupe_key, payload, status, date_received, delivered_at)
    SELECT ${cat('hist-e')}, 'p', 'u', 's-hist', NULL, 'github', 'GITHUB_TRIGGER_ISSUE_CREATED', ${cat('k')}, '{}', 'DELIVERED', i, i FROM (${series}) AS t`.execute(db);
  await sql`INSERT INTO deliveries (id, event_id, project_id, subscription_id, status, attempt_count, run_at, lease_owner, last_error, created_at, updated_at)
    SELECT ${cat('hist-d')}, ${cat('hist-e')}, 'p', 's-hist', 'SUCCEEDED', 1, i, NULL, NULL, i, i FROM (${series}) AS t`.execute(db);
  if (dialect === 'postgres') await sql`ANALYZE`.execute(db);
}

async function measure(dialect: Dialect, n: number, factory: RepoFactory): Promise<{ claimMs: number; completeMs: number }> {
  const { db, drop } = await openDb(dialect);
  try {
    await fillHistory(db, dialect, n);
    const ctx: RepoContext = { db, keyring: createKeyring(generateKey()), dialect, wakeDeliveryWorkers: async () => undefined };
    const repo = factory(ctx);
    const claims: number[] = [];
    const completes: number[] = [];
    // Round 0 warms up (JIT, statement caches) and is not counted.
    for (let r = 0; r <= repeats; r++) {
      const now = 2_000_000_000_000 + r * 1000;
      await sql`INSERT INTO events (id, project_id, user_id, subscription_id, credential_id, integration, trigger_type, dedupe_key, payload, status, date_received, delivered_at)
        SELECT ${`r${r}-e`} || i, 'p', 'u', 's-live', NULL, 'github', 'GITHUB_TRIGGER_ISSUE_CREATED', ${`r${r}-k`} || i, '{}', 'PENDING', ${now}, NULL
        FROM (${dialect === 'postgres' ? sql`SELECT g AS i FROM generate_series(1, 200) AS g` : sql`WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 200) SELECT i FROM s`}) AS t`.execute(db);
      await sql`INSERT INTO deliveries (id, event_id, project_id, subscription_id, status, attempt_count, run_at, lease_owner, last_error, created_at, updated_at)
        SELECT ${`r${r}-d`} || i, ${`r${r}-e`} || i, 'p', 's-live', 'PENDING', 0, ${now}, NULL, NULL, ${now}, ${now}
        FROM (${dialect === 'postgres' ? sql`SELECT g AS i FROM generate_series(1, 200) AS g` : sql`WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 200) SELECT i FROM s`}) AS t`.execute(db);
      let t = performance.now();
      const claimed = await repo.claimDue(now, now + 35_000, 'bench-owner', 200);
      if (r > 0) claims.push(performance.now() - t);
      if (claimed.length !== 200) throw new Error(`claimed ${claimed.length}, expected 200`);
      const outcomes: DeliveryOutcome[] = claimed.map((c) => ({
        claimed: c.delivery,
        attempt: { startedAt: now, url: 'http://127.0.0.1:9/hook', statusCode: 200, latencyMs: 1, responseExcerpt: 'ok', error: null, outcome: 'succeeded' },
        next: { kind: 'succeeded' },
      }));
      t = performance.now();
      await repo.complete(outcomes, now);
      if (r > 0) completes.push(performance.now() - t);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    return { claimMs: median(claims), completeMs: median(completes) };
  } finally {
    await drop();
  }
}

async function main() {
  const factory = await loadRepo(values.rev);
  let dialects = values.db.split(',') as Dialect[];
  if (dialects.includes('postgres') && (await postgresAvailable())) dialects = dialects.filter((d) => d !== 'postgres');
  console.log(`deliveries repository: ${values.rev ? `revision ${values.rev}` : 'current sources'}; median of ${repeats} per cell`);
  console.log('| database | finished deliveries in the table | claimDue (200 rows) | complete (200 outcomes) |');
  console.log('|---|---|---|---|');
  for (const d of dialects) {
    for (const n of sizes) {
      const r = await measure(d, n, factory);
      console.log(`| ${d} | ${n.toLocaleString('en-US')} | ${r.claimMs.toFixed(2)} ms | ${r.completeMs.toFixed(2)} ms |`);
    }
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
