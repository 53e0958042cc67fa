// The message triggers (channel, direct, group) are one factory: Slack sends every new message as a
// `message` event whose `channel_type` says where it was posted (https://docs.slack.dev/reference/events/message).
import { defineTrigger, type AppEvent, type Item, type ParameterDefinition, type TriggerDefinition } from '../../../sdk/index.js';
import { SLACK_REDELIVERY_DAYS, slackTsToMs } from '../events.js';

export interface MessageParams {
  channel?: string;
  includeBotMessages?: boolean;
  includeSystemMessages?: boolean;
}

export interface SlackMessage {
  type: 'message';
  subtype?: string;
  channel?: string;
  channel_type?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts?: string;
  thread_ts?: string;
  hidden?: boolean;
  [key: string]: unknown;
}

/** Subtypes that are a person posting something new (https://docs.slack.dev/reference/events/message#subtypes). */
const POSTED_SUBTYPES = new Set(['file_share', 'thread_broadcast', 'me_message']);

/**
 * Subtypes that are never "a message was posted": edits and deletions of existing messages, and
 * `message_replied` (a notice that a thread got a reply; the reply itself arrives as its own message).
 */
const CHANGE_SUBTYPES = new Set(['message_changed', 'message_deleted', 'message_replied']);

/**
 * Whether a `message` event is a newly posted message for these parameters:
 * - plain messages, thread replies and the posting subtypes (file_share, thread_broadcast, me_message): yes;
 * - messages from bots and apps (`bot_id` set or subtype `bot_message`, including this app's own posts):
 *   only with `includeBotMessages` — otherwise an app that answers in a channel would trigger itself;
 * - edits, deletions and thread-reply notices: never;
 * - other subtypes are Slack's system notices (channel_join, channel_leave, channel_topic, pinned_item, …):
 *   only with `includeSystemMessages`.
 */
export function isPostedMessage(msg: SlackMessage, params: MessageParams): boolean {
  const subtype = msg.subtype;
  if (subtype !== undefined && CHANGE_SUBTYPES.has(subtype)) return false;
  if (msg.hidden === true) return false;
  const fromBot = subtype === 'bot_message' || (typeof msg.bot_id === 'string' && msg.bot_id !== '');
  if (fromBot && params.includeBotMessages !== true) return false;
  if (subtype === undefined || subtype === 'bot_message' || POSTED_SUBTYPES.has(subtype)) return true;
  return params.includeSystemMessages === true;
}

const CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;

export const channelParameter: ParameterDefinition = {
  id: 'channel',
  title: 'Channel',
  type: 'TEXT',
  required: false,
  description: 'Only messages in this channel: its id (e.g. C0123ABCD), not its name. Leave empty for every channel the app is in.',
  placeholder: 'C0123ABCD',
  validate: (value) => (typeof value === 'string' && CHANNEL_ID.test(value) ? null : 'must be a Slack channel id such as C0123ABCD (not a #name)'),
};

const includeBotMessages: ParameterDefinition = {
  id: 'includeBotMessages',
  title: 'Include messages from bots and apps',
  type: 'BOOLEAN_INPUT',
  required: false,
  defaultValue: false,
  description: 'Also fire for messages posted by bots and apps, including this app itself.',
};

const includeSystemMessages: ParameterDefinition = {
  id: 'includeSystemMessages',
  title: 'Include system messages',
  type: 'BOOLEAN_INPUT',
  required: false,
  defaultValue: false,
  description: 'Also fire for Slack notices such as "joined the channel", topic and name changes, and pins.',
};

export interface MessageTriggerSpec {
  type: string;
  title: string;
  description: string;
  /** `channel_type` values this trigger fires for. */
  channelTypes: readonly string[];
  /** Whether users can narrow the trigger to one channel. */
  channelFilter: boolean;
  examplePayload: unknown;
  docsUrl: string;
}

export function messageTrigger(spec: MessageTriggerSpec): TriggerDefinition<MessageParams> {
  const parameters = [...(spec.channelFilter ? [channelParameter] : []), includeBotMessages, includeSystemMessages];
  return defineTrigger<MessageParams>({
    type: spec.type,
    title: spec.title,
    description: spec.description,
    parameters,
    examplePayload: spec.examplePayload,
    docsUrl: spec.docsUrl,
    source: {
      kind: 'appWebhook',
      redeliveryDays: SLACK_REDELIVERY_DAYS,
      match(event: AppEvent, params: MessageParams): Item[] {
        if (event.eventType !== 'message') return [];
        const msg = event.event as SlackMessage;
        if (typeof msg.channel_type !== 'string' || !spec.channelTypes.includes(msg.channel_type)) return [];
        if (spec.channelFilter && params.channel !== undefined && msg.channel !== params.channel) return [];
        if (!isPostedMessage(msg, params)) return [];
        const occurredAt = slackTsToMs(msg.ts);
        return [{ key: event.deliveryId, payload: msg, ...(occurredAt !== undefined ? { occurredAt } : {}) }];
      },
    },
  });
}
