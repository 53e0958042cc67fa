// `workitem.updated`: a work item is changed. The resource is the update: `workItemId` and the new
// revision `rev`; each revision is its own event, and a retry of it carries the same pair.
import { azureDevOpsWebhookTrigger, idOf } from '../webhook.js';
import example from '../fixtures/workitem-updated.json' with { type: 'json' };

export const workItemUpdated = azureDevOpsWebhookTrigger({
  type: 'AZURE_DEVOPS_TRIGGER_WORK_ITEM_UPDATED',
  title: 'Work Item Updated',
  description: 'Trigger when a work item is updated in a project (each new revision).',
  eventType: 'workitem.updated',
  keyOf(resource) {
    const id = idOf(resource.workItemId);
    const rev = idOf(resource.rev);
    return id && rev ? `workitem:${id}:rev:${rev}` : null;
  },
  examplePayload: example,
  docsUrl: 'https://learn.microsoft.com/en-us/azure/devops/service-hooks/events#workitem.updated',
});
