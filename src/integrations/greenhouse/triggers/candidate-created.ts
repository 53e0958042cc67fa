import { defineTrigger } from '../../../sdk/index.js';
import candidate from '../fixtures/candidate.json' with { type: 'json' };
import { created, pollList } from '../poll.js';

export const candidateCreatedTrigger = defineTrigger<Record<string, never>>({
  type: 'GREENHOUSE_TRIGGER_CANDIDATE_CREATED',
  title: 'Candidate created',
  description:
    'Fires once for each new candidate or prospect. Polls GET /v3/candidates by `created_at`; needs the scope to list ' +
    'candidates, and a `sub` user who may see them (private candidates only reach users allowed to see them).',
  parameters: [],
  examplePayload: candidate,
  docsUrl: 'https://harvestdocs.greenhouse.io/docs/list-endpoints',
  source: { kind: 'poll', poll: (ctx) => pollList(ctx, { path: '/candidates', field: 'created_at', select: created }) },
});
