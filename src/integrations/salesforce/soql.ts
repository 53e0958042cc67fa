// SOQL built only from validated identifiers and escaped literals: no text a user typed ever reaches a query
// unescaped.
//
// - `recordType` is an object API name: letters, digits and single underscores, with `__` only between a
//   namespace prefix, the name and a suffix (`Account`, `Invoice__c`, `acme__Invoice__c`, `Article__kav`).
//   Such a name cannot close a clause or open a string, so it is safe in `FROM`.
// - `filterFormula` is a Paragon CONDITIONAL filter (`{operator, conditions: [{field, operator, value}]}`), not
//   SOQL text. The engine applies it to every record exactly (src/sdk/filters.ts). In addition, the part of it
//   that SOQL can express at least as loosely is pushed down into the `WHERE` clause so that Salesforce sends
//   fewer records — see `compileFilter`. The pushed-down part is generated from the object's describe (field
//   names as Salesforce spells them, field types) and escaped literals; anything we cannot express exactly or
//   more loosely is simply not pushed down, which is always safe because the engine filters again.

/** Pinned REST API version: Spring '26, GA on every org since early 2026 (Summer '26 is v67.0). */
export const API_VERSION = 'v66.0';

const SEGMENT = '[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*';
const OBJECT_NAME = new RegExp(`^${SEGMENT}(?:__${SEGMENT}){0,2}$`);
const MAX_OBJECT_NAME = 120;

export function validateObjectName(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a string';
  if (value.length > MAX_OBJECT_NAME || !OBJECT_NAME.test(value)) {
    return 'must be an object API name such as Account, Opportunity or Invoice__c (letters, digits and underscores)';
  }
  return null;
}

/** `2026-01-02T03:04:05Z` — SOQL dateTime literals are unquoted; Salesforce timestamps have whole seconds. */
export function dateTimeLiteral(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', "'": "\\'", '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

/**
 * A quoted SOQL string literal, or null when the value holds a character SOQL has no escape for (then the
 * condition is not pushed down). `like` also escapes the LIKE wildcards `%` and `_`.
 */
export function stringLiteral(value: string, like = false): string | null {
  let out = '';
  for (const ch of value) {
    const escaped = ESCAPES[ch];
    if (escaped !== undefined) out += escaped;
    else if (like && (ch === '%' || ch === '_')) out += `\\${ch}`;
    // eslint-disable-next-line no-control-regex
    else if (/[\u0000-\u001f\u007f]/.test(ch)) return null;
    else out += ch;
  }
  return `'${out}'`;
}

/** A plain decimal number literal, or null (NaN, infinities, exponent notation). */
export function numberLiteral(value: unknown): string | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  if (!Number.isFinite(n)) return null;
  const text = String(n);
  return /^-?\d+(\.\d+)?$/.test(text) ? text : null;
}

// ── filter push-down ─────────────────────────────────────────────────────────────────────────────────
/** The parts of a describe field the compiler needs. */
export interface FieldInfo {
  name: string;
  type: string;
  filterable?: boolean;
}

type Kind = 'text' | 'likeText' | 'number' | 'boolean' | 'other';

/** Salesforce field types, grouped by how SOQL may compare them. */
function kindOf(type: string): Kind {
  switch (type) {
    case 'string':
    case 'picklist':
    case 'combobox':
    case 'email':
    case 'phone':
    case 'url':
      return 'likeText'; // `=`, `IN` and `LIKE`
    case 'id':
    case 'reference':
      return 'text'; // `=` and `IN` only
    case 'double':
    case 'currency':
    case 'percent':
    case 'int':
    case 'long':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return 'other'; // dates (Paragon date operators compare instants, SOQL dates do not), text areas, compound fields…
  }
}

const MAX_IN_VALUES = 100;
/** Salesforce refuses WHERE clauses over 4,000 characters; stay well below with our own clauses around it. */
const MAX_PUSHED_LENGTH = 3000;

/**
 * The SOQL condition for the part of `condition` that SOQL can check without ever rejecting a record the
 * engine's filter accepts, or null when nothing can be pushed down. SOQL string comparison is
 * case-insensitive where the engine's is case-sensitive: that only lets more records through, never fewer.
 * Negative operators are never pushed down (SOQL's null handling differs from the engine's).
 */
