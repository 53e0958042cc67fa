import { defineTrigger } from '../../../sdk/index.js';
import job from '../fixtures/job.json' with { type: 'json' };
import { created, pollList } from '../poll.js';

export const jobCreatedTrigger = defineTrigger<Record<string, never>>({
  type: 'GREENHOUSE_TRIGGER_JOB_CREATED',
  title: 'Job created',
  description: 'Fires once for each new job (drafts and templates included). Polls GET /v3/jobs by `created_at`.',
  parameters: [],
  examplePayload: job,
  docsUrl: 'https://harvestdocs.greenhouse.io/docs/pagination',
  source: { kind: 'poll', poll: (ctx) => pollList(ctx, { path: '/jobs', field: 'created_at', select: created }) },
});
