import type { ParameterDefinition } from '../../../sdk/index.js';
import type { GreenhouseQuery } from '../api.js';

const NUMERIC_ID = /^[1-9][0-9]{0,18}$/;

export interface JobParams {
  jobId?: string | number;
}

export const jobIdParameter: ParameterDefinition = {
  id: 'jobId',
  title: 'Job',
  type: 'TEXT',
  required: false,
  description: 'Only records of this job (its numeric id, the number in the job\'s URL in Greenhouse). Leave empty for all jobs.',
  validate: (value) => {
    if (value === undefined || value === null || value === '') return null;
    if ((typeof value === 'number' && Number.isSafeInteger(value) && value > 0) || (typeof value === 'string' && NUMERIC_ID.test(value.trim()))) return null;
    return 'must be a Greenhouse job id (a positive whole number)';
  },
};

/** The `job_ids` filter from the (validated) parameter. */
export function jobFilter(params: JobParams): GreenhouseQuery {
  if (params.jobId === undefined || params.jobId === null || params.jobId === '') return {};
  return { job_ids: String(params.jobId).trim() };
}
