import { defineTrigger } from '../../../sdk/index.js';
import { SMARTSHEET_WEBHOOKS_DOCS, smartsheetWebhook, type SmartsheetParams } from '../webhooks.js';
import { sheetIdParameter } from './params.js';

export const rowDeletedTrigger = defineTrigger<SmartsheetParams>({
  type: 'SMARTSHEET_TRIGGER_ROW_DELETED',
  title: 'Row deleted',
  description:
    'Fires when a row is deleted from the sheet (a `row` `deleted` event). The row can no longer be read, so the payload is what the callback says: `{id, sheetId, eventType, userId, timestamp}`.',
  parameters: [sheetIdParameter],
  examplePayload: { id: 3987537850460036, sheetId: 3285357287499652, eventType: 'deleted', userId: 789168465962884, timestamp: '2022-06-27T21:34:23.000+00:00' },
  docsUrl: SMARTSHEET_WEBHOOKS_DOCS,
  source: smartsheetWebhook('deleted'),
});
