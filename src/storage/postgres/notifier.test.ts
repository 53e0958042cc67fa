import { describe, expect, it } from 'vitest';
import { coalescedNotifier } from './notifier.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}

describe('coalescedNotifier', () => {
  it('sends at once, one at a time, and what was asked meanwhile as one (due if any was)', async () => {
    const sent: boolean[] = [];
    const pending: Array<ReturnType<typeof deferred>> = [];
    const n = coalescedNotifier((due) => {
      sent.push(due);
      const d = deferred();
      pending.push(d);
      return d.promise;
    }, () => undefined);
    n.notify(false);
    expect(sent).toEqual([false]);
    n.notify(false);
    n.notify(true);
    n.notify(false);
    expect(sent).toEqual([false]); // still in flight: nothing more yet
    pending[0]!.resolve();
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual([false, true]);
    pending[1]!.resolve();
    await n.settled();
    expect(sent).toEqual([false, true]);
  });

  it('reports a failed NOTIFY and goes on with the next', async () => {
    const errors: unknown[] = [];
    const sent: boolean[] = [];
    let fail = true;
    const n = coalescedNotifier(async (due) => {
      sent.push(due);
      if (fail) {
        fail = false;
        throw new Error('connection lost');
      }
    }, (err) => errors.push(err));
    n.notify(true);
    n.notify(false);
    await n.settled();
    expect(sent).toEqual([true, false]);
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('connection lost');
  });

  it('settles at once when nothing was sent', async () => {
    await coalescedNotifier(async () => undefined, () => undefined).settled();
  });
});
