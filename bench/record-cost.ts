// Micro-benchmark: the CPU cost of storing one inbound event on SQLite, by how many events share a commit.
// It calls `storage.events.record` (the write group: events, payloads, outbox deliveries, one transaction)
// with N single-event jobs submitted together, so that they share one commit, over and over, and reports
// the process's CPU per event (user and system: at one event per commit a third of it is the kernel, the
// WAL's page writes) — why the group commit lingers under load (src/storage/sql/linger.ts).
//
//   npx tsx bench/record-cost.ts [--groups=1,4,16] [--events=30000]
//
// Each group size runs on a fresh database in a temporary directory: 100 subscriptions, a 3 KB payload,
// 2,000 events of warm-up. The background checkpointer thread runs as in the service (its CPU is counted).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createKeyring, generateKey } from '../src/secrets/keyring.js';
import { openStorage } from '../src/storage/open.js';
import type { NewEvent } from '../src/storage/port.js';

const { values } = parseArgs({ options: { groups: { type: 'string', default: '1,4,16' }, events: { type: 'string', default: '30000' } } });
const groups = values.groups.split(',').map(Number);
const total = Number(values.events);
const WARM_UP = 2_000;

const payload = { action: 'opened', issue: { number: 1, title: 'A bug', body: 'x'.repeat(3_000) } };
const subscriptions: NewEvent['subscription'][] = Array.from({ length: 100 }, (_, i) => ({
  id: crypto.randomUUID(), projectId: 'bench-project', userId: `user-${i}`, credentialId: null,
  integration: 'github', triggerType: 'GITHUB_TRIGGER_ISSUE_CREATED', status: 'ACTIVE',
}));

async function measure(group: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'ot-record-cost-'));
  const storage = await openStorage(`sqlite:${join(dir, 'bench.db')}`, createKeyring(generateKey()));
  let n = 0;
  // Submitted in the same turn, the jobs share one commit (after the write group's linger, if it waits).
  const round = () => Promise.all(Array.from({ length: group }, () =>
    storage.events.record([{ subscription: subscriptions[n++ % subscriptions.length]!, dedupeKey: crypto.randomUUID(), payload }], Date.now())));
  try {
    for (let i = 0; i < WARM_UP / group; i++) await round();
    const rounds = Math.ceil(total / group);
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < rounds; i++) await round();
    const used = process.cpuUsage(cpu);
    const events = rounds * group;
    const µs = (x: number) => (x / events).toFixed(0).padStart(5);
    return `${String(group).padStart(5)} events per commit: CPU ${µs(used.user + used.system)} µs/event (system ${µs(used.system)}), wall ${µs((performance.now() - started) * 1000)} µs/event`;
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const group of groups) console.log(await measure(group));
