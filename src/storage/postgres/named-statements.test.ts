import { describe, expect, it } from 'vitest';
import { StatementNames } from './named-statements.js';

describe('StatementNames', () => {
  it('names a text on its third run and keeps that name; other texts get other names', () => {
    const names = new StatementNames();
    expect(names.nameFor('select 1')).toBeUndefined();
    expect(names.nameFor('select 1')).toBeUndefined();
    const first = names.nameFor('select 1');
    expect(first).toMatch(/^ot_\d+$/);
    expect(names.nameFor('select 1')).toBe(first);
    for (let i = 0; i < 3; i++) names.nameFor('select 2');
    expect(names.nameFor('select 2')).not.toBe(first);
  });

  it('names at most 256 texts; the rest run unnamed', () => {
    const names = new StatementNames();
    const given = new Set<string>();
    for (let t = 0; t < 300; t++) {
      for (let i = 0; i < 3; i++) {
        const n = names.nameFor(`select ${t}`);
        if (n !== undefined) given.add(n);
      }
    }
    expect(given.size).toBe(256);
    expect(names.nameFor('select 299')).toBeUndefined();
    expect(names.nameFor('select 0')).toBe('ot_1');
  });
});
