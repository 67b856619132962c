// The audit trail: who did what to which environment, and how it ended. Append-only and bounded (the oldest entries
// go first); read by the status page and `berth audit`.

export type AuditAction = "deploy" | "rollback" | "teardown" | "command" | "approval" | "eviction" | "expiry";

export interface AuditEntry {
  at: number; // ms epoch
  who: string; // GitHub login, or "berth" for what Berth did on its own (sweeps)
  action: AuditAction;
  repository: string;
  environment: string; // "pr-12", "staging", "production"
  sha: string; // "" when no commit is involved
  /** deployed, failed, refused, waiting, superseded, torn-down, ok, error */
  result: string;
  /** One short line: the command, the trigger, the reason. Redacted before it is stored. */
  detail: string;
}

export interface AuditQuery {
  repository?: string;
  environment?: string;
  /** ms epoch: entries at or after it */
  since?: number;
  /** newest first, at most this many */
  limit?: number;
}

export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
  /** Newest first. */
  list(query?: AuditQuery): Promise<Array<AuditEntry & { id: string }>>;
}
