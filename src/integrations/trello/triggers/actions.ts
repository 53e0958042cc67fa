// Which Trello actions each trigger delivers (action types: https://developer.atlassian.com/cloud/trello/guides/rest-api/action-types).
import type { ActionFilter } from '../webhooks.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});

/** A card made on the board: created, or copied from another card. */
export const cardCreated: ActionFilter = (a) => a.type === 'createCard' || a.type === 'copyCard';

/** `updateCard` carrying `listBefore`/`listAfter`: the card went to another list (optionally: into `listId`). */
export const cardMoved: ActionFilter = (a, p) => {
  if (a.type !== 'updateCard') return false;
  const after = obj(a.data?.listAfter);
  if (typeof after.id !== 'string' || !a.data?.listBefore) return false;
  return !p.listId || after.id === p.listId;
};

/** `commentCard`: a comment added to a card. */
export const commentAdded: ActionFilter = (a) => a.type === 'commentCard';

/** `updateCard` that set `closed` from false to true. Unarchiving (`closed: false`) is not delivered. */
export const cardArchived: ActionFilter = (a) =>
  a.type === 'updateCard' && obj(a.data?.card).closed === true && obj(a.data?.old).closed === false;

/** `updateCheckItemStateOnCard` with the item now `complete` (unchecking sends `incomplete`). */
export const checkItemCompleted: ActionFilter = (a) =>
  a.type === 'updateCheckItemStateOnCard' && obj(a.data?.checkItem).state === 'complete';
