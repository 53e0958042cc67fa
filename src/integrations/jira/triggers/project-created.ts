// Projects: Jira has no project-created webhook for OAuth apps and `GET /rest/api/3/project/search` cannot
// be ordered or filtered by creation time, so each poll lists the projects and emits the ids not listed
// before. The cursor keeps the ids of the last listing (compact: ids only); the engine keeps each project
// id once per subscription, so a project that a page shift hid from one listing is found by the next
// one and is still emitted only once.
import { defineTrigger, type Item } from '../../../sdk/index.js';
import project from '../fixtures/project.json' with { type: 'json' };
import { restBase } from '../issues.js';

const PAGE_SIZE = 50;
const MAX_PAGES = 2000;

interface ProjectPage {
  values?: Array<{ id: string; [k: string]: unknown }>;
  isLast?: boolean;
  startAt?: number;
}

export const projectCreated = defineTrigger({
  type: 'JIRA_TRIGGER_PROJECT_CREATED',
  title: 'Project created',
  description: 'Fires once for each new project the connected user can see. Polls the project search.',
  parameters: [],
  examplePayload: project,
  docsUrl: 'https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-projects/#api-rest-api-3-project-search-get',
  source: {
    kind: 'poll',
    async poll(ctx) {
      const base = restBase(ctx);
      const raw = ctx.cursor as { known?: unknown } | null;
      const known = new Set(Array.isArray(raw?.known) ? raw.known.filter((x): x is string => typeof x === 'string') : []);
      const listed = new Map<string, Item>();
      for (let startAt = 0, pages = 0; pages < MAX_PAGES; pages++) {
        const page = await ctx.http.get<ProjectPage>(`${base}/project/search`, { startAt, maxResults: PAGE_SIZE, orderBy: 'key' });
        const values = Array.isArray(page?.values) ? page.values : [];
        for (const p of values) if (typeof p.id === 'string') listed.set(p.id, { key: p.id, payload: p });
        if (page?.isLast !== false || values.length === 0) break;
        startAt += values.length;
      }
      const items = [...listed.values()].filter((it) => !known.has(it.key));
      return { items, cursor: { v: 1, known: [...listed.keys()].sort() } };
    },
  },
});
