// `release` event, action `published` (drafts are not published until they are).
import { action, githubWebhookTrigger } from '../webhook.js';
import example from '../fixtures/release-published.json' with { type: 'json' };

export const releasePublished = githubWebhookTrigger({
  type: 'GITHUB_TRIGGER_RELEASE_PUBLISHED',
  title: 'Release Published',
  description: 'Trigger when a release is published in a repository.',
  event: 'release',
  matches: action('published'),
  examplePayload: example,
  docsUrl: 'https://docs.github.com/en/webhooks/webhook-events-and-payloads#release',
});
