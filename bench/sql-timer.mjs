// Wall time of every SQLite statement the service runs, by SQL text — loaded into the service for an
// experiment, never in production:
//
//   BENCH_SERVICE_NODE_ARGS="--import ./bench/sql-timer.mjs" npm run bench -- --only=throughput --db=sqlite --rates=1800
//   node bench/sql-timer.mjs --show [dir]     # the statements by total time, per thread that ran SQL
//
// Wraps better-sqlite3's run/all/get on every prepared statement and, every 3 s, writes one JSON file per
// process and thread to SQL_TIMER_DIR (default bench/results/sql-timer/). Multi-row statements of any row
// count are counted as one text. Timing adds about a microsecond per statement.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import console from 'node:console';
import process from 'node:process';
import { setInterval } from 'node:timers';
import { threadId } from 'node:worker_threads';

const dir = resolve(process.env.SQL_TIMER_DIR ?? 'bench/results/sql-timer');

if (process.argv[2] === '--show') show(resolve(process.argv[3] ?? dir));
else install();

function install() {
  const Database = createRequire(import.meta.url)('better-sqlite3');
  const byText = new Map();
  const prepare = Database.prototype.prepare;
  Database.prototype.prepare = function (sql) {
    const stmt = prepare.call(this, sql);
    const text = sql.replace(/\(\?(, \?)*\)(, \(\?(, \?)*\))*/g, '(?…)').replace(/\s+/g, ' ').trim().slice(0, 160);
    for (const method of ['run', 'all', 'get']) {
      const original = stmt[method];
      stmt[method] = function (...args) {
        const started = process.hrtime.bigint();
        try {
          return original.apply(this, args);
        } finally {
          const s = byText.get(text) ?? { count: 0, micros: 0 };
          s.count++;
          s.micros += Number(process.hrtime.bigint() - started) / 1000;
          byText.set(text, s);
        }
      };
    }
    return stmt;
  };
  setInterval(() => {
    if (byText.size === 0) return;
    mkdirSync(dir, { recursive: true });
    const rows = [...byText].map(([sql, s]) => ({ sql, count: s.count, totalMs: Math.round(s.micros / 1000), meanUs: Math.round(s.micros / s.count) }));
    rows.sort((a, b) => b.totalMs - a.totalMs);
    writeFileSync(join(dir, `sql-${process.pid}-thread${threadId}.json`), JSON.stringify(rows, null, 1));
  }, 3000).unref();
}

function show(from) {
  for (const file of readdirSync(from).filter((f) => f.startsWith('sql-') && f.endsWith('.json'))) {
    const rows = JSON.parse(readFileSync(join(from, file), 'utf8'));
    const total = rows.reduce((sum, r) => sum + r.totalMs, 0);
    console.log(`${file}: ${total} ms of SQL`);
    console.log('  total ms    count  mean µs  statement');
    for (const r of rows.slice(0, 20)) {
      console.log(`${String(r.totalMs).padStart(10)} ${String(r.count).padStart(8)} ${String(r.meanUs).padStart(8)}  ${r.sql.slice(0, 110)}`);
    }
  }
}
