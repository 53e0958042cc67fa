// FILE_DELETE: a file was deleted (not sent for the files of a deleted folder). A file restored from the
// trash can be deleted again, so the key is the file and the event's `timestamp`, which a retry resends.
import { defineTrigger } from '../../../sdk/index.js';
import { figmaParameters, type FigmaParams } from '../api.js';
import example from '../fixtures/file-delete.json' with { type: 'json' };
import { figmaWebhook, parseFigmaTime, text, withoutPasscode } from '../webhooks.js';

export const fileDeleted = defineTrigger<FigmaParams>({
  type: 'FIGMA_TRIGGER_FILE_DELETE',
  title: 'File Deleted',
  description:
    'Trigger when a file of the team, project or file given is deleted (Figma FILE_DELETE; files deleted with their folder are not reported). Delivers the event body without the passcode: `file_key`, `file_name`, `triggered_by`, `timestamp`.',
  parameters: figmaParameters,
  examplePayload: withoutPasscode(example),
  docsUrl: 'https://developers.figma.com/docs/rest-api/webhooks-events',
  source: figmaWebhook({
    event: 'FILE_DELETE',
    keyOf: (body) => {
      const file = text(body.file_key);
      const at = text(body.timestamp);
      return file && at ? `delete:${file}:${at}` : null;
    },
    occurredAt: (body) => parseFigmaTime(body.timestamp),
  }),
});
