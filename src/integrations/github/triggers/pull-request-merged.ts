// `pull_request` event, action `closed` with `pull_request.merged: true` (closed without merging has
// `merged: false`).
import { githubWebhookTrigger } from '../webhook.js';
import example from '../fixtures/pull-request-closed-merged.json' with { type: 'json' };

export function isMerged(body: Record<string, unknown>): boolean {
  const pr = body.pull_request as { merged?: unknown } | undefined;
  return body.action === 'closed' && pr?.merged === true;
}

export const pullRequestMerged = githubWebhookTrigger({
  type: 'GITHUB_TRIGGER_PULL_REQUEST_MERGED',
  title: 'Pull Request Merged',
  description: 'Trigger when a pull request is merged in a repository (pull requests closed without merging are left out).',
  event: 'pull_request',
  matches: isMerged,
  examplePayload: example,
  docsUrl: 'https://docs.github.com/en/webhooks/webhook-events-and-payloads#pull_request',
});
