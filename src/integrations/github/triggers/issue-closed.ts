// `issues` event, action `closed`.
import { action, githubWebhookTrigger } from '../webhook.js';
import example from '../fixtures/issues-closed.json' with { type: 'json' };

export const issueClosed = githubWebhookTrigger({
  type: 'GITHUB_TRIGGER_ISSUE_CLOSED',
  title: 'Issue Closed',
  description: 'Trigger when an issue is closed in a repository.',
  event: 'issues',
  matches: action('closed'),
  examplePayload: example,
  docsUrl: 'https://docs.github.com/en/webhooks/webhook-events-and-payloads#issues',
});
