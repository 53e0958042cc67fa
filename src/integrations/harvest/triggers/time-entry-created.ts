import { defineTrigger } from '../../../sdk/index.js';
import timeEntry from '../fixtures/time-entry.json' with { type: 'json' };
import { created, pollList } from '../poll.js';
import { clientIdParameter, filtersOf, projectIdParameter, type ProjectClientParams } from './params.js';

export const timeEntryCreatedTrigger = defineTrigger<ProjectClientParams>({
  type: 'HARVEST_TRIGGER_TIME_ENTRY_CREATED',
  title: 'Time entry created',
  description:
    'Fires once for each new time entry (optionally only of one project or client). Polls GET /v2/time_entries by ' +
    'update time; an entry counts as new when it was created after the subscription started.',
  parameters: [projectIdParameter, clientIdParameter],
  examplePayload: timeEntry,
  docsUrl: 'https://help.getharvest.com/api-v2/timesheets-api/timesheets/time-entries/',
  source: {
    kind: 'poll',
    poll: (ctx) => pollList(ctx, { path: '/time_entries', collection: 'time_entries', filters: filtersOf(ctx.params) }, created),
  },
});
