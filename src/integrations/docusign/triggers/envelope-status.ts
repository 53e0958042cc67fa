// The four envelope triggers differ only in the status they poll for.
import { defineTrigger, type AnyTriggerDefinition } from '../../../sdk/index.js';
import envelope from '../fixtures/envelope.json' with { type: 'json' };
import { pollEnvelopes, STATUS_TIME_FIELD, type EnvelopeStatus } from '../envelopes.js';

export function envelopeStatusTrigger(status: EnvelopeStatus, title: string, what: string): AnyTriggerDefinition {
  const field = STATUS_TIME_FIELD[status];
  return defineTrigger({
    type: `DOCUSIGN_TRIGGER_ENVELOPE_${status.toUpperCase()}`,
    title,
    description: `Fires once for each envelope of the account that ${what}. Polls Envelopes: listStatusChanges with from_to_status=${status}; the payload is the envelope as listed, with ${field}.`,
    parameters: [],
    examplePayload: { ...envelope, status, [field]: envelope.completedDateTime },
    docsUrl: 'https://developers.docusign.com/docs/esign-rest-api/reference/envelopes/envelopes/liststatuschanges/',
    source: { kind: 'poll', poll: (ctx) => pollEnvelopes(ctx, status) },
  });
}
