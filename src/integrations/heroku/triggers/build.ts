import { defineTrigger } from '../../../sdk/index.js';
import { buildFailed, buildSucceeded } from '../fixtures/events.js';
import { HEROKU_EVENTS_DOCS, herokuWebhook, type HerokuEventBody, type HerokuParams } from '../webhooks.js';
import { appParameters } from './params.js';

/** An `api:build` update that moved the build to `status` (not a later update of a build already there). */
function reached(status: 'succeeded' | 'failed') {
  return (b: HerokuEventBody) => b.action === 'update' && b.data?.status === status && b.previous_data?.status !== status;
}

export const buildSucceededTrigger = defineTrigger<HerokuParams>({
  type: 'HEROKU_TRIGGER_BUILD_SUCCEEDED',
  title: 'Build succeeded',
  description:
    'Fires when a build of the app finishes successfully (Heroku event `api:build` update with `data.status` succeeded). Delivers the webhook body `{id, action, resource, actor, created_at, data, previous_data, webhook_metadata}`: `data` is the build (`id`, `status`, `app`, `buildpacks`, `source_blob.version`, `output_stream_url`, `release.id`, `slug.id`, `stack`, `user`).',
  parameters: appParameters,
  examplePayload: buildSucceeded,
  docsUrl: HEROKU_EVENTS_DOCS,
  source: herokuWebhook({ include: 'api:build', resource: 'build', fires: reached('succeeded') }),
});

export const buildFailedTrigger = defineTrigger<HerokuParams>({
  type: 'HEROKU_TRIGGER_BUILD_FAILED',
  title: 'Build failed',
  description:
    'Fires when a build of the app fails (Heroku event `api:build` update with `data.status` failed). Delivers the webhook body `{id, action, resource, actor, created_at, data, previous_data, webhook_metadata}`: `data` is the build (`id`, `status`, `app`, `buildpacks`, `source_blob.version`, `output_stream_url` for the build log, `stack`, `user`).',
  parameters: appParameters,
  examplePayload: buildFailed,
  docsUrl: HEROKU_EVENTS_DOCS,
  source: herokuWebhook({ include: 'api:build', resource: 'build', fires: reached('failed') }),
});
