import { defineTrigger } from '../../../sdk/index.js';
import fileTrashed from '../fixtures/file-trashed.json' with { type: 'json' };
import { boxWebhook, type BoxParams } from '../webhooks.js';
import { folderIdParameter } from './params.js';

export const fileTrashedTrigger = defineTrigger<BoxParams>({
  type: 'BOX_TRIGGER_FILE_TRASHED',
  title: 'File moved to trash',
  description:
    "Fires when a file in the folder or one of its subfolders is moved to the trash (Box `FILE.TRASHED`); it can still be restored. Delivers Box's webhook event with the file as `source`.",
  parameters: [folderIdParameter],
  examplePayload: fileTrashed,
  docsUrl: 'https://developer.box.com/guides/webhooks/triggers/',
  source: boxWebhook('FILE.TRASHED'),
});
