import type { ParameterDefinition } from '../../../sdk/index.js';
import { validateJqlFragment } from '../jql.js';

/** Optional JQL narrowing the issues (e.g. `project = EX AND issuetype = Bug`); ANDed with our time bound. */
export const jqlQueryParameter: ParameterDefinition = {
  id: 'jqlQuery',
  title: 'JQL filter',
  type: 'TEXTAREA',
  required: false,
  description: 'Only issues matching this JQL condition (e.g. project = EX AND issuetype = Bug). No ORDER BY.',
  placeholder: 'project = EX',
  validate: validateJqlFragment,
};
