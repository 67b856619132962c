/** Caps concurrent channels on one SSH connection (sshd's MaxSessions): extra callers wait their turn. */
export class Semaphore {
  private waiting: Array<() => void> = [];
  private used = 0;
  constructor(private readonly size: number) {}

  /** Channels open now (for metrics). */
  get inUse(): number {
    return this.used;
  }

  /** A slot held until the returned release is called (a long-lived channel); release is idempotent. */
  async hold(): Promise<() => void> {
    if (this.used >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.used += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.used -= 1;
    };
  }

  async use<T>(fn: () => Promise<T>): Promise<T> {
    if (this.used >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.used += 1;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.used -= 1;
    }
  }
}
