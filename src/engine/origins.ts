// A project's lists of web origins (scheme, host and port, e.g. `https://app.example.com`), kept in the
// meta table: where the OAuth connect flow may send the browser back to (connect.ts), and which front ends
// may call the user API from a browser (CORS, src/http/cors.ts). Both are compared with a URL's `origin`,
// so they are stored exactly in that form.
import { AppError } from '../errors.js';
import type { Storage } from '../storage/port.js';

/** Written alone, it admits every origin (CORS only: tokens are bearer tokens, never cookies). */
export const ANY_ORIGIN = '*';

const LISTS = ['oauth_redirect_origins', 'cors_origins'] as const;
export type OriginListName = (typeof LISTS)[number];

const keyOf = (list: OriginListName, projectId: string) => `${list}:${projectId}`;

/** The stored list; empty when none was set (what empty means is the caller's policy). */
export async function readOrigins(storage: Storage, list: OriginListName, projectId: string): Promise<string[]> {
  const raw = await storage.meta.get(keyOf(list, projectId));
  if (raw === null) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.filter((o): o is string => typeof o === 'string') : [];
  } catch {
    return [];
  }
}

/** Normalises and stores the list (replacing it); throws a 400 naming the bad entry and stores nothing. */
export async function writeOrigins(
  storage: Storage,
  list: OriginListName,
  projectId: string,
  origins: readonly string[],
  opts: { allowAny: boolean },
): Promise<string[]> {
  const normalised = normaliseOrigins(origins, opts);
  await storage.meta.set(keyOf(list, projectId), JSON.stringify(normalised));
  return normalised;
}

/** Deletes the project's lists (with the project: they live outside its foreign keys). */
export async function forgetOrigins(storage: Storage, projectId: string): Promise<void> {
  for (const list of LISTS) await storage.meta.delete(keyOf(list, projectId));
}

export function normaliseOrigins(origins: readonly string[], opts: { allowAny: boolean }): string[] {
  const normalised: string[] = [];
  origins.forEach((o, i) => {
    const bad = (why: string) => new AppError('VALIDATION_FAILED', `origins[${i}]: ${why}`, { parameter: `origins[${i}]` });
    if (o === ANY_ORIGIN) {
      if (!opts.allowAny) throw bad('"*" is not allowed here; list each origin');
      if (origins.length > 1) throw bad('"*" admits every origin and must be the only entry');
      normalised.push(ANY_ORIGIN);
      return;
    }
    let u: URL;
    try {
      u = new URL(o);
    } catch {
      throw bad('not a valid URL');
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw bad('must be http(s)');
    if (u.origin !== o.replace(/\/+$/, '').toLowerCase()) throw bad(`must be an origin only (scheme, host and port, e.g. ${u.origin})`);
    if (!normalised.includes(u.origin)) normalised.push(u.origin);
  });
  return normalised;
}
