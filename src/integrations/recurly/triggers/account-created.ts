import { defineTrigger } from '../../../sdk/index.js';
import account from '../fixtures/account.json' with { type: 'json' };
import { created, pollList } from '../poll.js';

export const accountCreatedTrigger = defineTrigger<Record<string, never>>({
  type: 'RECURLY_TRIGGER_ACCOUNT_CREATED',
  title: 'Account created',
  description: 'Fires once for each new customer account. Polls GET /accounts by update time (ascending) and emits accounts created after the subscription started.',
  parameters: [],
  examplePayload: account,
  docsUrl: 'https://recurly.com/developers/api/v2021-02-25/index.html#operation/list_accounts',
  source: { kind: 'poll', poll: (ctx) => pollList(ctx, '/accounts', created) },
});
