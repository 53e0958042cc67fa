// An emoji reaction was added to an item the app can see (reaction_added). Declared twice: under the
// issue's name SLACK_TRIGGER_REACTION_ADDED and under Paragon's SLACK_TRIGGER_NEW_REACTION, both with
// Paragon's `reactionFilter` parameter.
import { defineTrigger, type AnyTriggerDefinition, type Item } from '../../../sdk/index.js';
import { SLACK_REDELIVERY_DAYS, slackTsToMs } from '../events.js';
import event from '../fixtures/event-reaction-added.json' with { type: 'json' };

/**
 * reaction_added has no top-level `channel`: the reacted-to message's channel is `item.channel`. A filter
 * on `channel` could never match, so it is refused with the field to use instead of silently dropping
 * every event.
 */
export function checkReactionFilter(value: unknown): string | null {
  const fields: string[] = [];
  const walk = (node: unknown, depth: number): void => {
    if (depth > 20 || node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (typeof record.field === 'string') fields.push(record.field);
    if (Array.isArray(record.conditions)) for (const child of record.conditions) walk(child, depth + 1);
  };
  walk(value, 0);
  return fields.includes('channel')
    ? 'field "channel" does not exist in Slack\'s reaction_added event; the channel of the reacted-to message is "item.channel"'
    : null;
}

function reactionTrigger(type: string, title: string): AnyTriggerDefinition {
  return defineTrigger({
    type,
    title,
    description: 'Trigger when an emoji reaction is added to a message or file the app can see.',
    parameters: [
      {
        id: 'reactionFilter',
        title: 'Filter',
        type: 'CONDITIONAL',
        required: false,
        description: 'Only reactions that match these conditions, e.g. field "reaction", "user", "item_user" or "item.channel".',
        validate: checkReactionFilter,
      },
    ],
    examplePayload: event,
    docsUrl: 'https://docs.slack.dev/reference/events/reaction_added',
    source: {
      kind: 'appWebhook',
      redeliveryDays: SLACK_REDELIVERY_DAYS,
      match(appEvent): Item[] {
        if (appEvent.eventType !== 'reaction_added') return [];
        const occurredAt = slackTsToMs((appEvent.event as { event_ts?: unknown }).event_ts);
        return [{ key: appEvent.deliveryId, payload: appEvent.event, ...(occurredAt !== undefined ? { occurredAt } : {}) }];
      },
    },
  });
}

export const reactionAdded = reactionTrigger('SLACK_TRIGGER_REACTION_ADDED', 'Reaction Added');
/** Paragon's name for the same trigger (https://docs.useparagon.com/actionkit/integrations/slack/triggers/SLACK_TRIGGER_NEW_REACTION). */
export const newReaction = reactionTrigger('SLACK_TRIGGER_NEW_REACTION', 'New Reaction');
