import { describe, expect, it } from 'vitest';
import { CONDITION_OPERATORS, evaluateCondition, readField, validateCondition } from './filters.js';

const leaf = (field: string, operator: string, value?: unknown) => ({ field, operator, value });
const dnf = (...andGroups: unknown[][]) => ({
  operator: 'OR',
  conditions: andGroups.map((conditions) => ({ operator: 'AND', conditions })),
});
const matches = (condition: unknown, payload: unknown) => evaluateCondition(condition, payload);

// Paragon's example payload for SLACK_TRIGGER_NEW_REACTION.
const reaction = {
  type: 'reaction_added',
  user: 'U123ABC456',
  reaction: 'thumbsup',
  item_user: 'U222222222',
  item: { type: 'message', channel: 'C123ABC456', ts: '1360782400.498405' },
  event_ts: '1360782804.083113',
};

describe('Paragon filter shape', () => {
  it("evaluates Paragon's documented reactionFilter example", () => {
    const reactionFilter = {
      operator: 'OR',
      conditions: [{ operator: 'AND', conditions: [{ field: 'item_user', operator: '$stringExactlyMatches', value: 'U222222222' }] }],
    };
    expect(validateCondition(reactionFilter)).toEqual({ ok: true });
    expect(matches(reactionFilter, reaction)).toBe(true);
    expect(matches(reactionFilter, { ...reaction, item_user: 'U999' })).toBe(false);
  });

  it('OR of AND groups', () => {
    const filter = dnf(
      [leaf('user', '$stringExactlyMatches', 'U1'), leaf('reaction', '$stringExactlyMatches', 'heart')],
      [leaf('item.channel', '$stringExactlyMatches', 'C123ABC456')],
    );
    expect(matches(filter, reaction)).toBe(true); // second group
    expect(matches(filter, { ...reaction, item: { channel: 'C0' } })).toBe(false);
    expect(matches(filter, { ...reaction, user: 'U1', reaction: 'heart', item: {} })).toBe(true); // first group
    expect(matches(filter, { ...reaction, user: 'U1', item: {} })).toBe(false); // first group half-true
  });

  it('accepts deeper nesting and a bare condition', () => {
    const nested = { operator: 'AND', conditions: [
      leaf('type', '$stringExactlyMatches', 'reaction_added'),
      { operator: 'OR', conditions: [leaf('reaction', '$stringContains', 'thumbs'), leaf('reaction', '$stringExactlyMatches', 'ok')] },
    ] };
    expect(matches(nested, reaction)).toBe(true);
    expect(matches(leaf('reaction', '$stringStartsWith', 'thumb'), reaction)).toBe(true);
  });

  it('no filter, an empty filter and empty groups match everything; empty groups do not turn an OR true', () => {
    expect(matches(undefined, reaction)).toBe(true);
    expect(matches(null, reaction)).toBe(true);
    expect(matches({ operator: 'OR', conditions: [] }, reaction)).toBe(true);
    expect(matches(dnf([]), reaction)).toBe(true);
    expect(matches(dnf([], [leaf('user', '$stringExactlyMatches', 'nobody')]), reaction)).toBe(false);
  });

  it('group operators are case-insensitive', () => {
    expect(matches({ operator: 'and', conditions: [leaf('user', '$exists')] }, reaction)).toBe(true);
  });
});

