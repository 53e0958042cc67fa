// `issue_comment` event, action `created`; GitHub sends it for comments on issues and on pull requests.
import { action, githubWebhookTrigger } from '../webhook.js';
import example from '../fixtures/issue-comment-created.json' with { type: 'json' };

export const issueCommentCreated = githubWebhookTrigger({
  type: 'GITHUB_TRIGGER_ISSUE_COMMENT_CREATED',
  title: 'Issue Comment Created',
  description: 'Trigger when a comment is added to an issue or a pull request (`issue.pull_request` is present for pull requests).',
  event: 'issue_comment',
  matches: action('created'),
  examplePayload: example,
  docsUrl: 'https://docs.github.com/en/webhooks/webhook-events-and-payloads#issue_comment',
});
