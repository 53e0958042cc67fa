/**
 * Paragon CONDITIONAL parameters: user-defined filters that the engine applies to each event payload
 * before delivering it ("only messages from user U123", "only deals above 1000").
 *
 * Shape (Paragon ActionKit; sources below). A filter is a group of conditions, in Paragon's examples an OR
 * of AND groups (disjunctive normal form):
 *
 *   { "operator": "OR",
 *     "conditions": [
 *       { "operator": "AND",
 *         "conditions": [ { "field": "item_user", "operator": "$stringExactlyMatches", "value": "U123" } ] } ] }
 *
 * We accept that shape and any deeper nesting of groups (a superset), or a single bare condition.
 * `field` is a path into the event payload: dot notation (`item.channel`), numeric segments index arrays
 * (`attachments.0.title` or `attachments[0].title`); a key that literally contains dots is matched first.
 *
 * Operators. CONFIRMED names come from Paragon's ActionKit documentation:
 *   - https://docs.useparagon.com/actionkit/triggers/user-configuration (CONDITIONAL inputs: `operator`
 *     OR/AND + `conditions`, each with `field`, `operator`, `value`; `supportedKeys`,
 *     `supportedOperators`, `disableOrCondition` on the input definition)
 *   - https://docs.useparagon.com/actionkit/integrations/slack/triggers/SLACK_TRIGGER_NEW_REACTION
 *     (`reactionFilter`, operators `$stringExactlyMatches`, `$stringDoesNotExactlyMatch`)
 *   - ActionKit filter-formula operator lists as republished for Paragon-powered tools (docs.crewai.com
 *     Linear/Jira integrations): `$stringExactlyMatches`, `$stringDoesNotExactlyMatch`, `$stringIsIn`,
 *     `$stringIsNotIn`, `$stringStartsWith`, `$stringDoesNotStartWith`, `$stringEndsWith`,
 *     `$stringDoesNotEndWith`, `$stringContains`, `$stringDoesNotContain`, `$stringGreaterThan`,
 *     `$stringLessThan`, `$numberGreaterThanOrEqualTo`, `$numberLessThanOrEqualTo`, `$numberGreaterThan`,
 *     `$numberLessThan`, `$dateTimeAfter`, `$dateTimeBefore`.
 * OUR NAMES (Paragon's workflow conditionals offer these comparisons — https://docs.useparagon.com/workflows/using-conditionals
 * — but their API names were not found; we follow the `$<type><Verb>` pattern): `$numberEquals`,
 * `$numberDoesNotEqual`, `$dateTimeEquals`, `$booleanTrue`, `$booleanFalse`, `$exists`, `$doesNotExist`,
 * `$isNull`, `$isNotNull`, `$arrayIsEmpty`, `$arrayIsNotEmpty`.
 *
 * Semantics we chose (Paragon does not document them):
 * - String comparisons are case-sensitive. Numbers and booleans in the payload are compared as their
 *   string form. A missing or null field never satisfies a positive string/number/date operator; each
 *   "Does not…"/"IsNot…" operator is the exact negation of its positive twin (a missing field
 *   "does not contain" anything).
 * - `$stringIsIn`/`$stringIsNotIn` take an array of strings or one comma-separated string.
 * - Numbers accept numeric strings on either side. Date-times accept ISO-8601 strings or Unix epochs
 *   (numbers or numeric strings; below 1e11 they are seconds — Slack's `ts` — otherwise milliseconds).
 * - `$booleanTrue`/`$booleanFalse` accept true/false and "true"/"false"; a missing field is neither.
 * - `$exists`: the field is present (even null). `$isNull`: null or missing. `$arrayIsEmpty`: an empty
 *   array, null or missing; `$arrayIsNotEmpty`: an array with at least one item.
 * - Groups without conditions are ignored; a filter with no conditions at all matches every event, as does
 *   an absent filter (null/undefined).
 * - Group operators are matched case-insensitively ("AND"/"and").
 * - Limits: nesting depth ≤ 10, at most 200 conditions (filters come from end users).
 */

