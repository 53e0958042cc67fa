// The two form triggers poll `GET /forms` (https://developers.tally.so/api-reference/endpoint/forms/list). The list
// has no documented sort order or date filter, so each poll reads it whole (bounded: api.ts) and item keys tell
// what is new: the form id for new forms, id plus `updatedAt` for changes. The baseline poll records every form
// (or version) that exists, so only later ones are delivered. The cursor carries nothing the next poll needs.
import { defineTrigger, type Item, type PollSource } from '../../../sdk/index.js';
import { listForms, timeOf, type TallyForm } from '../api.js';
import form from '../fixtures/form.json' with { type: 'json' };

function formsPoll(itemOf: (f: TallyForm & { id: string }) => Item | null): PollSource<Record<string, never>> {
  return {
    kind: 'poll',
    async poll(ctx) {
      const forms = await listForms(ctx.http, ctx.now);
      const items = forms.map((f) => itemOf(f as TallyForm & { id: string })).filter((i): i is Item => i !== null);
      return { items, cursor: { v: 1 } };
    },
  };
}

export const newFormTrigger = defineTrigger<Record<string, never>>({
  type: 'TALLY_TRIGGER_NEW_FORM',
  title: 'New form',
  description:
    'Fires once for each form created in the workspaces the connected user can see (drafts included). Polls the forms list; delivers the form summary `{id, name, workspaceId, status, numberOfSubmissions, isClosed, createdAt, updatedAt}`.',
  parameters: [],
  examplePayload: form,
  docsUrl: 'https://developers.tally.so/api-reference/endpoint/forms/list',
  source: formsPoll((f) => {
    const at = timeOf(f.createdAt);
    return { key: f.id, payload: f, ...(at !== undefined ? { occurredAt: at } : {}) };
  }),
});

export const formUpdatedTrigger = defineTrigger<Record<string, never>>({
  type: 'TALLY_TRIGGER_FORM_UPDATED',
  title: 'Form updated',
  description:
    "Fires when a form's `updatedAt` changes (edited, published, closed or renamed), once per change seen by a poll. Polls the forms list; delivers the form summary as it is after the change. A new form fires TALLY_TRIGGER_NEW_FORM, not this one, until it changes.",
  parameters: [],
  examplePayload: form,
  docsUrl: 'https://developers.tally.so/api-reference/endpoint/forms/list',
  source: formsPoll((f) => {
    if (typeof f.updatedAt !== 'string' || f.updatedAt === '') return null;
    // A form never changed since creation (updatedAt = createdAt) is new, not updated.
    if (typeof f.createdAt === 'string' && f.createdAt === f.updatedAt) return null;
    const at = timeOf(f.updatedAt);
    return { key: `${f.id}:${f.updatedAt}`, payload: f, ...(at !== undefined ? { occurredAt: at } : {}) };
  }),
});
