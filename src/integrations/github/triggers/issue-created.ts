// `issues` event, action `opened`.
import { action, githubWebhookTrigger } from '../webhook.js';
import example from '../fixtures/issues-opened.json' with { type: 'json' };

export const issueCreated = githubWebhookTrigger({
  type: 'GITHUB_TRIGGER_ISSUE_CREATED',
  title: 'Issue Created',
  description: 'Trigger when an issue is opened in a repository.',
  event: 'issues',
  matches: action('opened'),
  examplePayload: example,
  docsUrl: 'https://docs.github.com/en/webhooks/webhook-events-and-payloads#issues',
});
