// `pullrequest:created`: a pull request is opened. A pull request is created once: its id (per repository)
// is the key.
import { bitbucketWebhookTrigger, bodyHashKey, idOf, objectAt, parseBitbucketTime, repositoryOf } from '../webhooks.js';
import example from '../fixtures/pullrequest-created.json' with { type: 'json' };

export const pullRequestCreated = bitbucketWebhookTrigger({
  type: 'BITBUCKET_TRIGGER_PULL_REQUEST_CREATED',
  title: 'Pull Request Created',
  description: 'Trigger when a pull request is created in a repository.',
  event: 'pullrequest:created',
  keyOf(body) {
    const repo = repositoryOf(body);
    const id = idOf(objectAt(body, 'pullrequest').id);
    return repo && id ? `pullrequest:${repo}:${id}:created` : bodyHashKey(body);
  },
  occurredAt: (body) => parseBitbucketTime(objectAt(body, 'pullrequest').created_on),
  examplePayload: example,
  docsUrl: 'https://support.atlassian.com/bitbucket-cloud/docs/event-payloads/',
});
