// GOOGLE_DRIVE_TRIGGER_FILE_CREATED (polling, changes feed): a file created after the subscription
// started, reported once when it is first seen (in one of the `parentId` folders, when set).
import { defineTrigger } from '../../../sdk/index.js';
import { DRIVE_CHANGES_DOCS, type DriveParams } from '../drive.js';
import { fileExample } from '../fixtures/examples.js';
import { driveChangesSource } from './file-changes.js';
import { parentIdParameter, supportsAllDrivesParameter } from './parameters.js';

export const fileCreated = defineTrigger<DriveParams>({
  type: 'GOOGLE_DRIVE_TRIGGER_FILE_CREATED',
  title: 'File Created',
  description: 'Trigger when a new file is created in Google Drive.',
  parameters: [supportsAllDrivesParameter, parentIdParameter],
  examplePayload: fileExample,
  docsUrl: DRIVE_CHANGES_DOCS,
  source: driveChangesSource('created'),
});
