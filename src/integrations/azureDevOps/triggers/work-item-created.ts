// `workitem.created`: a work item is created. A work item is created once: its id is the key.
import { azureDevOpsWebhookTrigger, idOf } from '../webhook.js';
import example from '../fixtures/workitem-created.json' with { type: 'json' };

export const workItemCreated = azureDevOpsWebhookTrigger({
  type: 'AZURE_DEVOPS_TRIGGER_WORK_ITEM_CREATED',
  title: 'Work Item Created',
  description: 'Trigger when a work item is created in a project.',
  eventType: 'workitem.created',
  keyOf(resource) {
    const id = idOf(resource.id);
    return id ? `workitem:${id}:created` : null;
  },
  examplePayload: example,
  docsUrl: 'https://learn.microsoft.com/en-us/azure/devops/service-hooks/events#workitem.created',
});
