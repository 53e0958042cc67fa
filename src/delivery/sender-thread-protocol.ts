// Messages between the delivery worker and its sender thread (sender-thread.ts, sender-thread-entry.ts).
import type { AttemptResult, OutboundRequest } from './sender.js';

export type SendRequest = OutboundRequest & { id: number };
export interface SendResult {
  id: number;
  result: AttemptResult;
}

export type ToSenderThread = { type: 'send'; batch: SendRequest[] } | { type: 'close' };
export type FromSenderThread = { type: 'results'; batch: SendResult[] };
