// NOTIFY for other processes, off the write path.
//
// After each write group the store tells other processes that deliveries became due (or events were
// stored, for pull and stream). Awaiting that NOTIFY — a round trip on another pooled connection — held up
// both the callers of the group and the next group (bench/hot-path-changes.md, eleventh round). Nothing
// depends on it having arrived: it only saves the other processes' workers and streams their next look
// (every one of them also polls). So the store sends it without waiting, at most one at a time; wake-ups
// asked for while one is in flight are sent as one after it ("due" if any of them was).
export interface CoalescedNotifier {
  /** Returns at once; the NOTIFY goes out now, or after the one in flight. */
  notify(due: boolean): void;
  /** Resolves when nothing is in flight or waiting (before the pool closes). */
  settled(): Promise<void>;
}

export function coalescedNotifier(send: (due: boolean) => Promise<void>, onError: (err: unknown) => void): CoalescedNotifier {
  let inFlight: Promise<void> | null = null;
  let waitingDue: boolean | null = null;
  const start = (due: boolean): void => {
    inFlight = send(due)
      .catch(onError)
      .finally(() => {
        inFlight = null;
        if (waitingDue !== null) {
          const next = waitingDue;
          waitingDue = null;
          start(next);
        }
      });
  };
  return {
    notify(due) {
      if (inFlight) waitingDue = (waitingDue ?? false) || due;
      else start(due);
    },
    async settled() {
      while (inFlight) await inFlight;
    },
  };
}
