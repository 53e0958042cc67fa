import { defineTrigger } from '../../../sdk/index.js';
import invoice from '../fixtures/invoice.json' with { type: 'json' };
import { created, pollList } from '../poll.js';
import { clientIdParameter, filtersOf, projectIdParameter, type ProjectClientParams } from './params.js';

export const invoiceCreatedTrigger = defineTrigger<ProjectClientParams>({
  type: 'HARVEST_TRIGGER_INVOICE_CREATED',
  title: 'Invoice created',
  description:
    'Fires once for each new invoice, drafts included (optionally only of one client or project). Polls GET /v2/invoices ' +
    'by update time; needs a Harvest user who may see invoices (administrator, or manager with invoice access).',
  parameters: [clientIdParameter, projectIdParameter],
  examplePayload: invoice,
  docsUrl: 'https://help.getharvest.com/api-v2/invoices-api/invoices/invoices/',
  source: {
    kind: 'poll',
    poll: (ctx) => pollList(ctx, { path: '/invoices', collection: 'invoices', filters: filtersOf(ctx.params) }, created),
  },
});
