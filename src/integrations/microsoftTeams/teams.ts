// Reading Teams resources through Microsoft Graph v1.0: the channel or message a thin notification names, and
// the catch-up reads run after a lifecycle notification.
import type { HttpClient, Item, ParameterDefinition } from '../../sdk/index.js';
import { graphId, readAllPages, stripODataContext, type ChangeNotification } from '../../sdk/providers/microsoft-graph.js';

export interface TeamParams {
  teamId: string;
}
export interface ChannelParams extends TeamParams {
  channelId: string;
}

export const teamIdParameter: ParameterDefinition = {
  id: 'teamId', title: 'Team', type: 'TEXT', required: true,
  description: 'The team id (the id of its Microsoft 365 group), e.g. from GET /me/joinedTeams.',
  validate: graphId,
};
export const channelIdParameter: ParameterDefinition = {
  id: 'channelId', title: 'Channel', type: 'TEXT', required: true,
  description: 'The channel id, e.g. 19:…@thread.tacv2, from GET /teams/{teamId}/channels.',
  validate: graphId,
};

const enc = encodeURIComponent;
const teamPath = (p: TeamParams) => `/teams/${enc(p.teamId)}`;
const channelPath = (p: ChannelParams) => `${teamPath(p)}/channels/${enc(p.channelId)}`;

/** `teams('T')/channels('C')` and `…/messages('M')` with an optional `/replies('R')`, as Graph names them. */
const CHANNEL_RESOURCE = /^\/?teams\('([^']+)'\)\/channels\('([^']+)'\)$/i;
const MESSAGE_RESOURCE = /^\/?teams\('([^']+)'\)\/channels\('([^']+)'\)\/messages\('([^']+)'\)(?:\/replies\('([^']+)'\))?$/i;

const same = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();

export interface Channel extends Record<string, unknown> {
  id: string;
  createdDateTime?: string | null;
}

export interface ChatMessage extends Record<string, unknown> {
  id: string;
  replyToId?: string | null;
  messageType?: string;
  createdDateTime?: string;
  deletedDateTime?: string | null;
  replies?: ChatMessage[];
}

// ── channels ──────────────────────────────────────────────────────────────────────────────────────────
export async function fetchChannel(http: HttpClient, params: TeamParams, n: ChangeNotification): Promise<Item | null> {
  const m = CHANNEL_RESOURCE.exec(n.resource ?? '');
  const channelId = m?.[2] ?? n.resourceData?.id;
  if (!channelId || (m && !same(m[1], params.teamId))) return null;
  const res = await http.request<Channel>({ path: `${teamPath(params)}/channels/${enc(channelId)}`, allowStatus: [404] });
  if (res.status === 404 || !res.body?.id) return null; // deleted again before we looked
  return channelItem(stripODataContext(res.body));
}

export const channelItem = (c: Channel): Item => ({ key: c.id, payload: c, ...(c.createdDateTime ? { occurredAt: Date.parse(c.createdDateTime) } : {}) });

/** Channels created since the subscription started (the list is small: at most a few hundred per team). */
export async function channelsCreatedSince(http: HttpClient, params: TeamParams, baselineAt: number): Promise<Item[]> {
  const { values } = await readAllPages<Channel>(http, { path: `${teamPath(params)}/channels` });
  return values
    .filter((c) => typeof c.id === 'string' && typeof c.createdDateTime === 'string' && Date.parse(c.createdDateTime) >= baselineAt)
    .map((c) => channelItem(c));
}

// ── channel messages ──────────────────────────────────────────────────────────────────────────────────
/** A top-level message is keyed by its id, a reply by `{parent id}/{reply id}`. */
export const messageKey = (m: ChatMessage) => (m.replyToId ? `${m.replyToId}/${m.id}` : m.id);

/** Posted by a person or app (not a system event like "member added"), and not deleted. */
const isPosted = (m: ChatMessage) => (m.messageType ?? 'message') === 'message' && !m.deletedDateTime;

export const messageItem = (m: ChatMessage): Item => ({ key: messageKey(m), payload: m, ...(m.createdDateTime ? { occurredAt: Date.parse(m.createdDateTime) } : {}) });

export async function fetchMessage(http: HttpClient, params: ChannelParams, n: ChangeNotification): Promise<Item | null> {
  const m = MESSAGE_RESOURCE.exec(n.resource ?? '');
  if (!m || !same(m[1], params.teamId) || !same(m[2], params.channelId)) return null;
  const [, , , messageId, replyId] = m;
  const path = `${channelPath(params)}/messages/${enc(messageId ?? '')}${replyId ? `/replies/${enc(replyId)}` : ''}`;
  const res = await http.request<ChatMessage>({ path, allowStatus: [404] });
  if (res.status === 404 || !res.body?.id) return null;
  const message = stripODataContext(res.body);
  return isPosted(message) ? messageItem(message) : null;
}

/**
 * Messages and replies posted since `since` (floored at the baseline), through the channel's delta function
 * filtered on lastModifiedDateTime with replies expanded (https://learn.microsoft.com/graph/api/chatmessage-delta).
 */
export async function messagesPostedSince(http: HttpClient, params: ChannelParams, since: number, baselineAt: number): Promise<Item[]> {
  const { values } = await readAllPages<ChatMessage>(http, {
    path: `${channelPath(params)}/messages/delta`,
    // `gt` is strict: one second of slack; the createdDateTime check below keeps the baseline.
    query: { $filter: `lastModifiedDateTime gt ${new Date(Math.max(since, baselineAt) - 1000).toISOString()}`, $expand: 'replies', $top: '50' },
  });
  const created = (m: ChatMessage) => typeof m.createdDateTime === 'string' && Date.parse(m.createdDateTime) >= baselineAt;
  const items: Item[] = [];
  for (const top of values) {
    const { replies, ...message } = top;
    if (created(top) && isPosted(top)) items.push(messageItem(message));
    for (const reply of replies ?? []) if (created(reply) && isPosted(reply)) items.push(messageItem({ ...reply, replyToId: reply.replyToId ?? top.id }));
  }
  return items;
}
