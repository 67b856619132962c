// Manual time: sleeping advances the clock instead of waiting, so deadlines, TTLs and backoff cost nothing.
import type { Clock } from "../../../app/ports/clock.js";

export class FakeClock implements Clock {
  /** Every sleep asked for, in order (ms). */
  readonly sleeps: number[] = [];

  constructor(private at = Date.UTC(2026, 11, 1, 12, 0, 0)) {}

  now(): number {
    return this.at;
  }

  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.at += ms;
    return Promise.resolve();
  }

  advance(ms: number): void {
    this.at += ms;
  }

  set(at: number): void {
    this.at = at;
  }
}
