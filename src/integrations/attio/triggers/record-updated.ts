import { defineTrigger } from '../../../sdk/index.js';
import { examples } from '../fixtures/events.js';
import { attioWebhook, readPaths, type AttioParams } from '../webhooks.js';
import { objectParameter } from './params.js';

export const recordUpdatedTrigger = defineTrigger<AttioParams>({
  type: 'ATTIO_TRIGGER_RECORD_UPDATED',
  title: 'Record updated',
  description:
    'Fires when an attribute of a record of the given object is changed in Attio (webhook event `record.updated`, one per changed attribute; `event.id.attribute_id` names it). Delivers `{webhook_id, event, record}` with the record as read back after the change.',
  parameters: [objectParameter],
  examplePayload: examples.recordUpdated,
  docsUrl: 'https://docs.attio.com/rest-api/webhook-reference/record-events/recordupdated',
  source: attioWebhook({
    eventType: 'record.updated',
    field: 'record',
    perObject: true,
    keyOf: (e, idem) => {
      const record = e.id?.record_id;
      const attribute = e.id?.attribute_id;
      if (typeof record !== 'string' || record === '' || !idem) return null;
      return `${record}:${typeof attribute === 'string' ? attribute : ''}:${idem}`;
    },
    readPath: readPaths.record,
  }),
});
