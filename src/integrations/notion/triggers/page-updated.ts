import page from '../fixtures/page.json' with { type: 'json' };
import { itemFor } from '../polling.js';
import { workspacePageTrigger } from './factory.js';

export const pageUpdated = workspacePageTrigger({
  type: 'NOTION_TRIGGER_PAGE_UPDATED',
  title: 'Page updated',
  description:
    'Fires when a page shared with the integration is edited (workspace-wide). Notion rounds edit times to the minute, ' +
    'so several edits of one page within a minute are one event; the creation itself is not an update.',
  examplePayload: page,
  docsUrl: 'https://developers.notion.com/reference/post-search',
  select: (p) => (p.last_edited_time === p.created_time ? null : itemFor(p, `${p.id}:${p.last_edited_time}`, 'last_edited_time')),
});
