// GOOGLE_DRIVE_TRIGGER_FILE_UPDATED (polling, changes feed): each new version (modifiedTime) of a file,
// after its creation (in one of the `parentId` folders, when set).
import { defineTrigger } from '../../../sdk/index.js';
import { DRIVE_CHANGES_DOCS, type DriveParams } from '../drive.js';
import { updatedFileExample } from '../fixtures/examples.js';
import { driveChangesSource } from './file-changes.js';
import { parentIdParameter, supportsAllDrivesParameter } from './parameters.js';

export const fileUpdated = defineTrigger<DriveParams>({
  type: 'GOOGLE_DRIVE_TRIGGER_FILE_UPDATED',
  title: 'File Updated',
  description: 'Trigger when a file is updated in Google Drive.',
  parameters: [supportsAllDrivesParameter, parentIdParameter],
  examplePayload: updatedFileExample,
  docsUrl: DRIVE_CHANGES_DOCS,
  source: driveChangesSource('updated'),
});
