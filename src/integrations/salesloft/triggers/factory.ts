import { defineTrigger, type ParameterDefinition } from '../../../sdk/index.js';
import { salesloftWebhook, type SalesloftEvent, type SalesloftParams } from '../webhooks.js';

/** One Salesloft webhook trigger: its event type, an example body and optional parameters. */
export function salesloftTrigger(opts: {
  type: string;
  event: SalesloftEvent;
  title: string;
  description: string;
  examplePayload: unknown;
  parameters?: ParameterDefinition[];
}) {
  return defineTrigger<SalesloftParams>({
    type: opts.type,
    title: opts.title,
    description: opts.description,
    parameters: opts.parameters ?? [],
    examplePayload: opts.examplePayload,
    docsUrl: 'https://developers.salesloft.com/docs/platform/webhooks/event-types/',
    source: salesloftWebhook(opts.event),
  });
}
