// `issue:created`: an issue is created in the repository's issue tracker (repositories without the
// tracker enabled send none). An issue is created once: its id (per repository) is the key.
import { bitbucketWebhookTrigger, bodyHashKey, idOf, objectAt, parseBitbucketTime, repositoryOf } from '../webhooks.js';
import example from '../fixtures/issue-created.json' with { type: 'json' };

export const issueCreated = bitbucketWebhookTrigger({
  type: 'BITBUCKET_TRIGGER_ISSUE_CREATED',
  title: 'Issue Created',
  description: 'Trigger when an issue is created in a repository\'s issue tracker.',
  event: 'issue:created',
  keyOf(body) {
    const repo = repositoryOf(body);
    const id = idOf(objectAt(body, 'issue').id);
    return repo && id ? `issue:${repo}:${id}:created` : bodyHashKey(body);
  },
  occurredAt: (body) => parseBitbucketTime(objectAt(body, 'issue').created_on),
  examplePayload: example,
  docsUrl: 'https://support.atlassian.com/bitbucket-cloud/docs/event-payloads/',
});
