// `npm run bench [-- options]`: runs the benchmark scenarios (docs/benchmarks.md) as separate real
// processes and writes bench/results/latest.json; full and long runs also write bench/results/full.json
// and bench/RESULTS.md. Exits non-zero only when a process crashed or an event was lost — never on timing.
//
//   --quick                 every scenario, scaled down (< 2 minutes; what CI runs)
//   --long                  the full suite plus the 10-minute soak
//   --only=a,b              throughput, fanout, polling, api, storm, soak
//   --db=sqlite,postgres    which databases (default both; PostgreSQL is skipped if unreachable)
//   --repeats=N             override the mode's repeat count
//   --runtime=auto|dist|tsx how to start the service (default auto: dist/ when up to date, else tsx)
//   --rates=500,1000        throughput: override the offered rates (events/s)
//   --step-ms=N             throughput: override the duration of each rate step
//   --profile               write V8 CPU profiles of every service process to bench/results/profiles/
//   --out=path.json         also write the results document there (e.g. a before/after comparison)
//   --render                run nothing: re-render bench/RESULTS.md from bench/results/full.json (after
//                           editing bench/hot-path-changes.md)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { SETTINGS, type BenchContext, type Helpers, type Mode } from './lib/context.js';
import { dropAll, PG_URL, postgresAvailable, type Dialect } from './lib/db.js';
import { killAll, resolveRuntime, ROOT, startHelper, type Helper, type Runtime } from './lib/procs.js';
import { renderReport, type Results, type TargetCheck } from './lib/report.js';
import { summarize } from './lib/stats.js';
import { apiScenario } from './scenarios/api.js';
import { fanout } from './scenarios/fanout.js';
import { polling } from './scenarios/polling.js';
import { soak } from './scenarios/soak.js';
import { storm } from './scenarios/storm.js';
import { forwarderLadder, serviceLadder } from './scenarios/throughput.js';

const SCENARIOS = ['throughput', 'fanout', 'polling', 'api', 'storm', 'soak'] as const;
type Scenario = (typeof SCENARIOS)[number];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    long: { type: 'boolean', default: false },
    only: { type: 'string' },
    db: { type: 'string' },
    repeats: { type: 'string' },
    runtime: { type: 'string', default: 'auto' },
    profile: { type: 'boolean', default: false },
    rates: { type: 'string' },
    'step-ms': { type: 'string' },
    out: { type: 'string' },
    render: { type: 'boolean', default: false },
  },
  allowPositionals: false,
});

const mode: Mode = values.long ? 'long' : values.quick ? 'quick' : 'full';
const settings = structuredClone(SETTINGS[mode]);
if (values.repeats) settings.repeats = Math.max(1, Number(values.repeats));
if (values.rates) settings.throughput.rates = values.rates.split(',').map(Number).filter((n) => n > 0);
if (values['step-ms']) settings.throughput.stepMs = Number(values['step-ms']);
const only = new Set<Scenario>((values.only ? values.only.split(',') : SCENARIOS).map((s) => s.trim()) as Scenario[]);
for (const s of only) if (!SCENARIOS.includes(s)) throw new Error(`--only: unknown scenario ${s} (${SCENARIOS.join(', ')})`);
if (mode !== 'long' && !values.only) only.delete('soak');
if (only.has('soak') && !settings.soak) settings.soak = SETTINGS.long.soak;
let dialects: Dialect[] = values.db ? (values.db.split(',').map((d) => d.trim()) as Dialect[]) : ['sqlite', 'postgres'];

// Everything stops by itself: a hard deadline well beyond the mode's expected duration.
const DEADLINE_MIN = { quick: 6, full: 150, long: 180 }[mode];
const deadline = setTimeout(() => {
  console.error(`bench: still running after ${DEADLINE_MIN} minutes; stopping every process it started`);
  killAll();
  process.exit(2);
}, DEADLINE_MIN * 60_000);
deadline.unref();
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    killAll();
    // Drop the databases of the scenario that was interrupted (bounded), then leave.
    const bail = setTimeout(() => process.exit(130), 5_000);
    void dropAll().finally(() => {
      clearTimeout(bail);
      process.exit(130);
    });
  });
}

