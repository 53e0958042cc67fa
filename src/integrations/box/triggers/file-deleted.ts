import { defineTrigger } from '../../../sdk/index.js';
import fileDeleted from '../fixtures/file-deleted.json' with { type: 'json' };
import { boxWebhook, type BoxParams } from '../webhooks.js';
import { folderIdParameter } from './params.js';

export const fileDeletedTrigger = defineTrigger<BoxParams>({
  type: 'BOX_TRIGGER_FILE_DELETED',
  title: 'File permanently deleted',
  description:
    "Fires when a file in the folder or one of its subfolders is permanently deleted (Box `FILE.DELETED`). Delivers Box's webhook event with the file as `source`.",
  parameters: [folderIdParameter],
  examplePayload: fileDeleted,
  docsUrl: 'https://developer.box.com/guides/webhooks/triggers/',
  source: boxWebhook('FILE.DELETED'),
});
