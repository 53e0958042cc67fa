import entry from '../fixtures/time-entry.json' with { type: 'json' };
import { clockifyId } from '../api.js';
import { bodyDigest } from '../webhooks.js';
import { clockifyTrigger } from './factory.js';

export const timeEntryUpdatedTrigger = clockifyTrigger(
  'CLOCKIFY_TRIGGER_TIME_ENTRY_UPDATED',
  {
    event: 'TIME_ENTRY_UPDATED',
    // Entries carry no version: the entry id and a digest of the delivered body tell one edit from another,
    // and stay the same when Clockify sends the same delivery again.
    keyOf: (body, req) => {
      const id = clockifyId(body.id);
      return id ? `${id}:${bodyDigest(req)}` : null;
    },
  },
  'Time entry updated',
  'Fires when a time entry of the workspace is changed (Clockify webhook event `TIME_ENTRY_UPDATED`). Delivers the time entry after the change, as Clockify sends it.',
  { ...entry, description: 'Writing the quarterly report (revised)' },
);
