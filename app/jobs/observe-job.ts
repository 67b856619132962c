// Wraps the job handler with what operators see afterwards: an audit entry, who triggered the environment's last
// deploy (for the status page) and job metrics. None of it may fail a job: errors are logged and dropped.
import type { Logger } from "pino";
import type { JobData, JobResult } from "./job-data.js";
import { environmentOf, triggerOf } from "./job-data.js";
import type { AuditLog } from "../ports/audit.js";
import type { EnvironmentStateStore } from "../ports/environment-states.js";
import type { JobMetrics } from "../ports/job-metrics.js";
import type { Clock } from "../ports/clock.js";
import { auditEntryFor } from "./audit-entry.js";
import { environmentKind } from "../core/status-page/environment-kind.js";
import { parseComment } from "../core/commands/parse.js";

export interface JobObservers {
  audit?: AuditLog;
  states?: EnvironmentStateStore;
  metrics?: JobMetrics;
  clock: Clock;
  log: Logger;
  /** Blacks out known secret values in what is stored (error messages may quote command output). */
  redact: (text: string) => string;
}

export function observeJobs<C>(
  run: (data: JobData, ctx: C) => Promise<JobResult>,
  o: JobObservers,
): (data: JobData, ctx: C) => Promise<JobResult> {
  return async (data, ctx) => {
    const started = o.clock.now();
    if ((data.kind === "deploy-preview" || data.kind === "deploy-environment") && data.receivedAt > 0)
      o.metrics?.queueWait(environmentKind(environmentOf(data)), Math.max(0, started - data.receivedAt) / 1000);
    if (data.kind === "sweep-previews") o.metrics?.sweep();
    let result: JobResult;
    try {
      result = await run(data, ctx);
    } catch (err) {
      await record(data, { error: o.redact(err instanceof Error ? err.message : String(err)) }, started, o);
      throw err;
    }
    await record(data, result, started, o);
    return result;
  };
}

async function record(data: JobData, outcome: JobResult | { error: string }, started: number, o: JobObservers) {
  const now = o.clock.now();
  const outcomeName = "error" in outcome ? "error" : outcome.outcome;
  o.metrics?.jobFinished(data.kind, outcomeName, (now - started) / 1000);
  if (data.kind === "teardown-preview" && outcomeName === "torn-down") o.metrics?.teardown(data.reason);
  try {
    const entry = auditEntryFor(data, outcome, now);
    if (entry && o.audit) await o.audit.append({ ...entry, detail: o.redact(entry.detail) });
    const triggered =
      outcomeName === "deployed" || (data.kind === "command" && outcomeName === "done" && redeploys(data));
    if (o.states && triggered && data.kind !== "sweep-previews") {
      const trigger =
        data.kind === "command"
          ? (entry?.detail ?? "command")
          : data.kind === "deploy-environment"
            ? triggerOf(data.target)
            : data.kind === "deploy-preview"
              ? (data.trigger ?? "pull_request")
              : data.reason;
      await o.states.noteTrigger(data.repository, environmentOf(data), { at: now, by: data.sender, trigger });
    }
  } catch (err) {
    o.log.warn({ err, kind: data.kind }, "could not record the audit entry or the environment's trigger");
  }
}

/** Commands that deploy the PR's preview in the command job itself. */
function redeploys(data: Extract<JobData, { kind: "command" }>): boolean {
  return parseComment(data.body).some(
    (p) =>
      p.ok &&
      (p.command.name === "scale" ||
        p.command.name === "redeploy" ||
        p.command.name === "approve" ||
        (p.command.name === "rollback" && !p.command.environment)),
  );
}
