import { describe, expect, it } from 'vitest';
import { ReadGroup } from './read-group.js';

describe('ReadGroup', () => {
  it('answers the keys asked for in one turn with one load, in parts of maxKeys', async () => {
    const loads: string[][] = [];
    const group = new ReadGroup<string, string>(async (keys) => {
      loads.push(keys);
      return new Map(keys.filter((k) => k !== 'missing').map((k) => [k, `row ${k}`]));
    }, 2);
    const answers = await Promise.all(['a', 'b', 'a', 'missing', 'c'].map((k) => group.get(k)));
    expect(answers).toEqual(['row a', 'row b', 'row a', undefined, 'row c']);
    expect(loads).toEqual([['a', 'b'], ['missing', 'c']]);
    // A later turn is a new load.
    expect(await group.get('b')).toBe('row b');
    expect(loads).toHaveLength(3);
  });

  it('fails the callers of a load that failed, and only those', async () => {
    const group = new ReadGroup<string, string>(async (keys) => {
      if (keys.includes('bad')) throw new Error('connection lost');
      return new Map(keys.map((k) => [k, k]));
    }, 1);
    const [good, bad] = await Promise.allSettled([group.get('good'), group.get('bad')]);
    expect(good).toEqual({ status: 'fulfilled', value: 'good' });
    expect(bad).toMatchObject({ status: 'rejected', reason: { message: 'connection lost' } });
  });
});
