// The family of Front event triggers: one event type of `GET /events`, polled by emission time (../api.ts),
// keyed by the event id, optionally narrowed to one inbox (`q[inboxes][]`). The payload is Front's event object.
import { defineTrigger, type ParameterDefinition } from '../../../sdk/index.js';
import { frontId, pollEvents, type FrontEvent } from '../api.js';

export interface FrontEventParams {
  inboxId?: string;
  tagId?: string;
}

export const inboxIdParameter: ParameterDefinition = {
  id: 'inboxId',
  title: 'Inbox',
  type: 'TEXT',
  required: false,
  placeholder: 'inb_3ij1',
  description: 'Only events of conversations in this inbox (its id, `inb_…`, from `GET /inboxes`). Leave empty for every inbox the credential can see.',
  validate: frontId('inb', 'inbox'),
};

export function frontEventTrigger(spec: {
  type: string;
  frontType: string;
  title: string;
  description: string;
  example: unknown;
  extraParameters?: ParameterDefinition[];
  keep?: (e: FrontEvent, params: FrontEventParams) => boolean;
}) {
  return defineTrigger<FrontEventParams>({
    type: spec.type,
    title: spec.title,
    description: `${spec.description} Polls Front's List events (\`GET /events\`, type \`${spec.frontType}\`) oldest first; delivers the event \`{id, type, emitted_at, source, target, conversation}\`.`,
    parameters: [inboxIdParameter, ...(spec.extraParameters ?? [])],
    examplePayload: spec.example,
    docsUrl: 'https://dev.frontapp.com/reference/listevents',
    source: {
      kind: 'poll',
      poll: (ctx) =>
        pollEvents(
          ctx,
          { type: spec.frontType, ...(ctx.params.inboxId ? { inboxId: ctx.params.inboxId } : {}) },
          spec.keep ? (e) => spec.keep!(e, ctx.params) : undefined,
        ),
    },
  });
}
