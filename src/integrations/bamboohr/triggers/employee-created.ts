import { defineTrigger } from '../../../sdk/index.js';
import { employeeCreated } from '../fixtures/events.js';
import { bambooWebhook } from '../webhooks.js';

export const employeeCreatedTrigger = defineTrigger({
  type: 'BAMBOOHR_TRIGGER_EMPLOYEE_CREATED',
  title: 'Employee created',
  description:
    'Fires when an employee record is created in BambooHR (event `employee.created`). Delivers the webhook body: `{type, timestamp, data: {companyId, employeeId}}`.',
  parameters: [],
  examplePayload: employeeCreated,
  docsUrl: 'https://documentation.bamboohr.com/reference/employee-created-webhook',
  source: bambooWebhook({ event: 'employee.created' }),
});
