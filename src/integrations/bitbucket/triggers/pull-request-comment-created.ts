// `pullrequest:comment_created`: a comment (general, inline or a reply) is added to a pull request. The
// comment's id is the key.
import { bitbucketWebhookTrigger, bodyHashKey, idOf, objectAt, parseBitbucketTime, repositoryOf } from '../webhooks.js';
import example from '../fixtures/pullrequest-comment-created.json' with { type: 'json' };

export const pullRequestCommentCreated = bitbucketWebhookTrigger({
  type: 'BITBUCKET_TRIGGER_PULL_REQUEST_COMMENT_CREATED',
  title: 'Pull Request Comment Created',
  description: 'Trigger when a comment is added to a pull request in a repository (inline comments and replies included).',
  event: 'pullrequest:comment_created',
  keyOf(body) {
    const repo = repositoryOf(body);
    const pr = idOf(objectAt(body, 'pullrequest').id);
    const comment = idOf(objectAt(body, 'comment').id);
    return repo && pr && comment ? `pullrequest:${repo}:${pr}:comment:${comment}` : bodyHashKey(body);
  },
  occurredAt: (body) => parseBitbucketTime(objectAt(body, 'comment').created_on),
  examplePayload: example,
  docsUrl: 'https://support.atlassian.com/bitbucket-cloud/docs/event-payloads/',
});
