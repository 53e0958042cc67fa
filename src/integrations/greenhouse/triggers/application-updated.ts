import { defineTrigger } from '../../../sdk/index.js';
import application from '../fixtures/application.json' with { type: 'json' };
import { pollList, updated } from '../poll.js';
import { jobFilter, jobIdParameter, type JobParams } from './params.js';

export const applicationUpdatedTrigger = defineTrigger<JobParams>({
  type: 'GREENHOUSE_TRIGGER_APPLICATION_UPDATED',
  title: 'Application updated',
  description:
    'Fires for each new version of an application (its `updated_at` changed: moved to another stage, rejected, hired, ' +
    'edited), optionally only for one job. The creation itself is not an update; changes between two polls that leave ' +
    'one `updated_at` are one event. Polls GET /v3/applications by `updated_at`.',
  parameters: [jobIdParameter],
  examplePayload: application,
  docsUrl: 'https://harvestdocs.greenhouse.io/docs/list-endpoints',
  source: { kind: 'poll', poll: (ctx) => pollList(ctx, { path: '/applications', field: 'updated_at', filters: jobFilter(ctx.params), select: updated }) },
});
