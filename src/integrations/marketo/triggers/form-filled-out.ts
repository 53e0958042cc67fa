import { defineTrigger } from '../../../sdk/index.js';
import example from '../fixtures/activity-form-filled.json' with { type: 'json' };
import { pollActivities } from '../activities.js';

/** Activity type 2, "Fill Out Form"; the form's id is the activity's primaryAttributeValueId. */
export const FILL_OUT_FORM = 2;

export interface FormParams {
  formId?: string | number;
}

export const formFilledOutTrigger = defineTrigger<FormParams>({
  type: 'MARKETO_TRIGGER_FORM_FILLED_OUT',
  title: 'Form filled out',
  description: 'Fires once for each Marketo form fill (activity type 2), optionally only of one form. Polls the activities API with a paging token.',
  parameters: [
    {
      id: 'formId',
      title: 'Form',
      type: 'TEXT',
      required: false,
      description: 'Only fills of this form (its numeric id). Leave empty for every form.',
      validate: (v) =>
        v === undefined || v === null || v === '' || (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) || (typeof v === 'string' && /^[1-9][0-9]{0,15}$/.test(v))
          ? null
          : 'must be a Marketo form id (a positive whole number)',
    },
  ],
  examplePayload: example,
  docsUrl: 'https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/activities',
  source: {
    kind: 'poll',
    poll: (ctx) =>
      pollActivities(ctx, FILL_OUT_FORM, (a, p) => p.formId === undefined || p.formId === null || p.formId === '' || String(a.primaryAttributeValueId) === String(p.formId)),
  },
});
