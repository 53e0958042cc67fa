import { defineTrigger } from '../../../sdk/index.js';
import listFolder from '../fixtures/list-folder-continue.json' with { type: 'json' };
import { createdFile, pollChanges, type DropboxParams } from '../changes.js';
import { pathParameter, recursiveParameter } from './params.js';

export const fileCreated = defineTrigger<DropboxParams>({
  type: 'TRIGGER_DROPBOX_FILE_CREATED',
  title: 'File created',
  description:
    'Fires once for each new file in a folder (uploaded, copied or saved for the first time; edits of existing files do not count). ' +
    'Follows the folder\'s list_folder cursor; delivers the file\'s metadata.',
  parameters: [pathParameter, recursiveParameter],
  examplePayload: listFolder.entries[0]!,
  docsUrl: 'https://www.dropbox.com/developers/documentation/http/documentation#files-list_folder-continue',
  // Dropbox's webhook only says "this account changed": poll at once instead of waiting for the schedule.
  source: { kind: 'poll', poll: (ctx) => pollChanges(ctx, createdFile), pollOnAppEvent: () => true },
});
