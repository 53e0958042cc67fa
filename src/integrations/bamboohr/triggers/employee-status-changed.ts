import { defineTrigger } from '../../../sdk/index.js';
import { employeeStatusChanged } from '../fixtures/events.js';
import { bambooWebhook } from '../webhooks.js';

export const employeeStatusChangedTrigger = defineTrigger({
  type: 'BAMBOOHR_TRIGGER_EMPLOYEE_STATUS_CHANGED',
  title: 'Employee status changed',
  description:
    "Fires when an employee's status field changes (Active ↔ Inactive, e.g. on termination or rehire): an `employee.updated` webhook watching `status`, delivered only when `changedFields` names it. Delivers `{type, timestamp, data: {companyId, employeeId, changedFields}}`.",
  parameters: [],
  examplePayload: employeeStatusChanged,
  docsUrl: 'https://documentation.bamboohr.com/docs/event-based-webhooks',
  source: bambooWebhook({ event: 'employee.updated', monitorFields: () => ['status'], accept: (e) => e.changedFields.includes('status') }),
});
