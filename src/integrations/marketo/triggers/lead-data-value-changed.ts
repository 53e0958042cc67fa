import { defineTrigger } from '../../../sdk/index.js';
import example from '../fixtures/activity-data-value-changed.json' with { type: 'json' };
import { pollActivities } from '../activities.js';

/** Activity type 13, "Change Data Value"; the field's name is the activity's primaryAttributeValue. */
export const CHANGE_DATA_VALUE = 13;

export interface FieldParams {
  field?: string;
}

export const leadDataValueChangedTrigger = defineTrigger<FieldParams>({
  type: 'MARKETO_TRIGGER_LEAD_DATA_VALUE_CHANGED',
  title: 'Lead data value changed',
  description:
    'Fires once for each change of a lead field value (activity type 13), optionally only of one field (its display name, e.g. "Lead Score"; compared without case). Polls the activities API with a paging token.',
  parameters: [
    {
      id: 'field',
      title: 'Field',
      type: 'TEXT',
      required: false,
      description: 'Only changes of this field (its name as Marketo shows it in the activity log). Leave empty for every field.',
      validate: (v) => (v === undefined || v === null || (typeof v === 'string' && v.length <= 255) ? null : 'must be a field name of at most 255 characters'),
    },
  ],
  examplePayload: example,
  docsUrl: 'https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/activities',
  source: {
    kind: 'poll',
    poll: (ctx) =>
      pollActivities(ctx, CHANGE_DATA_VALUE, (a, p) => !p.field || (typeof a.primaryAttributeValue === 'string' && a.primaryAttributeValue.toLowerCase() === p.field.trim().toLowerCase())),
  },
});
