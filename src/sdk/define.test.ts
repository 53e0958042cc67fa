// defineTrigger refuses definitions that would misbehave at run time, when the catalog is loaded.
import { describe, expect, it } from 'vitest';
import { defineTrigger } from './define.js';
import type { Source } from './types.js';

const webhook = (extra: Partial<Extract<Source, { kind: 'webhook' }>>): Source => ({
  kind: 'webhook',
  verification: { kind: 'none', reason: 'test' },
  register: async () => ({ state: {} }),
  unregister: async () => undefined,
  toItems: () => [],
  ...extra,
});
const trigger = (source: Source) => ({ type: 'TEST_TRIGGER_X', title: 'X', description: 'x', parameters: [], examplePayload: {}, source });

describe('defineTrigger', () => {
  it('accepts redeliveryDays on webhook and app-webhook sources', () => {
    expect(() => defineTrigger(trigger(webhook({ redeliveryDays: 7 })))).not.toThrow();
    expect(() => defineTrigger(trigger({ kind: 'appWebhook', match: () => [], redeliveryDays: 1 }))).not.toThrow();
  });

  it('refuses redeliveryDays that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => defineTrigger(trigger(webhook({ redeliveryDays: bad })))).toThrow('TEST_TRIGGER_X: redeliveryDays must be a positive integer');
    }
  });

  it('refuses redeliveryDays beside a catch-up, which lists changes again whatever the provider retries', () => {
    const catchUp = async () => ({ items: [], state: {} });
    expect(() => defineTrigger(trigger(webhook({ redeliveryDays: 7, catchUp })))).toThrow('a source with catchUp cannot declare redeliveryDays');
  });
});
