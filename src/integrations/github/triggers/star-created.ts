// `star` event, action `created`.
import { action, githubWebhookTrigger } from '../webhook.js';
import example from '../fixtures/star-created.json' with { type: 'json' };

export const starCreated = githubWebhookTrigger({
  type: 'GITHUB_TRIGGER_STAR_CREATED',
  title: 'Repository Starred',
  description: 'Trigger when someone stars a repository.',
  event: 'star',
  matches: action('created'),
  examplePayload: example,
  docsUrl: 'https://docs.github.com/en/webhooks/webhook-events-and-payloads#star',
});
