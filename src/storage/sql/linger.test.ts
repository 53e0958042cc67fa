import { describe, expect, it } from 'vitest';
import { eventLoopUtilization, lingerWhenBusy } from './linger.js';

describe('lingerWhenBusy', () => {
  const policy = { maxMs: 8, idleBelow: 0.5, fullAt: 0.9 };
  const at = (u: number, lastBatchSize = 2) => lingerWhenBusy(policy, () => u)(lastBatchSize);

  it('waits nothing while the event loop is mostly idle', () => {
    expect(at(0)).toBe(0);
    expect(at(0.5)).toBe(0);
  });

  it('waits longer the busier the loop, up to the maximum', () => {
    expect(at(0.6)).toBe(2);
    expect(at(0.7)).toBe(4);
    expect(at(0.8)).toBe(6);
    expect(at(0.9)).toBe(8);
    expect(at(1)).toBe(8);
    expect(at(0.51)).toBe(1); // just above idle: the shortest wait, never a fraction of a millisecond
  });

  it('waits nothing after a commit of one job, however busy the loop: there is nothing to gather', () => {
    expect(at(1, 1)).toBe(0);
    expect(at(1, 0)).toBe(0);
  });
});

describe('eventLoopUtilization', () => {
  it('reads a busy loop as busy and an idle one as idle, over windows of the given length', async () => {
    const utilization = eventLoopUtilization(50);
    const spinUntil = Date.now() + 80;
    while (Date.now() < spinUntil); // the loop busy for a whole window
    expect(utilization()).toBeGreaterThan(0.8);
    await new Promise((r) => setTimeout(r, 120)); // then idle for more than one
    expect(utilization()).toBeLessThan(0.5);
  });

  it('keeps the last reading within a window', () => {
    const utilization = eventLoopUtilization(10_000);
    const first = utilization();
    const spinUntil = Date.now() + 30;
    while (Date.now() < spinUntil);
    expect(utilization()).toBe(first);
  });
});
