// Submissions of every form of the account: there is no account-wide webhook, so the trigger polls
// `GET /user/submissions` by creation time (created-since.ts).
import { defineTrigger } from '../../../sdk/index.js';
import submission from '../fixtures/submission.json' with { type: 'json' };
import { pollCreatedSince } from './created-since.js';

export const newSubmissionAnyFormTrigger = defineTrigger({
  type: 'JOTFORM_TRIGGER_NEW_SUBMISSION_ANY_FORM',
  title: 'New submission in any form',
  description:
    'Fires once for each new submission of any form of the connected account. Polls the account\'s submissions by creation time; delivers the submission `{id, form_id, ip, created_at, status, new, answers, …}` as the API lists it.',
  parameters: [],
  examplePayload: submission,
  docsUrl: 'https://api.jotform.com/docs/#user-submissions',
  source: {
    kind: 'poll',
    // A submission deleted before the poll reads it is not listed as ACTIVE; it is left out.
    poll: (ctx) => pollCreatedSince(ctx, { path: '/user/submissions', keep: (row) => row.status !== 'DELETED' }),
  },
});
