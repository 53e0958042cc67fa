// LIBRARY_PUBLISH: a library file was published. Figma gives a publish no id of its own, so the key is the
// file, the event's `timestamp` and a digest of what the publish changed (the created, modified and deleted
// component, style and variable keys): a retry resends the same body and so the same key, while a publish
// that Figma might report in several bodies with one timestamp still yields one item per body.
import { createHash } from 'node:crypto';
import { defineTrigger } from '../../../sdk/index.js';
import { figmaParameters, type FigmaParams } from '../api.js';
import example from '../fixtures/library-publish.json' with { type: 'json' };
import { figmaWebhook, parseFigmaTime, text, withoutPasscode, type FigmaBody } from '../webhooks.js';

const CHANGE_LISTS = [
  'created_components', 'created_styles', 'created_variables',
  'modified_components', 'modified_styles', 'modified_variables',
  'deleted_components', 'deleted_styles', 'deleted_variables',
] as const;

/** The item keys of each change list, sorted, hashed: the same for every delivery of one body. */
export function publishDigest(body: FigmaBody): string {
  const lists = CHANGE_LISTS.map((list) => {
    const items = Array.isArray(body[list]) ? (body[list] as unknown[]) : [];
    const keys = items.map((i) => (i !== null && typeof i === 'object' ? text((i as { key?: unknown }).key) : null)).filter((k): k is string => k !== null);
    return `${list}=${keys.sort().join(',')}`;
  });
  return createHash('sha256').update(lists.join(';')).digest('hex').slice(0, 32);
}

export const libraryPublished = defineTrigger<FigmaParams>({
  type: 'FIGMA_TRIGGER_LIBRARY_PUBLISH',
  title: 'Library Published',
  description:
    'Trigger when a library file of the team, project or file given is published (Figma LIBRARY_PUBLISH). Delivers the event body without the passcode: the created, modified and deleted components, styles and variables, `library_item`, `file_key`, `file_name`, `description`, `triggered_by`.',
  parameters: figmaParameters,
  examplePayload: withoutPasscode(example),
  docsUrl: 'https://developers.figma.com/docs/rest-api/webhooks-events',
  source: figmaWebhook({
    event: 'LIBRARY_PUBLISH',
    keyOf: (body) => {
      const file = text(body.file_key);
      const at = text(body.timestamp);
      return file && at ? `library:${file}:${at}:${publishDigest(body)}` : null;
    },
    occurredAt: (body) => parseFigmaTime(body.timestamp),
  }),
});