describe('operators', () => {
  const payload = {
    name: 'Quarterly Report', status: 'open', count: 42, countText: '42', flag: true, flagText: 'false',
    nothing: null, tags: ['a'], empty: [], createdAt: '2024-03-01T10:00:00Z', epochSeconds: 1709287200,
    slackTs: '1709287200.000100', nested: { deep: { value: 'x' } }, items: [{ id: 'i0' }, { id: 'i1' }],
  };
  const table: Array<[string, string, unknown, boolean]> = [
    ['name', '$stringExactlyMatches', 'Quarterly Report', true],
    ['name', '$stringExactlyMatches', 'quarterly report', false], // case-sensitive
    ['name', '$stringDoesNotExactlyMatch', 'x', true],
    ['missing', '$stringDoesNotExactlyMatch', 'x', true],
    ['status', '$stringIsIn', ['open', 'pending'], true],
    ['status', '$stringIsIn', 'pending, open', true],
    ['status', '$stringIsNotIn', ['closed'], true],
    ['missing', '$stringIsIn', ['open'], false],
    ['name', '$stringStartsWith', 'Quarter', true],
    ['name', '$stringDoesNotStartWith', 'Quarter', false],
    ['name', '$stringEndsWith', 'Report', true],
    ['name', '$stringDoesNotEndWith', 'Report', false],
    ['name', '$stringContains', 'terly', true],
    ['name', '$stringDoesNotContain', 'Annual', true],
    ['missing', '$stringContains', '', false],
    ['missing', '$stringDoesNotContain', 'x', true],
    ['count', '$stringExactlyMatches', '42', true], // numbers compare as text
    ['status', '$stringGreaterThan', 'apple', true],
    ['status', '$stringLessThan', 'apple', false],
    ['count', '$numberGreaterThan', 41, true],
    ['countText', '$numberGreaterThan', '41.5', true],
    ['count', '$numberLessThan', 42, false],
    ['count', '$numberGreaterThanOrEqualTo', 42, true],
    ['count', '$numberLessThanOrEqualTo', 41, false],
    ['count', '$numberEquals', '42', true],
    ['count', '$numberDoesNotEqual', 42, false],
    ['name', '$numberGreaterThan', 1, false], // not a number
    ['createdAt', '$dateTimeAfter', '2024-01-01T00:00:00Z', true],
    ['createdAt', '$dateTimeBefore', '2024-01-01T00:00:00Z', false],
    ['epochSeconds', '$dateTimeEquals', '2024-03-01T10:00:00Z', true], // epoch seconds
    ['slackTs', '$dateTimeAfter', 1709287200000, true], // Slack ts strings are seconds
    ['flag', '$booleanTrue', undefined, true],
    ['flagText', '$booleanFalse', undefined, true],
    ['missing', '$booleanFalse', undefined, false],
    ['nothing', '$exists', undefined, true],
    ['missing', '$doesNotExist', undefined, true],
    ['nothing', '$isNull', undefined, true],
    ['missing', '$isNull', undefined, true],
    ['name', '$isNotNull', undefined, true],
    ['empty', '$arrayIsEmpty', undefined, true],
    ['missing', '$arrayIsEmpty', undefined, true],
    ['tags', '$arrayIsEmpty', undefined, false],
    ['tags', '$arrayIsNotEmpty', undefined, true],
    ['nested.deep.value', '$stringExactlyMatches', 'x', true],
    ['items.1.id', '$stringExactlyMatches', 'i1', true],
    ['items[0].id', '$stringExactlyMatches', 'i0', true],
    ['nested.nope.value', '$exists', undefined, false],
  ];

  it.each(table)('%s %s %j → %s', (field, operator, value, expected) => {
    const condition = leaf(field, operator, value);
    expect(validateCondition(condition)).toEqual({ ok: true });
    expect(matches(condition, payload)).toBe(expected);
  });

  it('every supported operator is covered by the table', () => {
    const tested = new Set(table.map(([, operator]) => operator));
    expect(CONDITION_OPERATORS.filter((op) => !tested.has(op))).toEqual([]);
  });
});

describe('field paths', () => {
  it('prefers a key that literally contains dots, and never reaches prototypes', () => {
    expect(readField({ 'Account.Name': 'Acme', Account: { Name: 'Other' } }, 'Account.Name')).toBe('Acme');
    expect(readField({}, '__proto__')).toBeUndefined();
    expect(readField({}, 'constructor.name')).toBeUndefined();
    expect(readField('text', 'length')).toBeUndefined();
  });
});

