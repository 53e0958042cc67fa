import { defineTrigger } from '../../../sdk/index.js';
import { examples } from '../fixtures/events.js';
import { attioWebhook, readPaths, type AttioParams } from '../webhooks.js';

export const noteCreatedTrigger = defineTrigger<AttioParams>({
  type: 'ATTIO_TRIGGER_NOTE_CREATED',
  title: 'Note created',
  description:
    'Fires when a note is created on any record in Attio (webhook event `note.created`). Delivers `{webhook_id, event, note}` with the note (title, content, parent record) read back from the API.',
  parameters: [],
  examplePayload: examples.noteCreated,
  docsUrl: 'https://docs.attio.com/rest-api/webhook-reference/note-events/notecreated',
  source: attioWebhook({
    eventType: 'note.created',
    field: 'note',
    keyOf: (e) => (typeof e.id?.note_id === 'string' && e.id.note_id !== '' ? e.id.note_id : null),
    readPath: readPaths.note,
  }),
});
