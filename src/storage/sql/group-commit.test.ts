import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GroupCommit } from './group-commit.js';

// Which jobs shared a transaction, and when (on the fake clock) it started; the linger is whatever the
// test sets `lingerMs` to.
function recorder() {
  const batches: { jobs: number[]; at: number }[] = [];
  const state = { lingerMs: 0, asked: [] as number[] };
  const group = new GroupCommit<number, number>({
    maxBatch: 100,
    linger: (lastBatchSize) => {
      state.asked.push(lastBatchSize);
      return state.lingerMs;
    },
    runBatch: async (jobs) => {
      batches.push({ jobs, at: Date.now() });
      return jobs.map((j) => j * 10);
    },
  });
  return { group, batches, state };
}

describe('GroupCommit linger', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'setImmediate', 'Date'], now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('commits in the next turn without a linger, and jobs submitted in the same turn share the commit', async () => {
    const { group, batches } = recorder();
    const results = [group.submit(1), group.submit(2)];
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toEqual([{ jobs: [1, 2], at: 0 }]);
    expect(await Promise.all(results)).toEqual([10, 20]);
  });

  it('with a linger, holds the commit open that long and takes every job that arrives meanwhile', async () => {
    const { group, batches, state } = recorder();
    state.lingerMs = 3;
    const first = group.submit(1);
    await vi.advanceTimersByTimeAsync(2);
    expect(batches).toEqual([]); // still lingering
    const second = group.submit(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(batches).toEqual([{ jobs: [1, 2], at: 3 }]);
    expect(await Promise.all([first, second])).toEqual([10, 20]);
    // Asked once per commit, by the job that found none pending, with the previous commit's size.
    expect(state.asked).toEqual([0]);

    // The policy says the load has dropped: the next job goes at once again.
    state.lingerMs = 0;
    const third = group.submit(3);
    await vi.advanceTimersByTimeAsync(0);
    expect(batches[1]).toEqual({ jobs: [3], at: 3 });
    expect(await third).toBe(30);
    expect(state.asked).toEqual([0, 2]);
  });
});
