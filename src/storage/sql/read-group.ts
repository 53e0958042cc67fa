// Reads by key that are asked for in the same turn of the event loop, answered by one query.
//
// Every inbound webhook reads its subscription and credential before anything else. On PostgreSQL each
// read was a statement of its own — a round trip, a write to the socket that wakes a server backend, a
// pooled connection — and under load those reads were the most frequent statements the service sent
// (bench/hot-path-changes.md, eleventh round). Requests whose bodies arrive in the same I/O phase ask in
// the same turn; they now share one statement. Reads still run side by side (unlike the write group, a
// read never waits for another to finish), and a read that is alone waits only for the end of the turn.
import { chunks } from './context.js';

interface Waiter<V> {
  resolve: (value: V | undefined) => void;
  reject: (err: unknown) => void;
}

export class ReadGroup<K, V> {
  private waiting = new Map<K, Waiter<V>[]>();
  private scheduled = false;

  /**
   * `loadMany` answers up to `maxKeys` distinct keys with one query; a key missing from its answer reads as
   * undefined. Callers asking for the same key share its value: hand out only what they cannot change
   * (rows, not the objects made from them).
   */
  constructor(
    private readonly loadMany: (keys: K[]) => Promise<Map<K, V>>,
    private readonly maxKeys: number,
  ) {}

  get(key: K): Promise<V | undefined> {
    return new Promise<V | undefined>((resolve, reject) => {
      const waiters = this.waiting.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.waiting.set(key, [{ resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        // setImmediate, not a microtask: requests parsed in the same I/O phase reach here first.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.waiting;
    this.waiting = new Map();
    for (const keys of chunks([...batch.keys()], this.maxKeys)) {
      const settle = (each: (w: Waiter<V>, key: K) => void) => {
        for (const key of keys) for (const w of batch.get(key)!) each(w, key);
      };
      this.loadMany(keys).then(
        (found) => settle((w, key) => w.resolve(found.get(key))),
        (err: unknown) => settle((w) => w.reject(err)),
      );
    }
  }
}
