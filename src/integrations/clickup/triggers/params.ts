import type { ParameterDefinition } from '../../../sdk/index.js';

const clickupId = (what: string) => (value: unknown) =>
  typeof value === 'string' && /^\d{1,15}$/.test(value) ? null : `must be a ClickUp ${what} id (digits, as in the ${what}'s URL)`;

export const teamIdParameter: ParameterDefinition = {
  id: 'teamId',
  title: 'Workspace ID',
  type: 'TEXT',
  required: false,
  description:
    'The ClickUp Workspace to watch (its id: the number after app.clickup.com/ in any Workspace URL). May be left empty when the connection authorizes exactly one Workspace.',
  validate: clickupId('Workspace'),
};

export const spaceIdParameter: ParameterDefinition = {
  id: 'spaceId',
  title: 'Space ID',
  type: 'TEXT',
  required: false,
  description: 'Only events in this Space. ClickUp applies the most specific of Space, Folder and List given.',
  validate: clickupId('Space'),
};

export const folderIdParameter: ParameterDefinition = {
  id: 'folderId',
  title: 'Folder ID',
  type: 'TEXT',
  required: false,
  description: 'Only events in this Folder.',
  validate: clickupId('Folder'),
};

export const listIdParameter: ParameterDefinition = {
  id: 'listId',
  title: 'List ID',
  type: 'TEXT',
  required: false,
  description: 'Only events in this List.',
  validate: clickupId('List'),
};

export const clickupParameters: ParameterDefinition[] = [teamIdParameter, spaceIdParameter, folderIdParameter, listIdParameter];
