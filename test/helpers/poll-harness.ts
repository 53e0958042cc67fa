// What the engine keeps of a poll, for source-level tests that call a trigger's `poll` directly.
import { expect } from 'vitest';
import type { Item, PollResult } from '../../src/sdk/index.js';

export interface PollState {
  /** Keys already recorded (the engine's unique events per subscription). */
  seen: Set<string>;
  /** null until the baseline poll. */
  cursor: unknown;
}

/**
 * Record one poll's result as the engine would: the baseline poll (cursor null) delivers nothing; afterwards each
 * key is delivered once; the cursor is stored as JSON, as storage does. A poll must not return a key twice.
 * `deliverable` is the engine's parameter filtering, when the test exercises it.
 */
export function recordPoll(state: PollState, result: PollResult, deliverable: (items: Item[]) => Item[] = (items) => items): Item[] {
  const keys = result.items.map((i) => i.key);
  expect(new Set(keys).size, 'a poll returns each key once').toBe(keys.length);
  const baseline = state.cursor === null;
  const items = deliverable(result.items);
  const fresh = items.filter((i) => !state.seen.has(i.key));
  for (const i of items) state.seen.add(i.key);
  state.cursor = JSON.parse(JSON.stringify(result.cursor));
  return baseline ? [] : fresh;
}
