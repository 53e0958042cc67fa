import { defineTrigger } from '../../../sdk/index.js';
import { mondayEvents } from '../fixtures/events.js';
import { MONDAY_WEBHOOKS_DOCS, boardIdParameter, columnIdParameter, mondayWebhook, type MondayParams } from '../webhooks.js';
import { columnChangeKey } from './keys.js';

export const columnValueChangedTrigger = defineTrigger<MondayParams>({
  type: 'MONDAY_TRIGGER_COLUMN_VALUE_CHANGED',
  title: 'Column value changed',
  description:
    'Fires when a column value of an item on the board changes — monday.com `change_column_value`, or `change_specific_column_value` when a column id is given. Delivers the webhook body `{event}`: pulseId, columnId, columnType, columnTitle, value, previousValue, changedAt, triggerUuid.',
  parameters: [boardIdParameter, columnIdParameter('Only changes of this column (its id). Leave empty for every column.')],
  examplePayload: mondayEvents.columnValueChanged,
  docsUrl: MONDAY_WEBHOOKS_DOCS,
  source: mondayWebhook({ event: 'change_column_value', withColumn: 'change_specific_column_value', filterColumn: true, key: columnChangeKey }),
});
