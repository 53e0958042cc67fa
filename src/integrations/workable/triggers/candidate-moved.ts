// A candidate moved to another pipeline stage, through a `candidate_moved` webhook subscription (optionally only for
// one job and one target stage: Workable filters by both).
import { defineTrigger } from '../../../sdk/index.js';
import { jobShortcodeParameter, stageSlugParameter, type CandidateFilter } from '../api.js';
import candidate from '../fixtures/candidate.json' with { type: 'json' };
import { candidateWebhook } from '../webhooks.js';

export const candidateMovedTrigger = defineTrigger<CandidateFilter>({
  type: 'WORKABLE_TRIGGER_CANDIDATE_MOVED',
  title: 'Candidate moved to a stage',
  description:
    'Fires when a candidate moves to another pipeline stage in Workable, optionally only for one job and/or into one stage (e.g. hired). Arrives through a Workable webhook subscription (candidate_moved); delivers the candidate as Workable sends it, `stage` being the stage it is in now. One event per candidate, stage and update time.',
  parameters: [jobShortcodeParameter, stageSlugParameter],
  examplePayload: candidate,
  docsUrl: 'https://workable.readme.io/reference/webhook-subscriptions-candidates-employees',
  source: candidateWebhook('candidate_moved'),
});
