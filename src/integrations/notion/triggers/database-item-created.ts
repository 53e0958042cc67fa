import page from '../fixtures/page.json' with { type: 'json' };
import { itemFor } from '../polling.js';
import { databaseItemTrigger } from './factory.js';

export const databaseItemCreated = databaseItemTrigger({
  type: 'NOTION_TRIGGER_DATABASE_ITEM_CREATED',
  title: 'Database item created',
  description: 'Fires once for each new item (page) in a database. Polls the database\'s data sources by creation time.',
  examplePayload: page,
  docsUrl: 'https://developers.notion.com/reference/query-a-data-source',
  field: 'created_time',
  select: (p) => itemFor(p, p.id, 'created_time'),
});
