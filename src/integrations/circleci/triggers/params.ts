import type { ParameterDefinition } from '../../../sdk/index.js';
import { BRANCH, PROJECT_ID, PROJECT_SLUG } from '../webhooks.js';

export const projectParameter: ParameterDefinition = {
  id: 'project',
  title: 'Project',
  type: 'TEXT',
  required: true,
  description:
    "The CircleCI project whose events to receive: its project ID (a UUID, from Project Settings → Overview) or its project slug (gh/org/repo, bb/org/repo, or circleci/<org id>/<project id> for GitLab and GitHub App projects). The token's user must be an organization admin to create webhooks.",
  placeholder: 'gh/acme/web-app',
  validate: (value) =>
    typeof value === 'string' && (PROJECT_ID.test(value.trim()) || PROJECT_SLUG.test(value.trim())) ? null : 'must be a CircleCI project id (UUID) or project slug (gh/org/repo)',
};

export const branchParameter: ParameterDefinition = {
  id: 'branch',
  title: 'Branch',
  type: 'TEXT',
  required: false,
  description: 'Only events of pipelines that built this branch (e.g. main). Leave empty for every branch and tag.',
  placeholder: 'main',
  validate: (value) => (typeof value === 'string' && BRANCH.test(value) ? null : 'must be a git branch name'),
};

export const circleciParameters: ParameterDefinition[] = [projectParameter, branchParameter];
