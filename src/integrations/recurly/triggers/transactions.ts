import { defineTrigger } from '../../../sdk/index.js';
import failed from '../fixtures/transaction-declined.json' with { type: 'json' };
import succeeded from '../fixtures/transaction.json' with { type: 'json' };
import { pollList, reached, where } from '../poll.js';
import { transactionTypeParameter, typeMatches, type TransactionParams } from './params.js';

/** Transaction statuses that mean the gateway refused or failed it. */
export const FAILED_STATUSES = new Set(['declined', 'error']);

export const transactionSucceededTrigger = defineTrigger<TransactionParams>({
  type: 'RECURLY_TRIGGER_TRANSACTION_SUCCEEDED',
  title: 'Transaction succeeded',
  description:
    'Fires once for each successful transaction (status success), optionally of one type (purchase, refund, …); an ACH payment ' +
    'pending at first fires when it succeeds. Polls GET /transactions by update time.',
  parameters: [transactionTypeParameter],
  examplePayload: succeeded,
  docsUrl: 'https://recurly.com/developers/api/v2021-02-25/index.html#operation/list_transactions',
  source: { kind: 'poll', poll: (ctx) => pollList(ctx, '/transactions', where(reached((r) => r.status === 'success', 'success', 'updated_at', { once: true }), typeMatches(ctx.params))) },
});

export const transactionFailedTrigger = defineTrigger<TransactionParams>({
  type: 'RECURLY_TRIGGER_TRANSACTION_FAILED',
  title: 'Transaction failed',
  description:
    'Fires once for each declined or failed transaction (status declined or error), optionally of one type, with the gateway\'s ' +
    'answer (`status_code`, `status_message`). Polls GET /transactions by update time.',
  parameters: [transactionTypeParameter],
  examplePayload: failed,
  docsUrl: 'https://recurly.com/developers/api/v2021-02-25/index.html#operation/list_transactions',
  source: { kind: 'poll', poll: (ctx) => pollList(ctx, '/transactions', where(reached((r) => typeof r.status === 'string' && FAILED_STATUSES.has(r.status), 'failed', 'updated_at', { once: true }), typeMatches(ctx.params))) },
});