export type GroupOperator = 'AND' | 'OR';

export interface FilterCondition {
  field: string;
  operator: ConditionOperator;
  value?: unknown;
}

export interface ConditionGroup {
  operator: GroupOperator;
  conditions: Condition[];
}

export type Condition = ConditionGroup | FilterCondition;

/** What a trigger allows in one CONDITIONAL parameter (Paragon's supportedKeys / supportedOperators / disableOrCondition). */
export interface ConditionConstraints {
  supportedFields?: readonly string[];
  supportedOperators?: readonly string[];
  disableOrCondition?: boolean;
}

export type ValidationResult = { ok: true } | { ok: false; message: string };

type ValueKind = 'string' | 'stringList' | 'number' | 'dateTime' | 'none';

interface OperatorSpec {
  value: ValueKind;
  test: (actual: unknown, expected: unknown) => boolean;
}

const MAX_DEPTH = 10;
const MAX_CONDITIONS = 200;

// ── operators ────────────────────────────────────────────────────────────────────────────────────────

function stringOp(test: (actual: string, expected: string) => boolean): OperatorSpec {
  return {
    value: 'string',
    test: (actual, expected) => {
      const a = asText(actual);
      const e = asText(expected);
      return a !== undefined && e !== undefined && test(a, e);
    },
  };
}

function numberOp(test: (actual: number, expected: number) => boolean): OperatorSpec {
  return {
    value: 'number',
    test: (actual, expected) => {
      const a = asNumber(actual);
      const e = asNumber(expected);
      return a !== undefined && e !== undefined && test(a, e);
    },
  };
}

function dateTimeOp(test: (actual: number, expected: number) => boolean): OperatorSpec {
  return {
    value: 'dateTime',
    test: (actual, expected) => {
      const a = asTime(actual);
      const e = asTime(expected);
      return a !== undefined && e !== undefined && test(a, e);
    },
  };
}

function unaryOp(test: (actual: unknown) => boolean): OperatorSpec {
  return { value: 'none', test: (actual) => test(actual) };
}

function not(spec: OperatorSpec): OperatorSpec {
  return { value: spec.value, test: (actual, expected) => !spec.test(actual, expected) };
}

const isIn: OperatorSpec = {
  value: 'stringList',
  test: (actual, expected) => {
    const a = asText(actual);
    return a !== undefined && asTextList(expected).includes(a);
  },
};

const exactlyMatches = stringOp((a, e) => a === e);
const contains = stringOp((a, e) => a.includes(e));
const startsWith = stringOp((a, e) => a.startsWith(e));
const endsWith = stringOp((a, e) => a.endsWith(e));
const numberEquals = numberOp((a, e) => a === e);
const exists = unaryOp((a) => a !== undefined);
const isNull = unaryOp((a) => a === undefined || a === null);

const OPERATORS = {
  // Confirmed Paragon names.
  $stringExactlyMatches: exactlyMatches,
  $stringDoesNotExactlyMatch: not(exactlyMatches),
  $stringIsIn: isIn,
  $stringIsNotIn: not(isIn),
  $stringStartsWith: startsWith,
  $stringDoesNotStartWith: not(startsWith),
  $stringEndsWith: endsWith,
  $stringDoesNotEndWith: not(endsWith),
  $stringContains: contains,
  $stringDoesNotContain: not(contains),
  $stringGreaterThan: stringOp((a, e) => a > e),
  $stringLessThan: stringOp((a, e) => a < e),
  $numberGreaterThan: numberOp((a, e) => a > e),
  $numberLessThan: numberOp((a, e) => a < e),
  $numberGreaterThanOrEqualTo: numberOp((a, e) => a >= e),
  $numberLessThanOrEqualTo: numberOp((a, e) => a <= e),
  $dateTimeAfter: dateTimeOp((a, e) => a > e),
  $dateTimeBefore: dateTimeOp((a, e) => a < e),
  // Our names for comparisons Paragon offers in its workflow conditionals (see the header comment).
  $numberEquals: numberEquals,
  $numberDoesNotEqual: not(numberEquals),
  $dateTimeEquals: dateTimeOp((a, e) => a === e),
  $booleanTrue: unaryOp((a) => a === true || a === 'true'),
  $booleanFalse: unaryOp((a) => a === false || a === 'false'),
  $exists: exists,
  $doesNotExist: not(exists),
  $isNull: isNull,
  $isNotNull: not(isNull),
  $arrayIsEmpty: unaryOp((a) => a === undefined || a === null || (Array.isArray(a) && a.length === 0)),
  $arrayIsNotEmpty: unaryOp((a) => Array.isArray(a) && a.length > 0),
} satisfies Record<string, OperatorSpec>;

