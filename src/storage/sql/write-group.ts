// The store's shared write transaction: inbound events and delivery outcomes committed together.
//
// Both are written constantly under webhook load: each inbound request stores its events and their outbox
// deliveries, and the delivery worker records each batch of attempts. In separate transactions a third of
// the commits were the worker's; a commit writes every page its transaction dirtied (on SQLite, in full to
// the WAL), and both kinds dirty the same hot pages (the deliveries table and its due index, the
// newest events). So whatever is waiting in the same turn of the event loop shares one transaction
// (group-commit.ts): events, deliveries and outcomes from many callers, one commit. Each caller still
// learns only its own result, nothing is acknowledged before its commit, and a job that fails is retried
// alone so it cannot fail the others.
//
// PostgreSQL is different (ADR 0023): there a commit costs a round trip rather than pages, and each
// statement of a transaction waits for the one before. So events and outcomes are two groups that commit
// side by side, and a group that is a single statement (the usual case, ADR 0021) runs without BEGIN and
// COMMIT: a statement on its own is a transaction. Recording then costs one round trip instead of three or
// four, and never waits behind the worker's outcomes.
import type { Kysely } from 'kysely';
import type { DeliveryOutcome, LocalDeliveryWorker, NewEvent, StoredEvent } from '../port.js';
import type { Database } from '../schema.js';
import { completeBatch, outcomesInOneStatement } from './deliveries.js';
import { recordOn, recordsInOneStatement } from './events.js';
import { GroupCommit } from './group-commit.js';
import { lingerWhenBusy } from './linger.js';

/** Most jobs in one transaction; bounds the transaction (and the rows any one caller waits behind). */
const MAX_JOBS = 256;

type WriteJob =
  | { kind: 'record'; items: readonly NewEvent[]; now: number }
  | { kind: 'complete'; outcomes: readonly DeliveryOutcome[]; now: number };

type WriteResult = { kind: 'record'; events: StoredEvent[] } | { kind: 'complete' };

export interface WriteGroup {
  /** Store events with their outbox deliveries; returns the new ones (a repeated dedupe key is skipped). */
  record(items: readonly NewEvent[], now: number): Promise<StoredEvent[]>;
  /** Record delivery attempts and outcomes (deliveries.complete). */
  complete(outcomes: readonly DeliveryOutcome[], now: number): Promise<void>;
}

export function writeGroup(
  db: Kysely<Database>,
  dialect: 'sqlite' | 'postgres',
  wake: (opts: { due: boolean }) => Promise<void>,
  localWorker: () => LocalDeliveryWorker | null,
): WriteGroup {
  const runBatch = async (jobs: WriteJob[]): Promise<WriteResult[]> => {
    const worker = localWorker();
    const records = jobs.filter((j) => j.kind === 'record');
    const completes = jobs.filter((j) => j.kind === 'complete');
    const write = async (on: Kysely<Database>) => {
      // Events first: on PostgreSQL their insert takes the event-order lock, which must come before any
      // row lock the outcomes take (ADR 0015, no deadlock).
      const recorded = records.length > 0 ? await recordOn(on, records, { dialect, worker }) : null;
      let dueNow = 0;
      for (const j of completes) dueNow += await completeBatch(on, dialect, j.outcomes, j.now);
      return { recorded, dueNow };
    };
    const oneStatement =
      completes.length === 0
        ? recordsInOneStatement(records, dialect)
        : records.length === 0 && completes.length === 1 && outcomesInOneStatement(completes[0]!.outcomes, dialect);
    const { recorded, dueNow } = oneStatement ? await write(db) : await db.transaction().execute(write);
    // Only now, committed, are the leased rows the worker's to send.
    if (worker && recorded && recorded.handed.length > 0) worker.take(recorded.handed);
    // New deliveries that were not handed to the local worker, or deliveries handed back unsent (or not
    // held after all), are due at once, possibly for another process.
    const due = (recorded?.due ?? false) || dueNow > 0;
    if (recorded?.wake || dueNow > 0) await wake({ due });
    let r = 0;
    return jobs.map((j): WriteResult => (j.kind === 'record' ? { kind: 'record', events: recorded!.perJob[r++]! } : { kind: 'complete' }));
  };
  const group = () => new GroupCommit<WriteJob, WriteResult>({ maxBatch: MAX_JOBS, linger: lingerWhenBusy(), runBatch });
  const events = group();
  const outcomes = dialect === 'postgres' ? group() : events;
  return {
    async record(items, now) {
      const r = await events.submit({ kind: 'record', items, now });
      return r.kind === 'record' ? r.events : [];
    },
    async complete(list, now) {
      await outcomes.submit({ kind: 'complete', outcomes: list, now });
    },
  };
}
