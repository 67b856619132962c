// A clock that moves only when a test says so; sleepers wake in time order, each after the microtasks before it ran.
import type { Clock } from "../../app/ports/clock.js";

export class ManualClock implements Clock {
  private timers: Array<{ at: number; seq: number; wake: () => void }> = [];
  private seq = 0;
  constructor(private t = 0) {}

  now(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((wake) => this.timers.push({ at: this.t + Math.max(0, ms), seq: this.seq++, wake }));
  }

  /** Moves time forward by `ms`, firing every timer due on the way at its own instant. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = Math.max(this.t, due.at);
      due.wake();
    }
    this.t = end;
    await settle();
  }
}

/** Lets pending promise chains run (several turns: chains nest). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}
