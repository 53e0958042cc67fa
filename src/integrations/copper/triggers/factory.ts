import { defineTrigger, type ParameterDefinition } from '../../../sdk/index.js';
import type { CopperRecordType } from '../api.js';
import { copperWebhook, type CopperParams, type CopperWebhookSpec } from '../webhooks.js';

const DOCS = 'https://developer.copper.com/webhooks/create-new-subscription.html';

/** A "record created" trigger: Copper `new` notifications for one type, keyed by the record id. */
export function copperCreatedTrigger(type: string, recordType: CopperRecordType, title: string, description: string, examplePayload: unknown, parameters: ParameterDefinition[] = []) {
  return defineTrigger<CopperParams>({
    type,
    title,
    description,
    parameters,
    examplePayload,
    docsUrl: DOCS,
    source: copperWebhook({ type: recordType, event: 'new', keyOf: (id) => id }),
  });
}

/** A trigger on Copper `update` notifications, with its own filter and keys. */
export function copperUpdateTrigger(type: string, spec: Omit<CopperWebhookSpec, 'event'>, title: string, description: string, examplePayload: unknown, parameters: ParameterDefinition[]) {
  return defineTrigger<CopperParams>({
    type,
    title,
    description,
    parameters,
    examplePayload,
    docsUrl: DOCS,
    source: copperWebhook({ ...spec, event: 'update' }),
  });
}
