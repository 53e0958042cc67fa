import { defineTrigger } from '../../../sdk/index.js';
import subscription from '../fixtures/subscription-canceled.json' with { type: 'json' };
import { pollList, reached, where } from '../poll.js';
import { planCodeParameter, planMatches, type PlanParams } from './params.js';

export const subscriptionCanceledTrigger = defineTrigger<PlanParams>({
  type: 'RECURLY_TRIGGER_SUBSCRIPTION_CANCELED',
  title: 'Subscription canceled',
  description:
    'Fires when a subscription is canceled (it has a new `canceled_at`), optionally only for one plan: canceled to end at the ' +
    'period\'s end (state canceled) or terminated at once (state expired). A subscription reactivated and canceled again fires again. ' +
    'Polls GET /subscriptions by update time.',
  parameters: [planCodeParameter],
  examplePayload: subscription,
  docsUrl: 'https://recurly.com/developers/api/v2021-02-25/index.html#operation/list_subscriptions',
  source: {
    kind: 'poll',
    poll: (ctx) => pollList(ctx, '/subscriptions', where(reached((r) => typeof r.canceled_at === 'string' && r.canceled_at !== '', 'canceled', 'canceled_at'), planMatches(ctx.params))),
  },
});
