import { defineTrigger } from '../../../sdk/index.js';
import subscription from '../fixtures/subscription.json' with { type: 'json' };
import { created, pollList, where } from '../poll.js';
import { planCodeParameter, planMatches, type PlanParams } from './params.js';

export const subscriptionCreatedTrigger = defineTrigger<PlanParams>({
  type: 'RECURLY_TRIGGER_SUBSCRIPTION_CREATED',
  title: 'Subscription created',
  description: 'Fires once for each new subscription (optionally only to one plan), trials and future-dated ones included. Polls GET /subscriptions by update time.',
  parameters: [planCodeParameter],
  examplePayload: subscription,
  docsUrl: 'https://recurly.com/developers/api/v2021-02-25/index.html#operation/list_subscriptions',
  source: { kind: 'poll', poll: (ctx) => pollList(ctx, '/subscriptions', where(created, planMatches(ctx.params))) },
});
