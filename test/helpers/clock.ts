/** A clock tests move by hand: engine code reads time only through `now()`. */
export class TestClock {
  constructor(private t = Date.UTC(2026, 0, 1)) {}
  now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}
