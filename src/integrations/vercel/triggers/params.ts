import type { ParameterDefinition } from '../../../sdk/index.js';
import { PROJECT_ID, TEAM_ID } from '../webhooks.js';

export const teamIdParameter: ParameterDefinition = {
  id: 'teamId',
  title: 'Team ID',
  type: 'TEXT',
  required: false,
  description: "The Vercel team whose events to receive (its id, team_…, from the team's Settings → General). Leave empty for the token's own (personal) scope.",
  placeholder: 'team_1a2b3c4d5e6f7g8h9i0j',
  validate: (value) => (typeof value === 'string' && TEAM_ID.test(value) ? null : 'must be a Vercel team id (team_ followed by letters and digits)'),
};

export const projectIdParameter: ParameterDefinition = {
  id: 'projectId',
  title: 'Project ID',
  type: 'TEXT',
  required: false,
  description: "Only deployments of this Vercel project (its id, prj_…, from the project's Settings → General). Leave empty for every project.",
  placeholder: 'prj_12HKQaOmR5t5Uy6vdcQsNIiZgHGB',
  validate: (value) => (typeof value === 'string' && PROJECT_ID.test(value) ? null : 'must be a Vercel project id (prj_ followed by letters and digits)'),
};

export const deploymentParameters: ParameterDefinition[] = [teamIdParameter, projectIdParameter];
export const projectParameters: ParameterDefinition[] = [teamIdParameter];
