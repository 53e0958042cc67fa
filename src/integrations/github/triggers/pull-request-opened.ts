// `pull_request` event, action `opened`.
import { action, githubWebhookTrigger } from '../webhook.js';
import example from '../fixtures/pull-request-opened.json' with { type: 'json' };

export const pullRequestOpened = githubWebhookTrigger({
  type: 'GITHUB_TRIGGER_PULL_REQUEST_OPENED',
  title: 'Pull Request Opened',
  description: 'Trigger when a pull request is opened in a repository (drafts included; `pull_request.draft` tells).',
  event: 'pull_request',
  matches: action('opened'),
  examplePayload: example,
  docsUrl: 'https://docs.github.com/en/webhooks/webhook-events-and-payloads#pull_request',
});
