// The OneDrive triggers: one Graph subscription on /me/drive/root (changeType `updated`, the only one a drive
// root supports) per trigger subscription, through the shared Graph helper (src/sdk/providers/microsoft-graph.ts).
// The notifications name no item, so the helper runs the delta query (deltaLink in the subscription state) on
// each one; each trigger keeps its kind of change. Follows https://learn.microsoft.com/graph/api/resources/subscription
// and https://learn.microsoft.com/graph/api/driveitem-delta.
import { defineTrigger, type Item } from '../../../sdk/index.js';
import { graphWebhookSource } from '../../../sdk/providers/microsoft-graph.js';
import driveItem from '../fixtures/drive-item.json' with { type: 'json' };
import { changedItems, createdItems, folderIdParameter, readDriveChanges, startDriveCursor, updatedItems, type DriveItem, type DriveParams } from '../drive.js';

/** driveItem subscriptions: at most 42,300 minutes (https://learn.microsoft.com/graph/api/resources/subscription#subscription-lifetime). */
export const DRIVE_MAX_LIFETIME_MINUTES = 42_300;
const DOCS = 'https://learn.microsoft.com/graph/api/driveitem-delta';

function driveTrigger(type: string, title: string, description: string, select: (items: DriveItem[], p: DriveParams, baselineAt: number) => Item[]) {
  return defineTrigger<DriveParams>({
    type,
    title,
    description,
    parameters: [folderIdParameter],
    examplePayload: driveItem,
    docsUrl: DOCS,
    source: graphWebhookSource<DriveParams>({
      resource: () => '/me/drive/root',
      changeType: 'updated',
      maxLifetimeMinutes: DRIVE_MAX_LIFETIME_MINUTES,
      startCursor: (ctx, baselineAt) => startDriveCursor(ctx.http, baselineAt),
      async catchUp(ctx, cursor, baselineAt) {
        const r = await readDriveChanges(ctx.http, cursor, baselineAt, ctx.now());
        return { items: select(r.items, ctx.params, baselineAt), cursor: r.cursor };
      },
    }),
  });
}

export const fileChange = driveTrigger(
  'ONEDRIVE_TRIGGER_FILE_CHANGE', 'File change',
  'Fires for every change to a file or folder in the drive (or directly in one folder): created, modified, renamed, moved or deleted. Delivers the driveItem as the delta query returns it.',
  (items, p) => changedItems(items, p),
);
export const fileCreated = driveTrigger(
  'ONEDRIVE_TRIGGER_FILE_CREATED', 'File created',
  'Fires once when a file is created (uploaded) in the drive, or directly in one folder. Delivers the driveItem.',
  createdItems,
);
export const fileUpdated = driveTrigger(
  'ONEDRIVE_TRIGGER_FILE_UPDATED', 'File updated',
  'Fires when the content of an existing file changes (a new cTag). Renames and moves are not content changes. Delivers the driveItem.',
  updatedItems,
);
