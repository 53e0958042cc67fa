import type { Kysely } from 'kysely';
import type { Keyring } from '../../secrets/keyring.js';
import type { Database } from '../schema.js';
import type { WriteGroup } from './write-group.js';

/** What every repository needs: an executor (the database or the current transaction) and the keyring. */
export interface RepoContext {
  db: Kysely<Database>;
  keyring: Keyring;
  dialect: 'sqlite' | 'postgres';
  /**
   * After a commit: tell delivery workers that rows became due, and stream consumers that events were
   * stored (in-process on SQLite, NOTIFY on PostgreSQL). `due: false` when the new deliveries were all
   * handed to the local worker: nothing for a claim to find.
   */
  wakeDeliveryWorkers: (opts?: { due: boolean }) => Promise<void>;
  /** Outside a transaction: one transaction shared by concurrent event records and delivery completions (write-group.ts). */
  writeGroup?: WriteGroup;
}

export const toJson = (v: unknown): string => JSON.stringify(v ?? null);
export function fromJson<T>(v: string | null, fallback: T): T {
  if (v === null) return fallback;
  try {
    return JSON.parse(v) as T;
  } catch {
    return fallback;
  }
}

/**
 * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits. Time-ordered ids keep every
 * index on an id column append-mostly — new rows land on the same few right-hand B-tree pages — where
 * random (v4) ids dirtied a random page of each such index per insert, and every dirty page is written at
 * commit (on SQLite that was most of the cost of storing an event; docs/benchmarks.md). Built on
 * randomUUID, which is fast (Node batches its entropy), by overwriting the time field and the version.
 */
export function newId(): string {
  const random = crypto.randomUUID(); // xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx
  const ms = Date.now().toString(16).padStart(12, '0');
  return `${ms.slice(0, 8)}-${ms.slice(8, 12)}-7${random.slice(15)}`;
}

/** Run fn in the caller's transaction when there is one, else in a new one: several writes, all or nothing. */
export function atomically<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

/** Split a list so a multi-row statement stays under SQLite's bound-parameter limit. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
