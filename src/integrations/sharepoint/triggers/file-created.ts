// File created in a document library: one Graph subscription on the library's drive root (`drives/{id}/root`,
// changeType `updated` only) per trigger subscription, through the shared Graph helper; each notification runs
// the drive delta query (https://learn.microsoft.com/graph/api/driveitem-delta) from the stored deltaLink.
import { defineTrigger } from '../../../sdk/index.js';
import { graphWebhookSource } from '../../../sdk/providers/microsoft-graph.js';
import { createdSince, readDeltaChanges, startDeltaCursor } from '../delta.js';
import driveItem from '../fixtures/drive-item.json' with { type: 'json' };
import { driveIdParameter, libraryDeltaFeed, libraryResource, type LibraryParams } from '../parameters.js';

/** driveItem subscriptions: at most 42,300 minutes (https://learn.microsoft.com/graph/api/resources/subscription#subscription-lifetime). */
export const DRIVE_MAX_LIFETIME_MINUTES = 42_300;

export const fileCreated = defineTrigger<LibraryParams>({
  type: 'SHAREPOINT_TRIGGER_FILE_CREATED',
  title: 'File created in a document library',
  description: 'Fires once when a file (not a folder) is created or uploaded anywhere in a SharePoint document library. Delivers the driveItem.',
  parameters: [driveIdParameter],
  examplePayload: driveItem,
  docsUrl: 'https://learn.microsoft.com/graph/api/driveitem-delta',
  source: graphWebhookSource<LibraryParams>({
    resource: libraryResource,
    changeType: 'updated',
    maxLifetimeMinutes: DRIVE_MAX_LIFETIME_MINUTES,
    startCursor: (ctx, baselineAt) => startDeltaCursor(ctx.http, libraryDeltaFeed(ctx.params), baselineAt),
    async catchUp(ctx, cursor, baselineAt) {
      const r = await readDeltaChanges(ctx.http, libraryDeltaFeed(ctx.params), cursor, baselineAt, ctx.now());
      return { items: createdSince(r.items, baselineAt, (i) => i.file !== undefined && i.file !== null), cursor: r.cursor };
    },
  }),
});
