// List item created / updated: one Graph subscription on the list (`sites/{site-id}/lists/{list-id}`, changeType
// `updated`, the only one lists support) per trigger subscription, through the shared Graph helper
// (src/sdk/providers/microsoft-graph.ts). The notifications name no item, so the helper runs the list item delta
// query (deltaLink in the subscription state, `$expand=fields`) on each one.
import { defineTrigger, type Item } from '../../../sdk/index.js';
import { graphWebhookSource } from '../../../sdk/providers/microsoft-graph.js';
import { createdSince, readDeltaChanges, startDeltaCursor, updatedSince, type DeltaItem } from '../delta.js';
import listItem from '../fixtures/list-item.json' with { type: 'json' };
import { listDeltaFeed, listIdParameter, listResource, siteIdParameter, type ListParams } from '../parameters.js';

/** SharePoint list subscriptions: at most 42,300 minutes (https://learn.microsoft.com/graph/api/resources/subscription#subscription-lifetime). */
export const LIST_MAX_LIFETIME_MINUTES = 42_300;
const DOCS = 'https://learn.microsoft.com/graph/api/listitem-delta';

function listTrigger(type: string, title: string, description: string, select: (items: DeltaItem[], baselineAt: number) => Item[]) {
  return defineTrigger<ListParams>({
    type,
    title,
    description,
    parameters: [siteIdParameter, listIdParameter],
    examplePayload: listItem,
    docsUrl: DOCS,
    source: graphWebhookSource<ListParams>({
      resource: listResource,
      changeType: 'updated',
      maxLifetimeMinutes: LIST_MAX_LIFETIME_MINUTES,
      startCursor: (ctx, baselineAt) => startDeltaCursor(ctx.http, listDeltaFeed(ctx.params), baselineAt),
      async catchUp(ctx, cursor, baselineAt) {
        const r = await readDeltaChanges(ctx.http, listDeltaFeed(ctx.params), cursor, baselineAt, ctx.now());
        return { items: select(r.items, baselineAt), cursor: r.cursor };
      },
    }),
  });
}

export const itemCreated = listTrigger(
  'SHAREPOINT_TRIGGER_ITEM_CREATED', 'List item created',
  'Fires once when an item is created in a SharePoint list (or a file or folder in a document library\'s list). Delivers the listItem with its fields.',
  (items, baselineAt) => createdSince(items, baselineAt),
);

export const itemUpdated = listTrigger(
  'SHAREPOINT_TRIGGER_ITEM_UPDATED', 'List item updated',
  'Fires for each new version of an existing item of a SharePoint list (a new eTag). Delivers the listItem with its fields.',
  updatedSince,
);
