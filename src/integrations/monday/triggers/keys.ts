import type { MondayEvent } from '../webhooks.js';
import { triggerUuidOf } from '../webhooks.js';

function text(value: unknown): string | null {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/**
 * A column change: monday's occurrence id (`triggerUuid`), else the item, column and `changedAt` (epoch
 * seconds with a fraction) — both repeated unchanged when monday retries the request.
 */
export function columnChangeKey(e: MondayEvent): string | null {
  const uuid = triggerUuidOf(e);
  if (uuid) return `change:${uuid}`;
  const item = text(e.pulseId);
  const column = text(e.columnId);
  const at = text(e.changedAt);
  return item && column && at ? `change:${item}:${column}:${at}` : null;
}
