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

/** Split a list so a multi-row statement stays under SQLite's bound-parameter limit. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
