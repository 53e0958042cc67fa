import { defineTrigger } from '../../../sdk/index.js';
import application from '../fixtures/application.json' with { type: 'json' };
import { created, pollList } from '../poll.js';
import { jobFilter, jobIdParameter, type JobParams } from './params.js';

export const applicationCreatedTrigger = defineTrigger<JobParams>({
  type: 'GREENHOUSE_TRIGGER_APPLICATION_CREATED',
  title: 'Application created',
  description:
    'Fires once for each new application (a candidate applying to a job, or a prospect), optionally only for one job. ' +
    'Polls GET /v3/applications by `created_at`.',
  parameters: [jobIdParameter],
  examplePayload: application,
  docsUrl: 'https://harvestdocs.greenhouse.io/docs/list-endpoints',
  source: { kind: 'poll', poll: (ctx) => pollList(ctx, { path: '/applications', field: 'created_at', filters: jobFilter(ctx.params), select: created }) },
});
