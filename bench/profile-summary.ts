// Summarise a V8 CPU profile (`npm run bench -- --profile` writes one per service process into
// bench/results/profiles/): the functions with the most self time, and the source files with the most
// total (inclusive) time. For the full picture, open the .cpuprofile in Chrome DevTools (Performance →
// Load profile) or speedscope.app as a flame graph.
//
//   npx tsx bench/profile-summary.ts <file.cpuprofile> [--top=30] [--filter=src/] [--callers=executeQuery]
//
// --callers=NAME: where the self time of functions named NAME comes from, by the nearest caller frames in
// src/ (which query, which code path).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

process.stdout.on('error', () => process.exit(0)); // e.g. piped into head

const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '30' }, filter: { type: 'string' }, callers: { type: 'string' } }, allowPositionals: true });
const file = positionals[0];
if (!file) {
  console.error('usage: npx tsx bench/profile-summary.ts <file.cpuprofile> [--top=30] [--filter=src/]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// Self time per node from the sample stream.
const selfUs = new Map<number, number>();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i]!;
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const short = (url: string) => url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, 'node_modules/').replace(/^.*\/(src|bench|dist)\//, '$1/');
const label = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

const selfByFn = new Map<string, number>();
for (const [id, us] of selfUs) {
  const n = byId.get(id)!;
  const key = n.callFrame.url === '' ? n.callFrame.functionName || '(anonymous)' : label(n);
  selfByFn.set(key, (selfByFn.get(key) ?? 0) + us);
}
// Inclusive time per file: each sample counts once for every distinct file on its stack.
const inclusiveByFile = new Map<string, number>();
for (const [id, us] of selfUs) {
  const files = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const url = byId.get(cur)!.callFrame.url;
    if (url) files.add(short(url));
  }
  for (const f of files) inclusiveByFile.set(f, (inclusiveByFile.get(f) ?? 0) + us);
}

const top = Number(values.top);
const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)} %`;
console.log(`${file}: ${(total / 1e6).toFixed(1)} s of samples over ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s`);
console.log('\nself time by function:');
for (const [k, us] of [...selfByFn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${k}`);
console.log('\ninclusive time by file:');
for (const [k, us] of [...inclusiveByFile].filter(([k]) => !values.filter || k.includes(values.filter)).sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${k}`);

if (values.callers) {
  const byPath = new Map<string, number>();
  let matched = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    if (n.callFrame.functionName !== values.callers) continue;
    matched += us;
    const frames: string[] = [];
    for (let cur = parent.get(id); cur !== undefined && frames.length < 4; cur = parent.get(cur)) {
      const f = byId.get(cur)!;
      if (/^(src|dist)\//.test(short(f.callFrame.url))) frames.push(label(f));
    }
    const key = frames.join(' ← ') || '(no src/ frame)';
    byPath.set(key, (byPath.get(key) ?? 0) + us);
  }
  console.log(`\nself time of ${values.callers} (${pct(matched)}) by nearest src/ callers:`);
  for (const [k, us] of [...byPath].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${k}`);
}
