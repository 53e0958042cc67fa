import { defineTrigger } from '../../../sdk/index.js';
import { employeeUpdated } from '../fixtures/events.js';
import { bambooWebhook, fieldList } from '../webhooks.js';

interface Params {
  monitorFields?: string;
}

export const employeeUpdatedTrigger = defineTrigger<Params>({
  type: 'BAMBOOHR_TRIGGER_EMPLOYEE_UPDATED',
  title: 'Employee updated',
  description:
    'Fires when one of the chosen fields changes on an employee record (event `employee.updated`). Delivers `{type, timestamp, data: {companyId, employeeId, changedFields}}`. BambooHR also sends an update right after an employee is created.',
  parameters: [
    {
      id: 'monitorFields',
      title: 'Fields to watch',
      type: 'TEXT',
      required: true,
      description: 'Comma-separated BambooHR field names (as listed by GET /webhooks/monitor_fields), e.g. firstName, jobTitle, department.',
      placeholder: 'firstName, lastName, jobTitle',
      validate: (v) => (fieldList(v).length === 0 ? 'monitorFields must name at least one BambooHR field, comma-separated' : null),
    },
  ],
  examplePayload: employeeUpdated,
  docsUrl: 'https://documentation.bamboohr.com/docs/event-based-webhooks',
  source: bambooWebhook<Params>({ event: 'employee.updated', monitorFields: (p) => fieldList(p.monitorFields) }),
});
