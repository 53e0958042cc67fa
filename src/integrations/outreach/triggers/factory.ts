import { defineTrigger, type ParameterDefinition } from '../../../sdk/index.js';
import { outreachWebhook, type OutreachWebhookSpec } from '../webhooks.js';

const DOCS = 'https://developers.outreach.io/api/webhooks';

/** One Outreach webhook trigger: one Outreach webhook for `resource` / `action` per subscription. */
export function outreachTrigger<P = Record<string, never>>(def: {
  type: string;
  title: string;
  description: string;
  examplePayload: unknown;
  parameters?: ParameterDefinition[];
  spec: OutreachWebhookSpec<P>;
}) {
  return defineTrigger<P>({
    type: def.type,
    title: def.title,
    description: def.description,
    parameters: def.parameters ?? [],
    examplePayload: def.examplePayload,
    docsUrl: DOCS,
    source: outreachWebhook(def.spec),
  });
}
