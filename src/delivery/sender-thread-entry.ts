// The sender thread's side of sender-thread.ts: a WebhookSender that takes its requests as messages.
//
// Requests come in batches and results go back in batches (one message per turn of this thread's event
// loop), so the cost of crossing threads is paid per batch rather than per delivery.
import { parentPort, workerData } from 'node:worker_threads';
import { WebhookSender, type SenderOptions } from './sender.js';
import type { FromSenderThread, SendResult, ToSenderThread } from './sender-thread-protocol.js';

const port = parentPort;
if (!port) throw new Error('sender-thread-entry runs only as a worker thread');

const sender = new WebhookSender(workerData as Omit<SenderOptions, 'resolve'>);
let replies: SendResult[] = [];

function reply(r: SendResult): void {
  replies.push(r);
  if (replies.length === 1) setImmediate(flush);
}

function flush(): void {
  const batch = replies;
  replies = [];
  port!.postMessage({ type: 'results', batch } satisfies FromSenderThread);
}

port.on('message', (msg: ToSenderThread) => {
  if (msg.type === 'send') {
    // send() never throws: every request gets exactly one result.
    for (const req of msg.batch) void sender.send(req).then((result) => reply({ id: req.id, result }));
    return;
  }
  void sender.close().finally(() => port.close());
});
