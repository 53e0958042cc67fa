// FILE_COMMENT: a comment (or reply) was posted on a file. A comment is posted once: its id is the key, so a
// retry of the delivery — and the same comment reported to a re-created webhook — is stored once.
import { defineTrigger } from '../../../sdk/index.js';
import { figmaParameters, type FigmaParams } from '../api.js';
import example from '../fixtures/file-comment.json' with { type: 'json' };
import { figmaWebhook, parseFigmaTime, text, withoutPasscode } from '../webhooks.js';

export const fileComment = defineTrigger<FigmaParams>({
  type: 'FIGMA_TRIGGER_FILE_COMMENT',
  title: 'File Comment',
  description:
    'Trigger when someone comments on a file of the team, project or file given (Figma FILE_COMMENT). Delivers the event body without the passcode: `comment` fragments, `comment_id`, `file_key`, `file_name`, `mentions`, `triggered_by`, `created_at`.',
  parameters: figmaParameters,
  examplePayload: withoutPasscode(example),
  docsUrl: 'https://developers.figma.com/docs/rest-api/webhooks-events',
  source: figmaWebhook({
    event: 'FILE_COMMENT',
    keyOf: (body) => {
      const id = text(body.comment_id);
      return id ? `comment:${id}` : null;
    },
    occurredAt: (body) => parseFigmaTime(body.created_at) ?? parseFigmaTime(body.timestamp),
  }),
});
