import { defineTrigger } from '../../../sdk/index.js';
import { employeeDeleted } from '../fixtures/events.js';
import { bambooWebhook } from '../webhooks.js';

export const employeeDeletedTrigger = defineTrigger({
  type: 'BAMBOOHR_TRIGGER_EMPLOYEE_DELETED',
  title: 'Employee deleted',
  description:
    'Fires when an employee record is deleted in BambooHR (event `employee.deleted`; a termination is an update, see Employee status changed). Delivers `{type, timestamp, data: {companyId, employeeId}}`.',
  parameters: [],
  examplePayload: employeeDeleted,
  docsUrl: 'https://documentation.bamboohr.com/docs/event-based-webhooks',
  source: bambooWebhook({ event: 'employee.deleted' }),
});
