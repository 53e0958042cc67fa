// The fake polling provider (its own process): `GET /feeds/{feed}/items` answers `{"data": []}` after a
// fixed delay (20 ms by default), as a list endpoint with nothing new does. Counts requests, so the
// orchestrator can compute achieved polls/s.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '../lib/rpc.js';

let delayMs = 20;
let requests = 0;
let unauthorized = 0;

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    requests++;
    if (!req.headers.authorization?.startsWith('Bearer ')) {
      unauthorized++;
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"error":"unauthorized"}');
      return;
    }
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"data":[]}');
    }, delayMs);
  });
});
server.keepAliveTimeout = 60_000;

serve({
  async start(a: { delayMs: number }) {
    delayMs = a.delayMs;
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  },
  stats() {
    return { requests, unauthorized };
  },
});
