// Real processes for the benchmark: the OpenTriggers service (the CLI, exactly as an operator starts it),
// helper processes (receiver, load generator, forwarder, fake provider) driven over IPC, and /proc
// sampling of CPU time and RSS. Every process started here is stopped by pid, never by name.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RpcClient } from './rpc.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const started = new Set<ChildProcess>();

/** Kill whatever is still running (on exit, on a crash of the orchestrator, on the global deadline). */
export function killAll(): void {
  for (const c of started) {
    if (c.exitCode === null && c.signalCode === null && c.pid !== undefined) {
      try {
        process.kill(c.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

function track(child: ChildProcess): void {
  started.add(child);
  child.on('exit', () => started.delete(child));
}

/** Keeps the last lines a process wrote, for crash reports. */
function tail(child: ChildProcess, keep = 200): string[] {
  const lines: string[] = [];
  const add = (d: Buffer) => {
    for (const l of d.toString('utf8').split('\n')) if (l.trim() !== '') lines.push(l);
    if (lines.length > keep) lines.splice(0, lines.length - keep);
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  return lines;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

// ── helpers ─────────────────────────────────────────────────────────────────────────────────────────

export interface Helper {
  name: string;
  rpc: RpcClient;
  pid: number;
  output: string[];
  stop(): Promise<void>;
}

/** Start bench/procs/<name>.ts as its own Node process with an IPC channel. */
export async function startHelper(name: string): Promise<Helper> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'procs', `${name}.ts`)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  track(child);
  const output = tail(child);
  const rpc = new RpcClient(child, name);
  const timeout = setTimeout(() => child.kill('SIGKILL'), 60_000);
  try {
    await rpc.ready;
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${output.join('\n')}`);
  } finally {
    clearTimeout(timeout);
  }
  return {
    name,
    rpc,
    pid: child.pid!,
    output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.disconnect(); // the helper exits when its channel closes
      const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(t);
    },
  };
}

// ── the service ─────────────────────────────────────────────────────────────────────────────────────

export type Runtime = 'dist' | 'tsx';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * `auto`: the compiled build (`npm run build` → dist/, what `npm start` runs) when it exists and is newer
 * than every source file; otherwise the TypeScript sources through tsx (same code, slower start-up only).
 */
export function resolveRuntime(requested: 'auto' | Runtime): { runtime: Runtime; reason: string } {
  const dist = join(ROOT, 'dist', 'cli', 'index.js');
  if (requested === 'tsx') return { runtime: 'tsx', reason: 'requested with --runtime=tsx' };
  if (requested === 'dist') {
    if (!existsSync(dist)) throw new Error('--runtime=dist needs `npm run build` first');
    return { runtime: 'dist', reason: 'requested with --runtime=dist' };
  }
  if (!existsSync(dist)) return { runtime: 'tsx', reason: 'no build in dist/ (run `npm run build` to benchmark the compiled output)' };
  if (statSync(dist).mtimeMs < newestMtime(join(ROOT, 'src'))) {
    return { runtime: 'tsx', reason: 'dist/ is older than src/ (stale build), so the sources run through tsx' };
  }
  return { runtime: 'dist', reason: 'dist/ is up to date with src/' };
}

/** Diagnostics hook: BENCH_SERVICE_ENV="K=V,K=V" is added to every service's environment (experiments). */
function serviceEnvOverrides(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (process.env.BENCH_SERVICE_ENV ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at > 0) out[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return out;
}

export interface ServiceHandle {
  pid: number;
  url: string;
  output: string[];
  /** Non-null once the process has exited; `crashed` when it exited before stop() was called. */
  exit: { code: number | null; signal: string | null; crashed: boolean } | null;
  stop(): Promise<void>;
}

export async function startService(opts: {
  runtime: Runtime;
  env: Record<string, string>;
  /** Write a V8 CPU profile of the service into this directory (on exit). */
  cpuProfDir?: string;
  label: string;
}): Promise<ServiceHandle> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const entry = opts.runtime === 'dist' ? [join(ROOT, 'dist', 'cli', 'index.js')] : ['--import', 'tsx', join(ROOT, 'src', 'cli', 'index.ts')];
  const prof: string[] = [];
  if (opts.cpuProfDir) {
    // One directory per service process: V8 writes one profile per thread (tsx adds a loader thread).
    const dir = join(opts.cpuProfDir, opts.label);
    mkdirSync(dir, { recursive: true });
    prof.push('--cpu-prof', `--cpu-prof-dir=${dir}`);
  }
  // Diagnostics hook: extra Node flags for the service (e.g. `--import ./my-tracer.mjs`).
  const extra = (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const child = spawn(process.execPath, [...extra, ...prof, ...entry, 'start'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      OPENTRIGGERS_PUBLIC_URL: url,
      OPENTRIGGERS_ALLOW_PRIVATE_WEBHOOK_URLS: 'true',
      LOG_LEVEL: 'warn',
      ...opts.env,
      ...serviceEnvOverrides(),
    },
  });
  track(child);
  const output = tail(child);
  let stopping = false;
  const handle: ServiceHandle = {
    pid: child.pid!,
    url,
    output,
    exit: null,
    async stop() {
      if (handle.exit) return;
      stopping = true;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(t);
    },
  };
  child.on('exit', (code, signal) => {
    handle.exit = { code, signal, crashed: !stopping };
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (handle.exit) throw new Error(`service ${opts.label} exited during start-up (${handle.exit.signal ?? handle.exit.code}):\n${output.join('\n')}`);
    try {
      const r = await fetch(`${url}/readyz`);
      await r.arrayBuffer();
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await handle.stop();
      throw new Error(`service ${opts.label} did not become ready within 60 s:\n${output.join('\n')}`);
    }
    await sleep(100);
  }
  return handle;
}

// ── /proc sampling ──────────────────────────────────────────────────────────────────────────────────

let clockTicks = 100;
try {
  clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  // Linux default
}

export interface ProcSample {
  at: number;
  /** user + system CPU time consumed so far, ms */
  cpuMs: number;
  rssMb: number;
}

export function sampleProc(pid: number): ProcSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 'NaN');
    return { at: performance.now(), cpuMs: (ticks * 1000) / clockTicks, rssMb: rssKb / 1024 };
  } catch {
    return null;
  }
}

/** Samples a process every `everyMs` between start() and stop(): CPU % (of one core) and RSS max/last. */
export class ProcMonitor {
  private first: ProcSample | null = null;
  private last: ProcSample | null = null;
  private maxRss = 0;
  private timer: NodeJS.Timeout | null = null;
  readonly rssSeries: Array<{ t: number; rssMb: number }> = [];

  constructor(private readonly pid: number, private readonly everyMs = 500) {}

  start(): this {
    this.first = sampleProc(this.pid);
    this.last = this.first;
    if (this.first) this.maxRss = this.first.rssMb;
    this.timer = setInterval(() => this.take(), this.everyMs);
    this.timer.unref();
    return this;
  }

  private take(): void {
    const s = sampleProc(this.pid);
    if (!s) return;
    this.last = s;
    this.maxRss = Math.max(this.maxRss, s.rssMb);
    this.rssSeries.push({ t: s.at, rssMb: s.rssMb });
  }

  stop(): { cpuPercent: number | null; cpuMs: number | null; rssMaxMb: number | null; rssEndMb: number | null } {
    if (this.timer) clearInterval(this.timer);
    this.take();
    if (!this.first || !this.last || this.last.at <= this.first.at) return { cpuPercent: null, cpuMs: null, rssMaxMb: this.last?.rssMb ?? null, rssEndMb: this.last?.rssMb ?? null };
    const cpuMs = this.last.cpuMs - this.first.cpuMs;
    const cpuPercent = (cpuMs / (this.last.at - this.first.at)) * 100;
    return { cpuPercent, cpuMs, rssMaxMb: this.maxRss, rssEndMb: this.last.rssMb };
  }
}

/** Whole-machine CPU use between start() and stop(), in % of one core (2 cores busy = 200 %). */
export class MachineMonitor {
  private first: { busy: number; total: number } | null = null;

  private static read(): { busy: number; total: number } | null {
    try {
      const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
      const v = line.trim().split(/\s+/).slice(1).map(Number);
      const idle = (v[3] ?? 0) + (v[4] ?? 0);
      const total = v.reduce((a, b) => a + b, 0);
      return { busy: total - idle, total };
    } catch {
      return null;
    }
  }

  start(): this {
    this.first = MachineMonitor.read();
    return this;
  }

  stop(cores: number): number | null {
    const last = MachineMonitor.read();
    if (!this.first || !last || last.total <= this.first.total) return null;
    return ((last.busy - this.first.busy) / (last.total - this.first.total)) * 100 * cores;
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Poll `check` until it is true or `timeoutMs` passes; returns whether it became true. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
}