export type ConditionOperator = keyof typeof OPERATORS;

/** Every operator this engine evaluates, in documentation order. */
export const CONDITION_OPERATORS = Object.keys(OPERATORS) as ConditionOperator[];

function operatorSpec(name: string): OperatorSpec | undefined {
  return Object.prototype.hasOwnProperty.call(OPERATORS, name) ? OPERATORS[name as ConditionOperator] : undefined;
}

// ── validation ───────────────────────────────────────────────────────────────────────────────────────

/**
 * Says whether `condition` is a filter we can evaluate and, if not, what is wrong and where
 * (e.g. `conditions[0].conditions[1].operator: unknown operator "$equals"`). `constraints` narrows what a
 * given trigger parameter allows. null/undefined (no filter) is valid.
 */
export function validateCondition(condition: unknown, constraints: ConditionConstraints = {}): ValidationResult {
  if (condition === null || condition === undefined) return { ok: true };
  const counter = { conditions: 0 };
  const problem = checkNode(condition, '', 1, constraints, counter);
  return problem === null ? { ok: true } : { ok: false, message: problem };
}

function checkNode(
  node: unknown,
  path: string,
  depth: number,
  constraints: ConditionConstraints,
  counter: { conditions: number },
): string | null {
  const here = path || 'the filter';
  if (node === null || typeof node !== 'object' || Array.isArray(node)) {
    return `${here} must be an object: a group {operator: "AND"|"OR", conditions: [...]} or a condition {field, operator, value}`;
  }
  const record = node as Record<string, unknown>;
  if ('field' in record) return checkLeaf(record, path, constraints, counter);
  if (!('conditions' in record)) {
    return `${here} must be a group {operator: "AND"|"OR", conditions: [...]} or a condition {field, operator, value}`;
  }

  if (depth > MAX_DEPTH) return `${here} is nested more than ${MAX_DEPTH} levels deep`;
  const operator = typeof record.operator === 'string' ? record.operator.toUpperCase() : undefined;
  if (operator !== 'AND' && operator !== 'OR') {
    return `${at(path, 'operator')} must be "AND" or "OR", got ${describe(record.operator)}`;
  }
  const conditions = record.conditions;
  if (!Array.isArray(conditions)) return `${at(path, 'conditions')} must be an array`;
  if (operator === 'OR' && constraints.disableOrCondition && conditions.length > 1) {
    return `${at(path, 'conditions')}: this filter does not allow OR between several conditions`;
  }
  for (const [index, child] of conditions.entries()) {
    const problem = checkNode(child, `${at(path, 'conditions')}[${index}]`, depth + 1, constraints, counter);
    if (problem !== null) return problem;
  }
  return null;
}

