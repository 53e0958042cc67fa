import entry from '../fixtures/time-entry.json' with { type: 'json' };
import { clockifyId } from '../api.js';
import { clockifyTrigger } from './factory.js';

export const timeEntryCreatedTrigger = clockifyTrigger(
  'CLOCKIFY_TRIGGER_TIME_ENTRY_CREATED',
  { event: 'NEW_TIME_ENTRY', keyOf: (body) => clockifyId(body.id) },
  'Time entry created',
  'Fires when a time entry is created in the workspace (Clockify webhook event `NEW_TIME_ENTRY`). Delivers the time entry as Clockify sends it.',
  entry,
);
