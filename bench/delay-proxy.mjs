// A TCP proxy that holds every chunk for a while in each direction, to measure the service against a
// database that is not on the same host (bench/hot-path-changes.md, ninth round):
//
//   node bench/delay-proxy.mjs --listen=15432 --to=127.0.0.1:5432 --delay-ms=1 &
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:15432/test npm run bench -- --only=throughput --db=postgres
//
// Node's timers have millisecond resolution, so a delay of 1 ms adds at least 2 ms to every round trip.
// Chunks keep their order: each direction is a queue released in arrival order.
import console from 'node:console';
import net from 'node:net';
import { setTimeout } from 'node:timers';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { listen: { type: 'string', default: '15432' }, to: { type: 'string', default: '127.0.0.1:5432' }, 'delay-ms': { type: 'string', default: '1' } } });
const [host, port] = values.to.split(':');
const delayMs = Number(values['delay-ms']);

function delayed(from, to) {
  from.on('data', (chunk) => setTimeout(() => to.write(chunk), delayMs));
  from.on('end', () => setTimeout(() => to.end(), delayMs));
  from.on('error', () => to.destroy());
}

net.createServer((client) => {
  client.setNoDelay(true);
  const upstream = net.connect(Number(port), host, () => upstream.setNoDelay(true));
  delayed(client, upstream);
  delayed(upstream, client);
}).listen(Number(values.listen), '127.0.0.1', () => console.log(`delay-proxy: 127.0.0.1:${values.listen} → ${values.to}, ${delayMs} ms each way`));
