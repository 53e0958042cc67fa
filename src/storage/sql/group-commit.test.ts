import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GroupCommit } from './group-commit.js';

// Which jobs shared a transaction, and when (on the fake clock) it started.
function recorder() {
  const batches: { jobs: number[]; at: number }[] = [];
  const group = new GroupCommit<number, number>({
    maxBatch: 100,
    linger: { afterBatchOf: 3, ms: 2 },
    runBatch: async (jobs) => {
      batches.push({ jobs, at: Date.now() });
      return jobs.map((j) => j * 10);
    },
  });
  return { group, batches };
}

describe('GroupCommit linger', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'setImmediate', 'Date'], now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('commits at once at light load, and jobs submitted in the same turn share the commit', async () => {
    const { group, batches } = recorder();
    const results = [group.submit(1), group.submit(2)];
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toEqual([{ jobs: [1, 2], at: 0 }]);
    expect(await Promise.all(results)).toEqual([10, 20]);
  });

  it('after a commit of several jobs, waits the linger for more before the next commit', async () => {
    const { group, batches } = recorder();
    await vi.advanceTimersByTimeAsync(0);
    const first = [group.submit(1), group.submit(2), group.submit(3)];
    await vi.advanceTimersByTimeAsync(0);
    await Promise.all(first);
    expect(batches).toHaveLength(1);

    const second = group.submit(4);
    await vi.advanceTimersByTimeAsync(1);
    expect(batches).toHaveLength(1); // still lingering
    const third = group.submit(5);
    await vi.advanceTimersByTimeAsync(1);
    expect(batches[1]).toEqual({ jobs: [4, 5], at: batches[0]!.at + 2 });
    expect(await Promise.all([second, third])).toEqual([40, 50]);

    // That commit carried two jobs (below 3): load has dropped, the next one goes at once again.
    const fourth = group.submit(6);
    await vi.advanceTimersByTimeAsync(0);
    expect(batches[2]).toEqual({ jobs: [6], at: batches[1]!.at });
    expect(await fourth).toBe(60);
  });
});
