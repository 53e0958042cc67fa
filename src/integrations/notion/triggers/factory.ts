// The two families of Notion triggers: workspace pages (search, newest first) and database items (data source
// queries, oldest first). Each takes how to turn a page into an item — or null when it is not an event.
import { defineTrigger, pollByTimestamp, type Item, type PollContext, type PollResult, type TriggerDefinition } from '../../../sdk/index.js';
import {
  QUERY_OVERLAP_MS, SEARCH_OVERLAP_MS, dataSourceQuery, dataSourcesOf, floorMinute, parseQueryCursor, parseSearchCursor, scanSearch,
  validateDatabaseId, type NotionPage, type QueryCursor, type SearchCursor, type TimestampField,
} from '../polling.js';

/** An event for this page, given the subscription's floor (the start of its first window), or null. */
export type Select = (page: NotionPage, floor: number) => Item | null;

export function workspacePageTrigger(def: {
  type: string;
  title: string;
  description: string;
  examplePayload: unknown;
  docsUrl: string;
  select: Select;
}): TriggerDefinition {
  return defineTrigger({
    type: def.type,
    title: def.title,
    description: def.description,
    parameters: [],
    examplePayload: def.examplePayload,
    docsUrl: def.docsUrl,
    source: {
      kind: 'poll',
      async poll(ctx: PollContext): Promise<PollResult> {
        const cursor = parseSearchCursor(ctx.cursor);
        const floor = cursor?.floor ?? floorMinute(ctx.now() - SEARCH_OVERLAP_MS);
        const from = cursor?.from ?? floor;
        const r = await scanSearch(ctx.http, from, ctx.log);
        const items = new Map<string, Item>();
        for (const p of r.pages) {
          const item = def.select(p, floor);
          if (item) items.set(item.key, item);
        }
        // Newest first: an incomplete scan left the older end of the window unread, so keep the window.
        const next: SearchCursor = { v: 1, floor, from: r.complete ? Math.max(from, (r.newest ?? from) - SEARCH_OVERLAP_MS) : from };
        if (!r.complete) ctx.log.warn('notion search poll stopped at the page cap; the window is read again next time');
        return { items: [...items.values()], cursor: next };
      },
    },
  });
}

interface DatabaseParams {
  databaseId: string;
}

export function databaseItemTrigger(def: {
  type: string;
  title: string;
  description: string;
  examplePayload: unknown;
  docsUrl: string;
  field: TimestampField;
  select: Select;
}): TriggerDefinition<DatabaseParams> {
  return defineTrigger<DatabaseParams>({
    type: def.type,
    title: def.title,
    description: def.description,
    parameters: [{
      id: 'databaseId',
      title: 'Database',
      type: 'TEXT',
      required: true,
      description: 'The database id (or its URL). The database must be shared with the integration.',
      placeholder: 'a1d8501e-1ac1-43e9-a6bd-ea9fe6c8822b',
      validate: validateDatabaseId,
    }],
    examplePayload: def.examplePayload,
    docsUrl: def.docsUrl,
    source: {
      kind: 'poll',
      async poll(ctx): Promise<PollResult> {
        const cursor = parseQueryCursor(ctx.cursor);
        const floor = cursor?.floor ?? floorMinute(ctx.now() - QUERY_OVERLAP_MS);
        const items = new Map<string, Item>();
        const add = (pages: NotionPage[]) => {
          for (const p of pages) {
            const item = def.select(p, floor);
            if (item) items.set(item.key, item);
          }
        };
        const next: QueryCursor = { v: 1, floor, from: {} };
        // Read the data sources every poll: one may be added to the database at any time (it starts at the floor).
        for (const ds of await dataSourcesOf(ctx.http, ctx.params.databaseId)) {
          const recheck = cursor?.recheck?.[ds];
          const at = { from: cursor?.from[ds] ?? floor, ...(recheck !== undefined ? { recheck } : {}) };
          const r = await pollByTimestamp(dataSourceQuery(ctx.http, ds, def.field), at, QUERY_OVERLAP_MS);
          add(r.items);
          next.from[ds] = r.next.from;
          if (r.next.recheck !== undefined) (next.recheck ??= {})[ds] = r.next.recheck;
          if (!r.complete) ctx.log.info('notion query poll stopped at the page cap; the next poll continues', { dataSourceId: ds });
        }
        return { items: [...items.values()], cursor: next };
      },
    },
  });
}
