import type { ParameterDefinition } from '../../../sdk/index.js';
import type { HarvestQuery } from '../api.js';

const NUMERIC_ID = /^[1-9][0-9]{0,18}$/;

function numericId(what: string): (value: unknown) => string | null {
  return (value) => {
    if (value === undefined || value === null || value === '') return null;
    if ((typeof value === 'number' && Number.isSafeInteger(value) && value > 0) || (typeof value === 'string' && NUMERIC_ID.test(value.trim()))) return null;
    return `must be a Harvest ${what} id (a positive whole number)`;
  };
}

export interface ProjectClientParams {
  projectId?: string | number;
  clientId?: string | number;
}

export const projectIdParameter: ParameterDefinition = {
  id: 'projectId',
  title: 'Project',
  type: 'TEXT',
  required: false,
  description: 'Only records of this project (its numeric id, the number in the project\'s URL). Leave empty for all.',
  validate: numericId('project'),
};

export const clientIdParameter: ParameterDefinition = {
  id: 'clientId',
  title: 'Client',
  type: 'TEXT',
  required: false,
  description: 'Only records of this client (its numeric id). Leave empty for all.',
  validate: numericId('client'),
};

/** The list filters Harvest accepts, from the (validated) parameters. */
export function filtersOf(params: ProjectClientParams): HarvestQuery {
  const q: HarvestQuery = {};
  if (params.projectId !== undefined && params.projectId !== null && params.projectId !== '') q.project_id = String(params.projectId).trim();
  if (params.clientId !== undefined && params.clientId !== null && params.clientId !== '') q.client_id = String(params.clientId).trim();
  return q;
}
