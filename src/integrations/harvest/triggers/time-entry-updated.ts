import { defineTrigger } from '../../../sdk/index.js';
import timeEntry from '../fixtures/time-entry.json' with { type: 'json' };
import { pollList, updated } from '../poll.js';
import { clientIdParameter, filtersOf, projectIdParameter, type ProjectClientParams } from './params.js';

export const timeEntryUpdatedTrigger = defineTrigger<ProjectClientParams>({
  type: 'HARVEST_TRIGGER_TIME_ENTRY_UPDATED',
  title: 'Time entry updated',
  description:
    'Fires for each new version of a time entry (its `updated_at` changed), optionally only of one project or client. ' +
    'The creation itself is not an update; changes within one second are one event (Harvest times have second precision). ' +
    'A running timer changes only when it is started, stopped or edited.',
  parameters: [projectIdParameter, clientIdParameter],
  examplePayload: timeEntry,
  docsUrl: 'https://help.getharvest.com/api-v2/timesheets-api/timesheets/time-entries/',
  source: {
    kind: 'poll',
    poll: (ctx) => pollList(ctx, { path: '/time_entries', collection: 'time_entries', filters: filtersOf(ctx.params) }, updated),
  },
});
