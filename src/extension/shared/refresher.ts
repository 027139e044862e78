/**
 * Coalesces refresh requests: at most one run per `intervalMs`, never two at once, and a request
 * that arrives during a run causes exactly one more run afterwards. Live runs notify many times a
 * second; the panel must neither fall behind nor re-query the backend for every notification.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export class Refresher {
  private pending = false;
  private running = false;
  private timer: unknown;
  private lastStart = -Infinity;
  private disposed = false;

  constructor(
    private readonly run: () => Promise<void>,
    private readonly intervalMs: number,
    private readonly clock: Clock = realClock,
  ) {}

  request(): void {
    this.pending = true;
    this.pump();
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private pump(): void {
    if (this.disposed || this.running || this.timer !== undefined || !this.pending) return;
    const wait = this.lastStart + this.intervalMs - this.clock.now();
    if (wait > 0) {
      this.timer = this.clock.setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, wait);
      return;
    }
    this.pending = false;
    this.running = true;
    this.lastStart = this.clock.now();
    void this.run()
      .catch(() => undefined) // `run` reports its own errors; a rejection must not stop refreshes
      .finally(() => {
        this.running = false;
        this.pump();
      });
  }
}
