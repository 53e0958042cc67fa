import type { Kysely } from 'kysely';
import type { Keyring } from '../../secrets/keyring.js';
import type { Database } from '../schema.js';

/** What every repository needs: an executor (the database or the current transaction) and the keyring. */
export interface RepoContext {
  db: Kysely<Database>;
  keyring: Keyring;
  dialect: 'sqlite' | 'postgres';
  /** Tell delivery workers that rows became due (in-process on SQLite, NOTIFY on PostgreSQL). */
  wakeDeliveryWorkers: () => Promise<void>;
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

export const newId = (): string => crypto.randomUUID();

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
