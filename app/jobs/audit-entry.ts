// What one finished job means for the audit trail: pure, from the job's data and result. Sweeps are not entries
// (they run every few minutes); the teardowns they queue are ("expiry"). Skipped jobs did nothing worth keeping
// (a comment without a command, a repository without a config).
import type { AuditAction, AuditEntry } from "../ports/audit.js";
import type { JobData, JobResult } from "./job-data.js";
import { environmentOf, isRollback, shaOf, triggerOf } from "./job-data.js";
import { commandLines, parseComment } from "../core/commands/parse.js";

const DETAIL_MAX = 200;

export function auditEntryFor(data: JobData, outcome: JobResult | { error: string }, at: number): AuditEntry | null {
  if (data.kind === "sweep-previews") return null;
  if ("outcome" in outcome && outcome.outcome === "skipped") return null;
  const { action, detail } = describe(data);
  const result =
    "error" in outcome
      ? "error"
      : outcome.outcome === "failed" && outcome.refused
        ? "refused"
        : outcome.outcome === "done"
          ? "ok"
          : outcome.outcome;
  const why =
    "error" in outcome
      ? outcome.error
      : outcome.outcome === "failed" || outcome.outcome === "waiting"
        ? outcome.reason
        : outcome.outcome === "deployed"
          ? outcome.url
          : "";
  return {
    at,
    who: data.sender,
    action,
    repository: data.repository,
    environment: environmentOf(data),
    sha: shaOf(data),
    result,
    detail: [detail, why].filter(Boolean).join(" — ").replace(/\s+/g, " ").slice(0, DETAIL_MAX),
  };
}

function describe(data: Exclude<JobData, { kind: "sweep-previews" }>): { action: AuditAction; detail: string } {
  switch (data.kind) {
    case "deploy-preview":
      return { action: "deploy", detail: `preview, ${data.trigger ?? "pull_request"}` };
    case "deploy-environment": {
      const t = data.target;
      return {
        action: isRollback(t) ? "rollback" : "deploy",
        detail: [triggerOf(t), t.kind === "commit" ? t.ref : t.kind === "tag" ? t.tag : ""].filter(Boolean).join(" "),
      };
    }
    case "teardown-preview":
      return {
        action: data.reason === "expired" ? "expiry" : data.reason === "evicted" ? "eviction" : "teardown",
        detail: data.reason,
      };
    case "command": {
      const approves = parseComment(data.body).some((p) => p.ok && p.command.name === "approve");
      return { action: approves ? "approval" : "command", detail: commandLines(data.body).join("; ") };
    }
  }
}
