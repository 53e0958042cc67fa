import { defineTrigger } from '../../../sdk/index.js';
import listFolder from '../fixtures/list-folder-continue.json' with { type: 'json' };
import { deletedFile, pollChanges, type DropboxParams } from '../changes.js';
import { pathParameter, recursiveParameter } from './params.js';

export const fileDeleted = defineTrigger<DropboxParams>({
  type: 'TRIGGER_DROPBOX_FILE_DELETED',
  title: 'File deleted',
  description:
    'Fires once for each file deleted from a folder (moving a file away counts as deleting it there). Follows the folder\'s ' +
    'list_folder cursor; delivers Dropbox\'s deleted entry (name, path_lower, path_display).',
  parameters: [pathParameter, recursiveParameter],
  examplePayload: listFolder.entries[1]!,
  docsUrl: 'https://www.dropbox.com/developers/documentation/http/documentation#files-list_folder-continue',
  // Dropbox's webhook only says "this account changed": poll at once instead of waiting for the schedule.
  source: { kind: 'poll', poll: (ctx) => pollChanges(ctx, deletedFile), pollOnAppEvent: () => true },
});
