import type { ParameterDefinition } from '../../../sdk/index.js';

/**
 * The watched folder. Box IDs are decimal digits (the folder's web URL ends in them:
 * `https://app.box.com/folder/<id>`). The root folder, `0`, takes no V2 webhook
 * (https://developer.box.com/guides/webhooks/v2/limitations-v2/): refused here, before anything is sent.
 */
export const folderIdParameter: ParameterDefinition = {
  id: 'folderId',
  title: 'Folder ID',
  type: 'TEXT',
  required: true,
  placeholder: '123456789',
  description:
    'The Box folder to watch, as in its URL https://app.box.com/folder/<id>. Events in its subfolders are included. Not the root folder (0): Box does not allow webhooks on it.',
  validate(value) {
    if (typeof value !== 'string') return 'must be a Box folder ID';
    if (/^0+$/.test(value)) return 'Box does not allow webhooks on the root folder (0); choose a folder inside it (events in its subfolders are included)';
    if (!/^[0-9]{1,20}$/.test(value)) return 'must be a Box folder ID: digits only, as at the end of the folder URL https://app.box.com/folder/<id>';
    return null;
  },
};
