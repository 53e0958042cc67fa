// One Xero trigger per (collection, change): a poll of the Accounting API (changes.ts) that a webhook event of the
// same category for the credential's tenant makes run at once.
import { defineTrigger, type TriggerDefinition } from '../../../sdk/index.js';
import { pollRecords, type RecordChanges } from '../changes.js';
import { announces } from '../webhook.js';

export interface RecordTriggerSpec extends RecordChanges {
  type: string;
  title: string;
  description: string;
  /** The webhook eventCategory of this collection. */
  category: 'INVOICE' | 'CONTACT';
  examplePayload: unknown;
  docsUrl: string;
}

export function recordTrigger(spec: RecordTriggerSpec): TriggerDefinition {
  const changes: RecordChanges = { resource: spec.resource, idField: spec.idField, change: spec.change };
  return defineTrigger({
    type: spec.type,
    title: spec.title,
    description: spec.description,
    parameters: [],
    examplePayload: spec.examplePayload,
    docsUrl: spec.docsUrl,
    source: {
      kind: 'poll',
      poll: (ctx) => pollRecords(ctx, changes),
      pollOnAppEvent: (event) => announces(event, spec.category),
    },
  });
}
