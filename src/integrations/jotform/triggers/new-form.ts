// New forms: Jotform has no webhook for form creation, so the trigger polls `GET /user/forms` by creation time
// (created-since.ts).
import { defineTrigger } from '../../../sdk/index.js';
import form from '../fixtures/form.json' with { type: 'json' };
import { pollCreatedSince } from './created-since.js';

export const newFormTrigger = defineTrigger({
  type: 'JOTFORM_TRIGGER_NEW_FORM',
  title: 'New form',
  description:
    'Fires once for each form created in the connected account. Polls the account\'s forms by creation time; delivers the form `{id, username, title, height, status, created_at, updated_at, last_submission, new, count, type, url}`.',
  parameters: [],
  examplePayload: form,
  docsUrl: 'https://api.jotform.com/docs/#user-forms',
  source: {
    kind: 'poll',
    // A form created and deleted between two polls is listed with status DELETED (or not at all): left out.
    poll: (ctx) => pollCreatedSince(ctx, { path: '/user/forms', keep: (row) => row.status !== 'DELETED' }),
  },
});
