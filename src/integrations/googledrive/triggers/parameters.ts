// The parameters of the Google Drive triggers, as Paragon declares them.
import type { ParameterDefinition } from '../../../sdk/index.js';

export const supportsAllDrivesParameter: ParameterDefinition = {
  id: 'supportsAllDrives',
  title: 'Include Shared Drives',
  type: 'BOOLEAN_INPUT',
  required: false,
  defaultValue: false,
  description: 'Watch for events from files in Shared Drives. Defaults to false.',
};

export const parentIdParameter: ParameterDefinition = {
  id: 'parentId',
  title: 'Folder',
  type: 'TEXTAREA',
  required: false,
  description: 'Comma-separated folder ids (e.g. `folder1,folder2`; `root` is My Drive) whose direct children are watched. Empty: every folder.',
  validate: (v) => (typeof v === 'string' && v.split(',').filter((p) => p.trim() !== '').length > 50 ? 'at most 50 folders' : null),
};
