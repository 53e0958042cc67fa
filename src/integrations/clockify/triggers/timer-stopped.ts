import entry from '../fixtures/time-entry.json' with { type: 'json' };
import { clockifyId } from '../api.js';
import { intervalEnd } from '../webhooks.js';
import { clockifyTrigger } from './factory.js';

export const timerStoppedTrigger = clockifyTrigger(
  'CLOCKIFY_TRIGGER_TIMER_STOPPED',
  {
    event: 'TIMER_STOPPED',
    // A timer stopped, restarted on the same entry and stopped again is two events: the end tells them apart.
    keyOf: (body) => {
      const id = clockifyId(body.id);
      const end = intervalEnd(body);
      return id && end ? `${id}:stopped:${end}` : null;
    },
  },
  'Timer stopped',
  'Fires when a running timer is stopped in the workspace (Clockify webhook event `TIMER_STOPPED`). Delivers the finished time entry, with `timeInterval.end` and `duration`.',
  entry,
);
