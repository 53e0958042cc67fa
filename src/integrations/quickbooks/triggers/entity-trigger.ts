// One QuickBooks trigger per (entity, operation): a poll of the query endpoint (changes.ts) that a webhook
// notification naming the entity for the company makes run at once.
import { defineTrigger, type TriggerDefinition } from '../../../sdk/index.js';
import { pollEntities, type EntityChanges } from '../changes.js';
import { announces } from '../webhook.js';

export interface EntityTriggerSpec extends EntityChanges {
  type: string;
  title: string;
  description: string;
  examplePayload: unknown;
  docsUrl: string;
}

export function entityTrigger(spec: EntityTriggerSpec): TriggerDefinition {
  const changes: EntityChanges = { entity: spec.entity, operation: spec.operation };
  return defineTrigger({
    type: spec.type,
    title: spec.title,
    description: spec.description,
    parameters: [],
    examplePayload: spec.examplePayload,
    docsUrl: spec.docsUrl,
    source: {
      kind: 'poll',
      poll: (ctx) => pollEntities(ctx, changes),
      // Intuit's notification names the changed entities of one company: poll now when it names this one.
      pollOnAppEvent: (event) => announces(event, spec.entity),
    },
  });
}
