import page from '../fixtures/page.json' with { type: 'json' };
import { itemFor } from '../polling.js';
import { workspacePageTrigger } from './factory.js';

export const pageCreated = workspacePageTrigger({
  type: 'NOTION_TRIGGER_PAGE_CREATED',
  title: 'Page created',
  description: 'Fires once for each new page shared with the integration (workspace-wide, including database items). Polls the search API.',
  examplePayload: page,
  docsUrl: 'https://developers.notion.com/reference/post-search',
  // created_time never changes, but search can only be windowed by last edit: a page created after the
  // subscription started is new, and its id is emitted once however often it is edited.
  select: (p, floor) => (Date.parse(p.created_time) >= floor ? itemFor(p, p.id, 'created_time') : null),
});
