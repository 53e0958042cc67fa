// New forms: Typeform has no webhook for form creation, so the trigger polls `GET /forms` newest first
// (`sort_by=created_at&order_by=desc`), one page of 200 at a time, until it reaches forms created before the
// newest creation time seen by the previous poll (inclusive: forms created in the same second are read again
// and deduplicated by id). https://www.typeform.com/developers/create/reference/retrieve-forms/
import { defineTrigger, type Item } from '../../../sdk/index.js';
import form from '../fixtures/form.json' with { type: 'json' };

const PAGE_SIZE = 200;
const MAX_PAGES = 10;

interface FormsPage {
  items?: Array<{ id?: unknown; created_at?: unknown; [k: string]: unknown }>;
  page_count?: number;
}

export interface NewFormParams {
  workspaceId?: string;
}

const WORKSPACE_ID = /^[A-Za-z0-9]{1,64}$/;

export const newFormTrigger = defineTrigger<NewFormParams>({
  type: 'TYPEFORM_TRIGGER_NEW_FORM',
  title: 'New form',
  description:
    'Fires once for each form created in the connected account (or in one workspace). Polls the forms list; delivers the form summary `{id, title, created_at, last_updated_at, settings, self, theme, _links}`.',
  parameters: [
    {
      id: 'workspaceId',
      title: 'Workspace',
      type: 'TEXT',
      required: false,
      description: 'Only forms of this workspace (its id, from the workspace URL). Leave empty for every form the account can see.',
      validate: (v) => (v === undefined || v === null || v === '' || (typeof v === 'string' && WORKSPACE_ID.test(v)) ? null : 'must be a Typeform workspace id (letters and digits)'),
    },
  ],
  examplePayload: form,
  docsUrl: 'https://www.typeform.com/developers/create/reference/retrieve-forms/',
  source: {
    kind: 'poll',
    async poll(ctx) {
      const raw = ctx.cursor as { since?: unknown } | null;
      const since = typeof raw?.since === 'string' ? Date.parse(raw.since) : NaN;
      const workspace = ctx.params.workspaceId || undefined;
      const items: Item[] = [];
      let newest: string | null = typeof raw?.since === 'string' ? raw.since : null;
      for (let page = 1; page <= MAX_PAGES; page++) {
        const body = await ctx.http.get<FormsPage>('/forms', { page, page_size: PAGE_SIZE, sort_by: 'created_at', order_by: 'desc', workspace_id: workspace });
        const forms = Array.isArray(body?.items) ? body.items : [];
        let older = false;
        for (const f of forms) {
          if (typeof f.id !== 'string') continue;
          const created = typeof f.created_at === 'string' ? Date.parse(f.created_at) : NaN;
          if (Number.isFinite(since) && Number.isFinite(created) && created < since) {
            older = true;
            continue;
          }
          items.push({ key: f.id, payload: f, ...(Number.isFinite(created) ? { occurredAt: created } : {}) });
          if (typeof f.created_at === 'string' && Number.isFinite(created) && (newest === null || created > Date.parse(newest))) newest = f.created_at;
        }
        // The baseline needs one page only; without creation times nothing tells where to stop either.
        const anyCreated = forms.some((f) => typeof f.created_at === 'string');
        if (ctx.cursor === null || older || !anyCreated || forms.length < PAGE_SIZE || page >= (body?.page_count ?? page)) break;
      }
      return { items, cursor: { v: 1, since: newest } };
    },
  },
});
