// `push` event (it has no `action`): every push to any branch or tag.
import { githubWebhookTrigger } from '../webhook.js';
import example from '../fixtures/push.json' with { type: 'json' };

export const push = githubWebhookTrigger({
  type: 'GITHUB_TRIGGER_PUSH',
  title: 'Push',
  description: 'Trigger when commits or tags are pushed to a repository (branch and tag creations and deletions included).',
  event: 'push',
  matches: () => true,
  examplePayload: example,
  docsUrl: 'https://docs.github.com/en/webhooks/webhook-events-and-payloads#push',
});
