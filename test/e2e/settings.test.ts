// Settings read from the environment (src/config.ts) whose parsing is not covered with their feature.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('OPENTRIGGERS_BACKSTOP_SYNC_SECONDS', () => {
  it('defaults to 15 minutes, 0 turns backstop syncs off, anything else must be a whole number of seconds', () => {
    expect(loadConfig({}).backstopSyncSeconds).toBe(900);
    expect(loadConfig({ OPENTRIGGERS_BACKSTOP_SYNC_SECONDS: '3600' }).backstopSyncSeconds).toBe(3600);
    expect(loadConfig({ OPENTRIGGERS_BACKSTOP_SYNC_SECONDS: '0' }).backstopSyncSeconds).toBe(0);
    for (const bad of ['-1', '1.5', 'hourly']) {
      expect(() => loadConfig({ OPENTRIGGERS_BACKSTOP_SYNC_SECONDS: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ OPENTRIGGERS_BACKSTOP_SYNC_SECONDS: bad })).toThrow(/OPENTRIGGERS_BACKSTOP_SYNC_SECONDS: must be a non-negative integer \(0 turns it off\)/);
    }
  });
});

describe('OPENTRIGGERS_PG_PREPARED_STATEMENTS', () => {
  it('is on unless set to false or 0; anything else is refused', () => {
    expect(loadConfig({}).pgPreparedStatements).toBe(true);
    expect(loadConfig({ OPENTRIGGERS_PG_PREPARED_STATEMENTS: 'true' }).pgPreparedStatements).toBe(true);
    expect(loadConfig({ OPENTRIGGERS_PG_PREPARED_STATEMENTS: 'false' }).pgPreparedStatements).toBe(false);
    expect(loadConfig({ OPENTRIGGERS_PG_PREPARED_STATEMENTS: '0' }).pgPreparedStatements).toBe(false);
    expect(() => loadConfig({ OPENTRIGGERS_PG_PREPARED_STATEMENTS: 'off' })).toThrow(/OPENTRIGGERS_PG_PREPARED_STATEMENTS/);
  });
});
