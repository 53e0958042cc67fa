import type { ParameterDefinition } from '../../../sdk/index.js';
import { ID } from '../webhooks.js';

const digits = (value: unknown) => (typeof value === 'string' && ID.test(value) ? null : 'must be a Copper id (digits)');

export const pipelineIdParameter: ParameterDefinition = {
  id: 'pipelineId',
  title: 'Pipeline ID',
  type: 'TEXT',
  required: false,
  description: 'Only opportunities in this Copper pipeline (its id, from GET /pipelines). Empty: every pipeline.',
  validate: digits,
};

export const stageIdParameter: ParameterDefinition = {
  id: 'stageId',
  title: 'Stage ID',
  type: 'TEXT',
  required: false,
  description: 'Only moves into this pipeline stage (its id, from GET /pipeline_stages). Empty: any stage.',
  validate: digits,
};