const started = Date.now();
const log = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

function git(args: string[]): string {
  try {
    // Not trimmed at the start: `status --porcelain` lines begin with a space-padded status column.
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trimEnd();
  } catch {
    return '';
  }
}

async function postgresVersion(): Promise<string> {
  const c = new pg.Client({ connectionString: PG_URL });
  try {
    await c.connect();
    const r = await c.query<{ server_version: string }>('SHOW server_version');
    return `${r.rows[0]?.server_version ?? '?'} on 127.0.0.1 (one schema per scenario run, dropped afterwards)`;
  } catch (err) {
    return `unavailable (${(err as Error).message})`;
  } finally {
    await c.end().catch(() => undefined);
  }
}

function hotPathNotes(): string | null {
  const file = join(ROOT, 'bench', 'hot-path-changes.md');
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

async function main(): Promise<number> {
  if (values.render) {
    const results = JSON.parse(readFileSync(join(ROOT, 'bench', 'results', 'full.json'), 'utf8')) as Results;
    results.targets = targets(results);
    writeFileSync(join(ROOT, 'bench', 'RESULTS.md'), renderReport(results, hotPathNotes()));
    console.log('re-rendered bench/RESULTS.md from bench/results/full.json');
    return 0;
  }
  const { runtime, reason } = resolveRuntime(values.runtime as 'auto' | Runtime);
  const notes: string[] = [];
  const failures: string[] = [];
  if (dialects.includes('postgres')) {
    const problem = await postgresAvailable();
    if (problem) {
      notes.push(`PostgreSQL scenarios skipped: ${PG_URL.replace(/\/\/[^@]*@/, '//…@')} unreachable (${problem}).`);
      log(`PostgreSQL unreachable (${problem}); running SQLite only`);
      dialects = dialects.filter((d) => d !== 'postgres');
    }
  }
  log(`mode ${mode}, repeats ${settings.repeats}, scenarios ${[...only].join(', ')}, databases ${dialects.join(', ')}, service runtime ${runtime} (${reason})`);
  const meta: Results['meta'] = {
    date: new Date().toISOString(),
    mode,
    commit: git(['rev-parse', 'HEAD']),
    dirtyFiles: git(['status', '--porcelain']).split('\n').filter((l) => l.trim() !== '').map((l) => l.slice(3)),
    node: process.version,
    platform: `${platform()} ${release()}`,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: totalmem() / 2 ** 30,
    loadAvgStart: loadavg(),
    loadAvgEnd: [],
    runtime,
    runtimeReason: reason,
    postgres: dialects.includes('postgres') ? await postgresVersion() : 'not run',
    durationSec: 0,
    command: process.argv.length > 2 ? `npm run bench -- ${process.argv.slice(2).join(' ')}` : 'npm run bench',
    settings,
  };

  const [receiver, loadgen, forwarder, provider] = await Promise.all(['receiver', 'loadgen', 'forwarder', 'provider'].map((n) => startHelper(n)));
  const helpers: Helpers = { receiver: receiver!, loadgen: loadgen!, forwarder: forwarder!, provider: provider! };
  const receiverUrls = await helpers.receiver.rpc.call<string[]>('listen', { count: 3 });
  const forwarderUrl = (await helpers.forwarder.rpc.call<{ url: string }>('start', { target: `${receiverUrls[0]!}/forwarded` })).url;
  const providerUrl = (await helpers.provider.rpc.call<{ url: string }>('start', { delayMs: settings.polling.providerDelayMs })).url;
  const cpuProfDir = values.profile ? join(ROOT, 'bench', 'results', 'profiles', new Date().toISOString().replace(/[:.]/g, '-')) : undefined;
  const ctx: BenchContext = { mode, settings, runtime, dialects, helpers, receiverUrls, forwarderUrl, providerUrl, cpuProfDir, log, failures };
  const results: Results = { meta, scenarios: {}, targets: [], failures, notes };

  /** A scenario that throws (set-up failed, a helper died) is a crash of the run, recorded and survived. */
  const attempt = async <T>(what: string, fn: () => Promise<T>): Promise<T | null> => {
    try {
      return await fn();
    } catch (err) {
      const msg = `${what} crashed: ${(err as Error).stack ?? String(err)}`;
      log(msg);
      failures.push(msg.split('\n').slice(0, 12).join('\n'));
      return null;
    }
  };
  const push = <T>(list: T[] | undefined, v: T | null): T[] => (v === null ? (list ?? []) : [...(list ?? []), v]);

  try {
    const sc = results.scenarios;
    if (only.has('throughput')) {
      log('scenario 1: webhook to webhook throughput and latency');
      sc.throughput = { forwarder: [] };
      for (let r = 0; r < settings.repeats; r++) {
        log(` repeat ${r + 1}/${settings.repeats}`);
        const f = await attempt('throughput (forwarder)', () => forwarderLadder(ctx));
        if (f) sc.throughput.forwarder.push(f);
        for (const d of dialects) sc.throughput[d] = push(sc.throughput[d], await attempt(`throughput ${d}`, () => serviceLadder(ctx, d, r)));
      }
    }
    const perDialect = async <T>(key: Scenario, title: string, fn: (d: Dialect, r: number) => Promise<T>): Promise<Partial<Record<Dialect, T[]>> | undefined> => {
      if (!only.has(key)) return undefined;
      log(title);
      const bucket: Partial<Record<Dialect, T[]>> = {};
      for (let r = 0; r < settings.repeats; r++) {
        for (const d of dialects) {
          log(` repeat ${r + 1}/${settings.repeats} on ${d}`);
          const v = await attempt(`${key} ${d}`, () => fn(d, r));
          if (v !== null) (bucket[d] ??= []).push(v);
        }
      }
      return bucket;
    };
    sc.fanout = await perDialect('fanout', `scenario 2: fan-out of one Slack event to ${settings.fanout.subscriptions} subscriptions`, (d, r) => fanout(ctx, d, r));
    sc.polling = await perDialect('polling', `scenario 3: polling capacity, ${settings.polling.subscriptions} subscriptions every ${settings.polling.intervalSec} s`, (d, r) => polling(ctx, d, r));
    sc.api = await perDialect('api', `scenario 4: Triggers API with ${settings.api.clients} concurrent clients`, (d, r) => apiScenario(ctx, d, r));
    sc.storm = await perDialect('storm', `scenario 5: retry storm (${settings.storm.outageMs / 1000} s outage)`, (d, r) => storm(ctx, d, r));
    if (only.has('soak') && settings.soak) {
      log(`scenario 6: soak, ${settings.soak.rate} events/s for ${settings.soak.durationMs / 60_000} min`);
      sc.soak = {};
      for (const d of dialects) {
        const v = await attempt(`soak ${d}`, () => soak(ctx, d));
        if (v) sc.soak[d] = [v];
      }
    }
  } finally {
    await Promise.all((Object.values(helpers) as Helper[]).map((h) => h.stop()));
  }

  for (const h of Object.values(helpers) as Helper[]) {
    if (h.output.some((l: string) => /Error|error/.test(l))) notes.push(`${h.name} wrote: ${h.output.slice(-5).join(' | ')}`);
  }
  meta.loadAvgEnd = loadavg();
  meta.durationSec = (Date.now() - started) / 1000;
  results.targets = targets(results);

  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const json = `${JSON.stringify(results, null, 2)}\n`;
  writeFileSync(join(dir, 'latest.json'), json);
  if (values.out) writeFileSync(values.out, json);
  const report = renderReport(results, hotPathNotes());
  // A quick run is a smoke test: it never replaces the published full results.
  if (mode === 'quick' || values.only) {
    writeFileSync(join(dir, 'latest.md'), report);
    log(`wrote bench/results/latest.json and bench/results/latest.md (${mode}${values.only ? ', partial' : ''}: bench/RESULTS.md is only rewritten by a complete full or long run)`);
  } else {
    writeFileSync(join(dir, 'full.json'), json);
    writeFileSync(join(ROOT, 'bench', 'RESULTS.md'), report);
    log('wrote bench/results/latest.json, bench/results/full.json and bench/RESULTS.md');
  }
  console.log('\nTargets:');
  for (const t of results.targets) console.log(`  ${t.met === null ? 'n/a ' : t.met ? 'met ' : 'MISS'}  ${t.target} — ${t.variant}: ${t.value}`);
  if (failures.length > 0) {
    console.error(`\n${failures.length} failure(s):`);
    for (const f of failures) console.error(`  - ${f}`);
    return 1;
  }
  log(`done in ${(meta.durationSec / 60).toFixed(1)} min`);
  return 0;
}

function targets(results: Results): TargetCheck[] {
  const out: TargetCheck[] = [];
  const sc = results.scenarios;
  const med = (xs: Array<number | null | undefined>) => summarize(xs)?.median ?? null;
  const name = { sqlite: 'SQLite', postgres: 'PostgreSQL' } as const;
  if (sc.throughput) {
    const fwd = sc.throughput.forwarder;
    for (const d of ['sqlite', 'postgres'] as const) {
      const ls = sc.throughput[d];
      if (!ls) continue;
      // A repeat that sustained no step counts as 0, so the median is always one of the ladder's rates.
      const sustained = med(ls.map((l) => l.sustained ?? 0));
      if (d === 'sqlite') out.push({ target: '≥ 3,000 events/s sustained', variant: name[d], value: `${sustained ?? 0} events/s`, met: (sustained ?? 0) >= 3000 });
      const ratio = med(ls.map((l, i) => (fwd[i]?.sustained ? (l.sustained ?? 0) / fwd[i].sustained : null)));
      const peakRatio = med(ls.map((l, i) => (fwd[i]?.peak ? l.peak / fwd[i].peak : null)));
      out.push({ target: 'throughput ≥ 0.5 × baseline forwarder', variant: name[d], value: `${ratio?.toFixed(2) ?? '–'} (sustained), ${peakRatio?.toFixed(2) ?? '–'} (peak)`, met: ratio === null ? null : ratio >= 0.5 });
      const p99 = med(ls.map((l) => l.p99At1000));
      out.push({ target: 'p99 < 50 ms at 1,000 events/s', variant: name[d], value: p99 === null ? 'not reached' : `${p99.toFixed(1)} ms`, met: p99 === null ? null : p99 < 50 });
    }
  }
  for (const d of ['sqlite', 'postgres'] as const) {
    const p = sc.polling?.[d];
    if (!p) continue;
    const lag = med(p.map((r) => r.lagP99Ms));
    const rss = med(p.map((r) => r.rssMaxMb));
    out.push({ target: 'polling schedule lag p99 < 2 s', variant: `${name[d]}, ${p[0]?.subscriptions} subscriptions / ${p[0]?.intervalSec} s`, value: lag === null ? '–' : `${(lag / 1000).toFixed(2)} s`, met: lag === null ? null : lag < 2000 });
    out.push({ target: 'polling service RSS < 300 MB', variant: name[d], value: rss === null ? '–' : `${rss.toFixed(0)} MB`, met: rss === null ? null : rss < 300 });
  }
  const lostIn = (xs: Array<{ lost: number | null }> | undefined) => (xs ?? []).reduce((n, x) => n + (x.lost ?? 0), 0);
  let lost = 0;
  let checked = false;
  for (const d of ['sqlite', 'postgres'] as const) {
    for (const list of [sc.throughput?.[d], sc.fanout?.[d], sc.storm?.[d], sc.soak?.[d]]) {
      if (list) {
        checked = true;
        lost += lostIn(list);
      }
    }
  }
  if (checked) out.push({ target: 'zero lost events', variant: 'every scenario, both databases', value: `${lost} lost`, met: lost === 0 && !results.failures.some((f) => f.includes('never delivered')) });
  return out;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
