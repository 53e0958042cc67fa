// A background pass run at start and then `intervalMs` after each one ends: never two at once, the timer
// never keeps the process alive, and stop() waits for the pass in flight. Renewals and the housekeeping
// passes (housekeeping-pass.ts) run on it.
export class PeriodicPass<T> {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<T> | null = null;
  private stoppedFlag = false;

  constructor(
    private readonly pass: () => Promise<T>,
    private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  get stopped(): boolean {
    return this.stoppedFlag;
  }

  start(): void {
    if (this.timer || this.stoppedFlag) return;
    const loop = () => {
      this.timer = null;
      if (this.stoppedFlag) return;
      this.runOnce()
        .catch(this.onError)
        .finally(() => {
          if (this.stoppedFlag) return;
          this.timer = setTimeout(loop, this.intervalMs);
          this.timer.unref();
        });
    };
    this.timer = setTimeout(loop, 0);
    this.timer.unref();
  }

  /** One pass now; a call while one is running shares it. */
  runOnce(): Promise<T> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** No pass starts after this call returns its promise; resolves once the one in flight has settled. */
  async stop(): Promise<void> {
    this.stoppedFlag = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }
}
