// `pullrequest:fulfilled`: a pull request is merged (Bitbucket calls a merge "fulfilled"; declining is
// `pullrequest:rejected`, another event). A pull request is merged at most once: its id is the key.
import { bitbucketWebhookTrigger, bodyHashKey, idOf, objectAt, parseBitbucketTime, repositoryOf } from '../webhooks.js';
import example from '../fixtures/pullrequest-fulfilled.json' with { type: 'json' };

export const pullRequestMerged = bitbucketWebhookTrigger({
  type: 'BITBUCKET_TRIGGER_PULL_REQUEST_MERGED',
  title: 'Pull Request Merged',
  description: 'Trigger when a pull request is merged in a repository (declined pull requests are left out).',
  event: 'pullrequest:fulfilled',
  keyOf(body) {
    const repo = repositoryOf(body);
    const id = idOf(objectAt(body, 'pullrequest').id);
    return repo && id ? `pullrequest:${repo}:${id}:fulfilled` : bodyHashKey(body);
  },
  occurredAt: (body) => parseBitbucketTime(objectAt(body, 'pullrequest').updated_on),
  examplePayload: example,
  docsUrl: 'https://support.atlassian.com/bitbucket-cloud/docs/event-payloads/',
});
