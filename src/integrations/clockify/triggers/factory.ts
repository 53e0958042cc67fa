import { defineTrigger } from '../../../sdk/index.js';
import { clockifyWebhook, type ClockifyParams, type ClockifyWebhookSpec } from '../webhooks.js';
import { workspaceIdParameter } from './params.js';

const DOCS = 'https://docs.clockify.me/#tag/Webhooks';

/** A trigger on one Clockify webhook event of one workspace. */
export function clockifyTrigger(type: string, spec: ClockifyWebhookSpec, title: string, description: string, examplePayload: unknown) {
  return defineTrigger<ClockifyParams>({
    type,
    title,
    description,
    parameters: [workspaceIdParameter],
    examplePayload,
    docsUrl: DOCS,
    source: clockifyWebhook(spec),
  });
}
