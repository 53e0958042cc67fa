import type { ParameterDefinition } from '../../../sdk/index.js';

export const serviceIdParameter: ParameterDefinition = {
  id: 'serviceId',
  title: 'Service ID',
  type: 'TEXT',
  required: false,
  description:
    "Only incidents of this PagerDuty service (its id, e.g. PF9KMXH: the last part of the service's URL). Leave empty for every incident of the account.",
  placeholder: 'PF9KMXH',
  validate: (value) => (typeof value === 'string' && /^[A-Za-z0-9]{1,32}$/.test(value) ? null : 'must be a PagerDuty service id (letters and digits, e.g. PF9KMXH)'),
};

export const pagerdutyParameters: ParameterDefinition[] = [serviceIdParameter];