function checkLeaf(
  leaf: Record<string, unknown>,
  path: string,
  constraints: ConditionConstraints,
  counter: { conditions: number },
): string | null {
  counter.conditions += 1;
  if (counter.conditions > MAX_CONDITIONS) return `the filter has more than ${MAX_CONDITIONS} conditions`;

  const { field, operator, value } = leaf;
  if (typeof field !== 'string' || field.trim() === '') return `${at(path, 'field')} must be a non-empty string`;
  if (constraints.supportedFields && !constraints.supportedFields.includes(field)) {
    return `${at(path, 'field')}: "${field}" cannot be filtered on; use one of ${constraints.supportedFields.join(', ')}`;
  }
  if (typeof operator !== 'string') return `${at(path, 'operator')} must be a string such as "$stringExactlyMatches"`;
  const spec = operatorSpec(operator);
  if (!spec) return `${at(path, 'operator')}: unknown operator "${operator}"; supported: ${CONDITION_OPERATORS.join(', ')}`;
  if (constraints.supportedOperators && !constraints.supportedOperators.includes(operator)) {
    return `${at(path, 'operator')}: "${operator}" is not allowed here; use one of ${constraints.supportedOperators.join(', ')}`;
  }

  const where = at(path, 'value');
  switch (spec.value) {
    case 'string':
      return asText(value) === undefined ? `${where} must be a string for ${operator}` : null;
    case 'stringList':
      return isTextList(value) ? null : `${where} must be an array of strings or a comma-separated string for ${operator}`;
    case 'number':
      return asNumber(value) === undefined ? `${where} must be a number for ${operator}` : null;
    case 'dateTime':
      return asTime(value) === undefined
        ? `${where} must be an ISO-8601 date-time or a Unix timestamp for ${operator}`
        : null;
    case 'none':
      return null;
  }
}

// ── evaluation ───────────────────────────────────────────────────────────────────────────────────────

/**
 * Whether `payload` satisfies the filter. Throws when the filter is invalid: filters are validated when
 * the subscription is created or updated, so an invalid one here is a bug, and silently dropping (or
 * delivering) every event would hide it.
 */
export function evaluateCondition(condition: unknown, payload: unknown): boolean {
  const validation = validateCondition(condition);
  if (!validation.ok) throw new TypeError(`invalid filter: ${validation.message}`);
  if (condition === null || condition === undefined) return true;
  return evaluateNode(condition as Condition, payload) !== false;
}

/** true/false, or 'empty' for a group with nothing to test (ignored by its parent). */
function evaluateNode(node: Condition, payload: unknown): boolean | 'empty' {
  if ('field' in node) {
    const spec = operatorSpec(node.operator);
    return spec ? spec.test(readField(payload, node.field), node.value) : false;
  }
  const results = node.conditions.map((child) => evaluateNode(child, payload)).filter((r) => r !== 'empty');
  if (results.length === 0) return 'empty';
  return node.operator.toUpperCase() === 'AND' ? results.every(Boolean) : results.some(Boolean);
}

/** Reads a dot-path field from the payload (own properties only, so `__proto__` reaches nothing). */
export function readField(payload: unknown, field: string): unknown {
  if (hasOwn(payload, field)) return (payload as Record<string, unknown>)[field];
  let current: unknown = payload;
  for (const segment of field.replace(/\[(\d+)\]/g, '.$1').split('.')) {
    if (segment === '') continue;
    if (Array.isArray(current) && /^\d+$/.test(segment)) current = current[Number(segment)];
    else if (hasOwn(current, segment)) current = (current as Record<string, unknown>)[segment];
    else return undefined;
  }
  return current;
}

// ── coercions ────────────────────────────────────────────────────────────────────────────────────────

function hasOwn(value: unknown, key: string): boolean {
  return value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, key);
}

function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return undefined;
}

function isTextList(value: unknown): boolean {
  if (typeof value === 'string') return true;
  return Array.isArray(value) && value.every((item) => asText(item) !== undefined);
}

function asTextList(value: unknown): string[] {
  if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (Array.isArray(value)) return value.map(asText).filter((s): s is string => s !== undefined);
  return [];
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** Epoch milliseconds of an ISO-8601 string or a Unix epoch (seconds below 1e11, else milliseconds). */
function asTime(value: unknown): number | undefined {
  const epoch = asNumber(value);
  if (epoch !== undefined) return Math.abs(epoch) < 1e11 ? epoch * 1000 : epoch;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

function at(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function describe(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}
