// GitHub's secondary limits for content-creating requests, per installation: at most 80 a minute and 500 an hour.
// Sliding windows of what was sent, so the scheduler can pace ahead of the limits instead of hitting them.

export interface WriteLimits {
  perMinute: number;
  perHour: number;
}

export const GITHUB_WRITE_LIMITS: WriteLimits = { perMinute: 80, perHour: 500 };

const MINUTE = 60_000;
const HOUR = 3_600_000;

export class WriteBudget {
  private readonly sent: number[] = []; // send times, oldest first, at most one hour back

  constructor(private readonly limits: WriteLimits) {}

  private forget(now: number): void {
    while (this.sent.length > 0 && this.sent[0]! <= now - HOUR) this.sent.shift();
  }

  private inLastMinute(now: number): number {
    let n = 0;
    for (let i = this.sent.length - 1; i >= 0 && this.sent[i]! > now - MINUTE; i--) n++;
    return n;
  }

  /** Writes still allowed in the rolling hour. */
  hourLeft(now: number): number {
    this.forget(now);
    return this.limits.perHour - this.sent.length;
  }

  /** 0 when a write may go now, else how long until one may (the oldest write in the full window ages out). */
  waitMs(now: number): number {
    this.forget(now);
    let wait = 0;
    if (this.sent.length >= this.limits.perHour) wait = this.sent[this.sent.length - this.limits.perHour]! + HOUR - now;
    if (this.inLastMinute(now) >= this.limits.perMinute) {
      const oldestInMinute = this.sent[this.sent.length - this.limits.perMinute]!;
      wait = Math.max(wait, oldestInMinute + MINUTE - now);
    }
    return Math.max(0, wait);
  }

  record(now: number): void {
    this.sent.push(now);
  }

  sentInLastHour(now: number): number {
    this.forget(now);
    return this.sent.length;
  }
}
