// What the worker counts about jobs; the Prometheus adapter implements it, tests use a fake or nothing.
export interface JobMetrics {
  /** A job ran to an outcome ("deployed", "failed", …, or "error" when it threw). */
  jobFinished(kind: string, outcome: string, seconds: number): void;
  /** Webhook arrival → the job started (includes waiting for the environment's lock and retries). */
  queueWait(environmentKind: string, seconds: number): void;
  sweep(): void;
  /** A preview removed because the cap evicted it or it expired. */
  teardown(reason: string): void;
}
