import company from '../fixtures/company.json' with { type: 'json' };
import { copperCreatedTrigger } from './factory.js';

export const companyCreatedTrigger = copperCreatedTrigger(
  'COPPER_TRIGGER_COMPANY_CREATED',
  'company',
  'Company created',
  'Fires when a company is created in Copper (webhook type `company`, event `new`). Delivers the company as `GET /companies/{id}` returns it, in `record`.',
  { type: 'company', event: 'new', id: company.id, record: company },
);
