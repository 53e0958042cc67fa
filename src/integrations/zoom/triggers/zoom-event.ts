// The Zoom triggers are one family: one Zoom event type each, the whole event body as the payload, optional
// meeting/host filters. Each trigger file declares its own with this factory.
import { defineTrigger, type ParameterDefinition } from '../../../sdk/index.js';
import { matchZoomEvent, type ZoomFilterParams } from '../events.js';

export interface ZoomEventTriggerSpec {
  type: string;
  /** Zoom's event name, e.g. meeting.started. */
  event: string;
  title: string;
  description: string;
  parameters: ParameterDefinition[];
  example: unknown;
  docsUrl: string;
}

/**
 * No `redeliveryDays`: Zoom documents three automatic retries within about 85 minutes (5, 20 and 60
 * minutes apart) but not whether a delivery can be sent again later (e.g. after a support ticket resets
 * the retry count), so each key stays stored as a marker after its event expires.
 */
export function zoomEventTrigger(spec: ZoomEventTriggerSpec) {
  return defineTrigger<ZoomFilterParams>({
    type: spec.type,
    title: spec.title,
    description: spec.description,
    parameters: spec.parameters,
    examplePayload: spec.example,
    docsUrl: spec.docsUrl,
    source: {
      kind: 'appWebhook',
      match: (event, params) => matchZoomEvent(spec.event, event, params),
    },
  });
}
