import { defineTrigger } from '../../../sdk/index.js';
import folderCreated from '../fixtures/folder-created.json' with { type: 'json' };
import { boxWebhook, type BoxParams } from '../webhooks.js';
import { folderIdParameter } from './params.js';

export const folderCreatedTrigger = defineTrigger<BoxParams>({
  type: 'BOX_TRIGGER_FOLDER_CREATED',
  title: 'Folder created',
  description:
    "Fires when a folder is created in the folder or one of its subfolders (Box `FOLDER.CREATED`). Delivers Box's webhook event with the new folder as `source`.",
  parameters: [folderIdParameter],
  examplePayload: folderCreated,
  docsUrl: 'https://developer.box.com/guides/webhooks/triggers/',
  source: boxWebhook('FOLDER.CREATED'),
});
