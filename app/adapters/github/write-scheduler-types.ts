// The shapes the GitHub write scheduler works with, apart from what a write says (its payload).

/**
 * final: a check run's conclusion or a deployment's final status — never dropped, sent first, kept in Redis.
 * comment: a sticky comment edit — kept in Redis, dropped only when the hourly budget runs short.
 * progress: "3/4 tasks running", "in progress" — superseded by a newer one, dropped first, never kept.
 */
export type WriteClass = "final" | "comment" | "progress";

export interface ScheduledWrite<P> {
  id: string;
  installationId: number;
  /** What the write changes: one check run, one deployment, one comment. Writes of a subject go out in order. */
  subject: string;
  class: WriteClass;
  payload: P;
  enqueuedAt: number;
  seq: number;
}

export interface WriteTransport<P> {
  /**
   * Performs the write. Calls `permit()` before each request that creates content (one write may need two: a
   * deployment and its status). Throws TransientError (retryAfterMs set on 403/429) or FinalError.
   */
  send(write: ScheduledWrite<P>, permit: () => Promise<void>): Promise<void>;
}

/** Where pending final states and comments wait, so a crash or restart does not lose them. */
export interface PendingWriteStore<P> {
  save(write: ScheduledWrite<P>): Promise<void>;
  remove(write: ScheduledWrite<P>): Promise<void>;
  /** Writes left by a process that is gone, now owned by this one (each handed to one process only). */
  recover(): Promise<Array<ScheduledWrite<P>>>;
  /** Keeps this process's claim alive; called every few seconds. */
  heartbeat(): Promise<void>;
  close(): Promise<void>;
}

export function memoryWriteStore<P>(): PendingWriteStore<P> & { writes: Map<string, ScheduledWrite<P>> } {
  const writes = new Map<string, ScheduledWrite<P>>();
  return {
    writes,
    save: async (w) => void writes.set(w.id, w),
    remove: async (w) => void writes.delete(w.id),
    recover: async () => [],
    heartbeat: async () => undefined,
    close: async () => undefined,
  };
}
