// Wall time of every SQL statement the service runs, by SQL text — loaded into the service for an
// experiment, never in production:
//
//   BENCH_SERVICE_NODE_ARGS="--import ./bench/sql-timer.mjs" npm run bench -- --only=throughput --db=sqlite --rates=1800
//   node bench/sql-timer.mjs --show [dir]     # the statements by total time, per thread that ran SQL
//
// SQLite: wraps better-sqlite3's run/all/get on every prepared statement (the time is the statement's own
// work, on the thread that ran it). PostgreSQL: wraps pg's Client#query from the call until its promise
// settles (a round trip, the server's work, and however late the busy event loop notices the answer),
// and shows the wait for a pooled connection as a line of its own. Every 3 s it writes one JSON file per
// process and thread to SQL_TIMER_DIR (default bench/results/sql-timer/). Multi-row statements and IN
// lists of any length are counted as one text. Timing adds about a microsecond per statement.
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

/** One text for a statement whatever its row count: `(?, ?), (?, ?)` and `($1, $2), ($3, $4)` become `(?…)`. */
function normalise(sql) {
  return sql
    .replace(/\((\?|\$\d+)(, (\?|\$\d+))*\)(, \((\?|\$\d+)(, (\?|\$\d+))*\))*/g, '(?…)')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 160);
}

function install() {
  const require = createRequire(import.meta.url);
  const byText = new Map();
  const add = (text, started) => {
    const s = byText.get(text) ?? { count: 0, micros: 0 };
    s.count++;
    s.micros += Number(process.hrtime.bigint() - started) / 1000;
    byText.set(text, s);
  };
  installSqlite(require('better-sqlite3'), add);
  installPg(require('pg'), add);
  setInterval(() => {
    if (byText.size === 0) return;
    mkdirSync(dir, { recursive: true });
    const rows = [...byText].map(([sql, s]) => ({ sql, count: s.count, totalMs: Math.round(s.micros / 1000), meanUs: Math.round(s.micros / s.count) }));
    rows.sort((a, b) => b.totalMs - a.totalMs);
    writeFileSync(join(dir, `sql-${process.pid}-thread${threadId}.json`), JSON.stringify(rows, null, 1));
  }, 3000).unref();
}

function installPg(pg, add) {
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (config, values, callback) {
    const sql = typeof config === 'string' ? config : config?.text;
    // Callback style and cursors are not on the service's paths; pass them through untimed.
    if (typeof sql !== 'string' || typeof values === 'function' || typeof callback === 'function') return query.apply(this, arguments);
    const started = process.hrtime.bigint();
    const result = query.apply(this, arguments);
    const done = () => add(normalise(sql), started);
    result.then(done, done);
    return result;
  };
  // Waiting for a pooled connection is time a statement's caller spends too; shown as its own line.
  const connect = pg.Pool.prototype.connect;
  pg.Pool.prototype.connect = function (callback) {
    if (typeof callback === 'function') return connect.apply(this, arguments);
    const started = process.hrtime.bigint();
    const result = connect.apply(this, arguments);
    const done = () => add('(waiting for a pooled connection)', started);
    result.then(done, done);
    return result;
  };
}

function installSqlite(Database, add) {
  const prepare = Database.prototype.prepare;
  Database.prototype.prepare = function (sql) {
    const stmt = prepare.call(this, sql);
    const text = normalise(sql);
    for (const method of ['run', 'all', 'get']) {
      const original = stmt[method];
      stmt[method] = function (...args) {
        const started = process.hrtime.bigint();
        try {
          return original.apply(this, args);
        } finally {
          add(text, started);
        }
      };
    }
    return stmt;
  };
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
