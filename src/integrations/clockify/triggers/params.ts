import type { ParameterDefinition } from '../../../sdk/index.js';
import { CLOCKIFY_ID } from '../api.js';

export const workspaceIdParameter: ParameterDefinition = {
  id: 'workspaceId',
  title: 'Workspace ID',
  type: 'TEXT',
  required: true,
  description: "The Clockify workspace to watch (its id, 24 hexadecimal characters: GET /workspaces, or the user's defaultWorkspace from GET /user). The API key's owner must be allowed to manage its webhooks (workspace owner or admin).",
  placeholder: '64a687e29ae1f428e7ebe303',
  validate: (value) => (typeof value === 'string' && CLOCKIFY_ID.test(value) ? null : 'must be a Clockify workspace id (24 hexadecimal characters)'),
};
