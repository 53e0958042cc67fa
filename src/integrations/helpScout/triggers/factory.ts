import { defineTrigger } from '../../../sdk/index.js';
import conversation from '../fixtures/conversation.json' with { type: 'json' };
import customer from '../fixtures/customer.json' with { type: 'json' };
import { helpScoutWebhook, type HelpScoutEvent, type HelpScoutParams } from '../webhooks.js';
import { mailboxIdParameter } from './params.js';

/** One Help Scout webhook trigger: the event, its title and description. */
export function helpScoutTrigger(type: string, event: HelpScoutEvent, title: string, description: string) {
  const isCustomer = event === 'customer.created';
  return defineTrigger<HelpScoutParams>({
    type,
    title,
    description,
    // customer.created "is not filterable across specific inboxes" (https://developer.helpscout.com/webhooks).
    parameters: isCustomer ? [] : [mailboxIdParameter],
    examplePayload: isCustomer ? customer : conversation,
    docsUrl: 'https://developer.helpscout.com/webhooks',
    source: helpScoutWebhook(event),
  });
}
