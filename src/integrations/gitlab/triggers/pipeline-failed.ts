// `Pipeline Hook`, `object_attributes.status: "failed"`. GitLab sends a pipeline event on every status change;
// only the change to failed fires. Retrying jobs of a failed pipeline runs it again, and it may fail again
// later: each failure is keyed by the pipeline id and its `finished_at`.
import { attributes, bodyHashKey, gitlabWebhookTrigger, idOf, parseGitlabTime } from '../webhook.js';
import example from '../fixtures/pipeline-failed.json' with { type: 'json' };

export const pipelineFailed = gitlabWebhookTrigger({
  type: 'GITLAB_TRIGGER_PIPELINE_FAILED',
  title: 'Pipeline Failed',
  description: 'Trigger when a CI/CD pipeline of a project fails.',
  flag: 'pipeline_events',
  event: 'Pipeline Hook',
  keyOf(body) {
    const a = attributes(body);
    if (body.object_kind !== 'pipeline' || a.status !== 'failed') return null;
    const id = idOf(a.id);
    const at = typeof a.finished_at === 'string' ? a.finished_at : null;
    return id && at ? `pipeline:${id}:failed:${at}` : bodyHashKey(body);
  },
  occurredAt: (body) => parseGitlabTime(attributes(body).finished_at),
  examplePayload: example,
  docsUrl: 'https://docs.gitlab.com/user/project/integrations/webhook_events/#pipeline-events',
});
