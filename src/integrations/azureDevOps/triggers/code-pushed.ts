// `git.push`: commits are pushed to a Git repository of the project. Pushes are numbered per repository
// (`pushId`): the repository id and the push id are the key. Optional `repositoryId`: Azure DevOps' own
// filter on the subscription (publisher input `repository`), so pushes to other repositories are never sent.
import { azureDevOpsWebhookTrigger, idOf, objectAt } from '../webhook.js';
import example from '../fixtures/git-push.json' with { type: 'json' };

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function repositoryIdProblem(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  return typeof value === 'string' && GUID.test(value.trim()) ? null : 'must be a Git repository id (a GUID)';
}

export const codePushed = azureDevOpsWebhookTrigger({
  type: 'AZURE_DEVOPS_TRIGGER_CODE_PUSHED',
  title: 'Code Pushed',
  description: 'Trigger when code is pushed to a Git repository of a project.',
  eventType: 'git.push',
  keyOf(resource) {
    const repo = idOf(objectAt(resource, 'repository').id);
    const push = idOf(resource.pushId);
    return repo && push ? `push:${repo}:${push}` : null;
  },
  extraParameters: [
    {
      id: 'repositoryId',
      title: 'Repository',
      type: 'TEXT',
      required: false,
      description: 'Only pushes to this Git repository (its id, a GUID). Leave empty for every repository of the project.',
      placeholder: '278d5cd2-584d-4b63-824a-2ba458937249',
      validate: repositoryIdProblem,
    },
  ],
  publisherInputs: (params): Record<string, string> => (typeof params.repositoryId === 'string' && params.repositoryId.trim() !== '' ? { repository: params.repositoryId.trim() } : {}),
  examplePayload: example,
  docsUrl: 'https://learn.microsoft.com/en-us/azure/devops/service-hooks/events#git.push',
});
