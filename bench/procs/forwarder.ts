// The baseline forwarder (its own process): the least work a webhook-to-webhook relay can do in Node — a
// minimal node:http server that reads each request, answers 200, and POSTs the same body on to the
// receiver with undici (keep-alive, 32 connections, like OpenTriggers' per-receiver cap). No verification,
// no storage, no signing, no retries. OpenTriggers' throughput is reported as a ratio of this one's.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { serve } from '../lib/rpc.js';

let server: Server | null = null;
let pool: Pool | null = null;
let forwarded = 0;
let failed = 0;

serve({
  async start(a: { target: string }) {
    const target = new URL(a.target);
    pool = new Pool(target.origin, { connections: 32, pipelining: 1, keepAliveTimeout: 30_000 });
    const p = pool;
    const path = target.pathname;
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '11' });
        res.end('{"ok":true}');
        p.request({ path, method: 'POST', headers: { 'content-type': 'application/json' }, body })
          .then(async (r) => {
            await r.body.dump();
            if (r.statusCode >= 200 && r.statusCode < 300) forwarded++;
            else failed++;
          })
          .catch(() => {
            failed++;
          });
      });
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  },
  stats() {
    return { forwarded, failed };
  },
});
