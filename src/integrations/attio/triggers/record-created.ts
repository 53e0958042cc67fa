import { defineTrigger } from '../../../sdk/index.js';
import { examples } from '../fixtures/events.js';
import { attioWebhook, readPaths, type AttioParams } from '../webhooks.js';
import { objectParameter } from './params.js';

export const recordCreatedTrigger = defineTrigger<AttioParams>({
  type: 'ATTIO_TRIGGER_RECORD_CREATED',
  title: 'Record created',
  description:
    'Fires when a record of the given object (people, companies, deals, or a custom object) is created in Attio (webhook event `record.created`). Delivers `{webhook_id, event, record}` with the record read back from the API.',
  parameters: [objectParameter],
  examplePayload: examples.recordCreated,
  docsUrl: 'https://docs.attio.com/rest-api/webhook-reference/record-events/recordcreated',
  source: attioWebhook({
    eventType: 'record.created',
    field: 'record',
    perObject: true,
    keyOf: (e) => (typeof e.id?.record_id === 'string' && e.id.record_id !== '' ? e.id.record_id : null),
    readPath: readPaths.record,
  }),
});
