import type { ParameterDefinition } from '../../../sdk/index.js';
import { validatePath } from '../changes.js';

export const pathParameter: ParameterDefinition = {
  id: 'path',
  title: 'Folder',
  type: 'TEXT',
  required: false,
  defaultValue: '',
  description: 'The folder to watch, e.g. /Homework/math (empty: the whole Dropbox). Subfolders are included unless "Include subfolders" is off.',
  placeholder: '/Homework/math',
  validate: validatePath,
};

export const recursiveParameter: ParameterDefinition = {
  id: 'recursive',
  title: 'Include subfolders',
  type: 'BOOLEAN_INPUT',
  required: false,
  defaultValue: true,
};
