import page from '../fixtures/page.json' with { type: 'json' };
import { itemFor } from '../polling.js';
import { databaseItemTrigger } from './factory.js';

export const databaseItemUpdated = databaseItemTrigger({
  type: 'NOTION_TRIGGER_DATABASE_ITEM_UPDATED',
  title: 'Database item updated',
  description:
    'Fires when an item (page) of a database is edited. Notion rounds edit times to the minute, so several edits of one ' +
    'item within a minute are one event; the creation itself is not an update.',
  examplePayload: page,
  docsUrl: 'https://developers.notion.com/reference/query-a-data-source',
  field: 'last_edited_time',
  select: (p) => (p.last_edited_time === p.created_time ? null : itemFor(p, `${p.id}:${p.last_edited_time}`, 'last_edited_time')),
});
