import { defineTrigger } from '../../../sdk/index.js';
import fileUploaded from '../fixtures/file-uploaded.json' with { type: 'json' };
import { boxWebhook, type BoxParams } from '../webhooks.js';
import { folderIdParameter } from './params.js';

export const fileUploadedTrigger = defineTrigger<BoxParams>({
  type: 'BOX_TRIGGER_FILE_UPLOADED',
  title: 'File uploaded',
  description:
    "Fires when a file is uploaded to the folder or one of its subfolders, or moved into it (Box `FILE.UPLOADED`). Delivers Box's webhook event `{type, id, created_at, trigger, webhook, created_by, source: File}`.",
  parameters: [folderIdParameter],
  examplePayload: fileUploaded,
  docsUrl: 'https://developer.box.com/guides/webhooks/triggers/',
  source: boxWebhook('FILE.UPLOADED'),
});
