import { defineTrigger, type ParameterDefinition } from '../../../sdk/index.js';
import { OKTA_EVENT_HOOKS_DOCS, OKTA_ID, oktaEventHook, type OktaEventType, type TargetFilter } from '../event-hooks.js';

/** An optional Okta id parameter that narrows the events to one target (a group, an app). */
export function idParameter(id: string, title: string, description: string, placeholder: string): ParameterDefinition {
  return {
    id,
    title,
    type: 'TEXT',
    required: false,
    description,
    placeholder,
    validate: (value) =>
      value === undefined || value === null || value === '' || (typeof value === 'string' && OKTA_ID.test(value.trim()))
        ? null
        : `must be an Okta id (letters and digits, e.g. ${placeholder})`,
  };
}

/** One trigger: an Okta event hook for one event type; each event of that type in a delivery is one event. */
export function oktaTrigger(spec: {
  type: string;
  title: string;
  description: string;
  eventType: OktaEventType;
  examplePayload: unknown;
  filter?: TargetFilter & { parameter: ParameterDefinition };
}) {
  return defineTrigger({
    type: spec.type,
    title: spec.title,
    description: `${spec.description} Delivers the System Log event (LogEvent: \`uuid\`, \`published\`, \`eventType\`, \`displayMessage\`, \`actor\`, \`target\`, \`client\`, \`outcome\`, …); each event of a batched delivery is its own event.`,
    parameters: spec.filter ? [spec.filter.parameter] : [],
    examplePayload: spec.examplePayload,
    docsUrl: OKTA_EVENT_HOOKS_DOCS,
    source: oktaEventHook(spec.eventType, spec.filter ? { param: spec.filter.param, targetType: spec.filter.targetType } : undefined),
  });
}
