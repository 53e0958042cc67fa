import { defineTrigger } from '../../../sdk/index.js';
import invoice from '../fixtures/invoice.json' with { type: 'json' };
import { pollList, reached } from '../poll.js';

export const invoicePaidTrigger = defineTrigger<Record<string, never>>({
  type: 'RECURLY_TRIGGER_INVOICE_PAID',
  title: 'Invoice paid',
  description:
    'Fires once when a charge invoice is paid in full (its state becomes paid; `closed_at` is when). Credit invoices are left out. ' +
    'Polls GET /invoices by update time.',
  parameters: [],
  examplePayload: invoice,
  docsUrl: 'https://recurly.com/developers/api/v2021-02-25/index.html#operation/list_invoices',
  source: { kind: 'poll', poll: (ctx) => pollList(ctx, '/invoices', reached((r) => r.state === 'paid' && r.type !== 'credit', 'paid', 'closed_at', { once: true })) },
});