describe('validateCondition says what is wrong, and where', () => {
  const problem = (condition: unknown, constraints = {}) => {
    const result = validateCondition(condition, constraints);
    return result.ok ? null : result.message;
  };

  it('shape errors', () => {
    expect(problem('user = U1')).toMatch(/^the filter must be an object/);
    expect(problem([])).toMatch(/^the filter must be an object/);
    expect(problem({ operator: 'OR' })).toMatch(/must be a group/);
    expect(problem({ operator: 'XOR', conditions: [] })).toBe('operator must be "AND" or "OR", got "XOR"');
    expect(problem({ operator: 'OR', conditions: {} })).toBe('conditions must be an array');
    expect(problem(dnf([{ field: 'x' }, 3]))).toBe('conditions[0].conditions[0].operator must be a string such as "$stringExactlyMatches"');
    expect(problem(dnf([leaf('', '$exists')]))).toBe('conditions[0].conditions[0].field must be a non-empty string');
  });

  it('operator and value errors', () => {
    expect(problem(dnf([leaf('user', '$stringEquals', 'U1')]))).toMatch(
      /^conditions\[0\]\.conditions\[0\]\.operator: unknown operator "\$stringEquals"; supported: \$stringExactlyMatches, /,
    );
    expect(problem(dnf([leaf('count', '$numberGreaterThan', 'ten')]))).toBe(
      'conditions[0].conditions[0].value must be a number for $numberGreaterThan',
    );
    expect(problem(leaf('at', '$dateTimeAfter', 'next tuesday'))).toBe(
      'value must be an ISO-8601 date-time or a Unix timestamp for $dateTimeAfter',
    );
    expect(problem(leaf('s', '$stringIsIn', [{}]))).toBe('value must be an array of strings or a comma-separated string for $stringIsIn');
    expect(problem(leaf('s', '$stringContains', { a: 1 }))).toBe('value must be a string for $stringContains');
    expect(problem(leaf('s', '$stringContains'))).toBe('value must be a string for $stringContains');
    expect(problem(leaf('s', 'toString', 'x'))).toMatch(/unknown operator "toString"/);
  });

  it("a trigger's supported fields and operators, and disableOrCondition", () => {
    const constraints = { supportedFields: ['user', 'channel'], supportedOperators: ['$stringExactlyMatches'], disableOrCondition: true };
    expect(problem(dnf([leaf('user', '$stringExactlyMatches', 'U1')]), constraints)).toBeNull();
    expect(problem(dnf([leaf('text', '$stringExactlyMatches', 'x')]), constraints)).toBe(
      'conditions[0].conditions[0].field: "text" cannot be filtered on; use one of user, channel',
    );
    expect(problem(dnf([leaf('user', '$stringContains', 'U')]), constraints)).toBe(
      'conditions[0].conditions[0].operator: "$stringContains" is not allowed here; use one of $stringExactlyMatches',
    );
    expect(problem(dnf([leaf('user', '$stringExactlyMatches', 'U1')], [leaf('channel', '$stringExactlyMatches', 'C1')]), constraints))
      .toBe('conditions: this filter does not allow OR between several conditions');
  });

  it('limits depth and size (filters come from end users)', () => {
    let deep: unknown = leaf('a', '$exists');
    for (let i = 0; i < 12; i += 1) deep = { operator: 'AND', conditions: [deep] };
    expect(problem(deep)).toMatch(/nested more than 10 levels deep/);
    const wide = { operator: 'AND', conditions: Array.from({ length: 201 }, () => leaf('a', '$exists')) };
    expect(problem(wide)).toBe('the filter has more than 200 conditions');
  });

  it('evaluateCondition refuses an invalid filter loudly instead of dropping events', () => {
    expect(() => evaluateCondition(leaf('a', '$nope'), {})).toThrow(/invalid filter: operator: unknown operator "\$nope"/);
  });
});