export function compileFilter(condition: unknown, fields: readonly FieldInfo[]): string | null {
  if (condition === null || condition === undefined) return null;
  const byName = new Map(fields.map((f) => [f.name.toLowerCase(), f]));
  const compiled = compileNode(condition, byName, 0);
  return compiled !== null && compiled.length <= MAX_PUSHED_LENGTH ? compiled : null;
}

function compileNode(node: unknown, fields: Map<string, FieldInfo>, depth: number): string | null {
  if (depth > 10 || node === null || typeof node !== 'object') return null;
  const group = node as { operator?: unknown; conditions?: unknown };
  if (Array.isArray(group.conditions)) {
    const op = typeof group.operator === 'string' ? group.operator.toUpperCase() : 'AND';
    const parts = (group.conditions as unknown[]).map((c) => compileNode(c, fields, depth + 1));
    if (op === 'OR') {
      // Dropping a branch of an OR would reject records the OR accepts: all branches or nothing.
      if (parts.length === 0 || parts.some((p) => p === null)) return null;
      return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
    }
    // Dropping a conjunct only loosens an AND.
    const kept = parts.filter((p): p is string => p !== null);
    if (kept.length === 0) return null;
    return kept.length === 1 ? kept[0]! : `(${kept.join(' AND ')})`;
  }
  return compileCondition(node, fields);
}

function compileCondition(c: { field?: unknown; operator?: unknown; value?: unknown }, fields: Map<string, FieldInfo>): string | null {
  if (typeof c.field !== 'string' || typeof c.operator !== 'string') return null;
  // Only top-level fields the describe knows (and marks filterable) — the name used is Salesforce's own.
  const field = fields.get(c.field.toLowerCase());
  if (!field || field.filterable === false || !/^[A-Za-z][A-Za-z0-9_]*$/.test(field.name)) return null;
  const name = field.name;
  const kind = kindOf(field.type);
  const v = c.value;
  switch (c.operator) {
    case '$isNull':
      return `${name} = null`;
    case '$isNotNull':
      return `${name} != null`;
    case '$stringExactlyMatches': {
      if ((kind !== 'text' && kind !== 'likeText') || typeof v !== 'string') return null;
      const lit = stringLiteral(v);
      return lit === null ? null : `${name} = ${lit}`;
    }
    case '$stringIsIn': {
      if (kind !== 'text' && kind !== 'likeText') return null;
      const values = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',').map((s) => s.trim()) : null;
      if (!values || values.length === 0 || values.length > MAX_IN_VALUES || values.some((x) => typeof x !== 'string')) return null;
      const lits = (values as string[]).map((x) => stringLiteral(x));
      if (lits.some((l) => l === null)) return null;
      return `${name} IN (${lits.join(', ')})`;
    }
    case '$stringContains':
    case '$stringStartsWith':
    case '$stringEndsWith': {
      if (kind !== 'likeText' || typeof v !== 'string') return null;
      const lit = stringLiteral(v, true);
      if (lit === null) return null;
      const inner = lit.slice(1, -1);
      const pattern = c.operator === '$stringContains' ? `%${inner}%` : c.operator === '$stringStartsWith' ? `${inner}%` : `%${inner}`;
      return `${name} LIKE '${pattern}'`;
    }
    case '$numberGreaterThan':
    case '$numberLessThan':
    case '$numberGreaterThanOrEqualTo':
    case '$numberLessThanOrEqualTo':
    case '$numberEquals': {
      if (kind !== 'number') return null;
      const lit = numberLiteral(v);
      if (lit === null) return null;
      const sym = { $numberGreaterThan: '>', $numberLessThan: '<', $numberGreaterThanOrEqualTo: '>=', $numberLessThanOrEqualTo: '<=', $numberEquals: '=' }[c.operator];
      return `${name} ${sym} ${lit}`;
    }
    case '$booleanTrue':
      return kind === 'boolean' ? `${name} = true` : null;
    case '$booleanFalse':
      return kind === 'boolean' ? `${name} = false` : null;
    default:
      return null;
  }
}
