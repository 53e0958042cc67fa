import { defineTrigger } from '../../../sdk/index.js';
import example from '../fixtures/activity-new-lead.json' with { type: 'json' };
import { pollActivities } from '../activities.js';

/** Activity type 12, "New Lead". */
export const NEW_LEAD = 12;

export const newLeadTrigger = defineTrigger<Record<string, never>>({
  type: 'MARKETO_TRIGGER_NEW_LEAD',
  title: 'New lead',
  description: 'Fires once for each lead created in Marketo (activity type 12, "New Lead"). Polls the activities API with a paging token.',
  parameters: [],
  examplePayload: example,
  docsUrl: 'https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/activities',
  source: { kind: 'poll', poll: (ctx) => pollActivities(ctx, NEW_LEAD, () => true) },
});
