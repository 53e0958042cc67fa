// FILE_VERSION_UPDATE: a named version was saved in a file's version history. The version id is the key
// (with the file key, as version ids are only documented as ids within a file's history).
import { defineTrigger } from '../../../sdk/index.js';
import { figmaParameters, type FigmaParams } from '../api.js';
import example from '../fixtures/file-version-update.json' with { type: 'json' };
import { figmaWebhook, parseFigmaTime, text, withoutPasscode } from '../webhooks.js';

export const fileVersionUpdated = defineTrigger<FigmaParams>({
  type: 'FIGMA_TRIGGER_FILE_VERSION_UPDATE',
  title: 'File Version Updated',
  description:
    'Trigger when a named version is added to the version history of a file of the team, project or file given (Figma FILE_VERSION_UPDATE). Delivers the event body without the passcode: `version_id`, `file_key`, `file_name`, `description`, `triggered_by`, `created_at`.',
  parameters: figmaParameters,
  examplePayload: withoutPasscode(example),
  docsUrl: 'https://developers.figma.com/docs/rest-api/webhooks-events',
  source: figmaWebhook({
    event: 'FILE_VERSION_UPDATE',
    keyOf: (body) => {
      const file = text(body.file_key);
      const version = text(body.version_id);
      return file && version ? `version:${file}:${version}` : null;
    },
    occurredAt: (body) => parseFigmaTime(body.created_at) ?? parseFigmaTime(body.timestamp),
  }),
});
