import type { ParameterDefinition } from '../../../sdk/index.js';
import { validateIdList, validateOptionalId } from '../api.js';

/** Only calls of this workspace. */
export const workspaceIdParameter: ParameterDefinition = {
  id: 'workspaceId',
  title: 'Workspace',
  type: 'TEXT',
  required: false,
  placeholder: '623457276584334',
  description: 'Only calls of this Gong workspace (its numeric id, from List all company workspaces, `GET /v2/workspaces`). Leave empty for every workspace.',
  validate: validateOptionalId('workspace'),
};

/** Hosts of the calls. */
export const primaryUserIdsParameter: ParameterDefinition = {
  id: 'primaryUserIds',
  title: 'Hosts',
  type: 'TEXT',
  required: true,
  placeholder: '234599484848423, 563515258458745',
  description: 'Gong user ids of the hosts, separated by commas (the `id` of List all users, `GET /v2/users`; a call\'s `primaryUserId`).',
  validate: validateIdList('user'),
};
