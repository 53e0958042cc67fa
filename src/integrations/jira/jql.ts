// JQL helpers: checking a user's JQL so it cannot escape the clause we wrap it in, and rendering instants
// as JQL date literals.
//
// Why the time zone matters: Jira evaluates a JQL date literal ("yyyy-MM-dd HH:mm") in the time zone of
// the account running the query (its profile zone), not in UTC, and the grammar has no zone syntax. A
// UTC literal sent by a Europe/Paris account denotes an instant one hour *earlier* than meant (harmless)
// but for an America/New_York account five hours *later* (every issue in the gap is lost). So we render
// literals in the account's zone, and so that no reading of an ambiguous wall-clock time (DST fall-back)
// can land after the instant we mean, we step back until every plausible reading is at or before it.

const MAX_JQL_LENGTH = 2000;

/**
 * Validate a user JQL fragment that we will embed as `(<fragment>) AND <our time bound> ORDER BY …`.
 * It must not be able to close our parenthesis (`a) OR (b`), add its own ORDER BY, or leave a string
 * open. Returns a message saying what is wrong, or null.
 */
export function validateJqlFragment(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a string';
  if (value.length > MAX_JQL_LENGTH) return `must be at most ${MAX_JQL_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value)) return 'must not contain control characters';
  let depth = 0;
  let quote: '"' | "'" | null = null;
  let outside = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quote) {
      if (c === '\\') {
        i++; // JQL escapes the next character inside a quoted string
        continue;
      }
      if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      outside += ' ';
      continue;
    }
    if (c === '(') depth++;
    if (c === ')') {
      depth--;
      if (depth < 0) return 'has a ")" without a matching "(" (the query must be a self-contained JQL condition)';
    }
    outside += c;
  }
  if (quote) return 'has an unterminated quoted string';
  if (depth !== 0) return 'has a "(" without a matching ")"';
  if (/\border\s+by\b/i.test(outside)) return 'must not contain ORDER BY (events are always read oldest first)';
  if (outside.trim() === '') return 'must contain a JQL condition';
  return null;
}

/** Wrap a validated fragment so it combines with our own clauses by AND, whatever its operators. */
export function wrapFragment(fragment: string | undefined): string {
  const f = fragment?.trim();
  return f ? `(${f}) AND ` : '';
}

// ── time zones ───────────────────────────────────────────────────────────────────────────────────────
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when the runtime knows this IANA zone. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock time at instant `t` in `timeZone`, expressed as if it were UTC milliseconds. */
export function wallClockMs(t: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(t))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0) + (((t % 1000) + 1000) % 1000);
}

/** The zone's offset from UTC at instant `t`, in milliseconds. */
export function zoneOffsetMs(t: number, timeZone: string): number {
  return wallClockMs(t, timeZone) - t;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function renderWall(wall: number): string {
  const d = new Date(wall);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** The instants a wall-clock minute may denote near `t` (one per offset the zone uses around then). */
function readings(wall: number, t: number, timeZone: string): number[] {
  const offsets = new Set([zoneOffsetMs(t - 3 * HOUR, timeZone), zoneOffsetMs(t, timeZone), zoneOffsetMs(t + 3 * HOUR, timeZone)]);
  return [...offsets].map((o) => wall - o);
}

export interface JqlDate {
  /** The literal, e.g. `2026-11-27 10:15` (to be quoted in JQL). */
  literal: string;
  /** Its wall-clock value (as UTC ms), comparable between literals of one zone. */
  wall: number;
}

/**
 * Render `t` as a minute-precision JQL date literal in `timeZone`.
 * `down`: every reading of the literal is ≤ t (a lower bound that never skips anything).
 * `up`: every reading of the literal is ≥ t (an exclusive upper bound that never cuts anything off).
 */
export function jqlDate(t: number, timeZone: string, direction: 'down' | 'up'): JqlDate {
  let probe = t;
  for (let i = 0; i < 6; i++) {
    const w = wallClockMs(probe, timeZone);
    const wall = direction === 'down' ? Math.floor(w / MINUTE) * MINUTE : Math.ceil(w / MINUTE) * MINUTE;
    const rs = readings(wall, probe, timeZone);
    if (direction === 'down') {
      const latest = Math.max(...rs);
      if (latest <= t) return { literal: renderWall(wall), wall };
      probe -= latest - t + MINUTE; // an ambiguous or skipped wall time: step back past it (and off this minute)
    } else {
      const earliest = Math.min(...rs);
      if (earliest >= t) return { literal: renderWall(wall), wall };
      probe += t - earliest + MINUTE;
    }
  }
  // Unreachable for real zones (each step clears one transition); stay safe by a day's margin.
  const wall = Math.floor(wallClockMs(direction === 'down' ? t - 24 * HOUR : t + 24 * HOUR, timeZone) / MINUTE) * MINUTE;
  return { literal: renderWall(wall), wall };
}

/** Parse a Jira timestamp (`2026-11-27T21:15:30.123+1100`) to epoch milliseconds; NaN when malformed. */
export function parseJiraTime(value: unknown): number {
  if (typeof value !== 'string') return Number.NaN;
  return Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}
