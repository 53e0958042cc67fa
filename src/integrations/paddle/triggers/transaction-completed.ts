import { transactionCompleted } from '../fixtures/events.js';
import { paddleEventTrigger } from './event-trigger.js';

export const transactionCompletedTrigger = paddleEventTrigger({
  type: 'PADDLE_TRIGGER_TRANSACTION_COMPLETED',
  title: 'Transaction completed',
  event: 'transaction.completed',
  description:
    'Fires when a transaction is completed: paid and processed, including subscription renewals (Paddle `transaction.completed`). `data` is the transaction (`id`, `status`, `customer_id`, `subscription_id`, `invoice_number`, `currency_code`, `items`, `details.totals`, `payments`, `billed_at`, …).',
  example: transactionCompleted,
  docsPath: 'transactions/transaction-completed',
});
