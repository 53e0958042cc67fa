// A candidate added to any job (or one job) of the account, through a `candidate_created` webhook subscription.
import { defineTrigger } from '../../../sdk/index.js';
import { jobShortcodeParameter, type CandidateFilter } from '../api.js';
import candidate from '../fixtures/candidate.json' with { type: 'json' };
import { candidateWebhook } from '../webhooks.js';

export const candidateCreatedTrigger = defineTrigger<CandidateFilter>({
  type: 'WORKABLE_TRIGGER_CANDIDATE_CREATED',
  title: 'Candidate created',
  description:
    'Fires once for each candidate added in Workable (applied, sourced or uploaded), optionally only for one job. Arrives through a Workable webhook subscription (candidate_created); delivers the candidate `{id, name, email, job {shortcode, title}, stage, created_at, updated_at, profile_url, …}` as Workable sends it.',
  parameters: [jobShortcodeParameter],
  examplePayload: candidate,
  docsUrl: 'https://workable.readme.io/reference/webhook-subscriptions-candidates-employees',
  source: candidateWebhook('candidate_created'),
});
