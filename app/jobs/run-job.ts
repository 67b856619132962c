import type { JobData, JobResult } from "./job-data.js";
import type { JobContext, JobDeps } from "./deps.js";
import { deployPreview } from "./deploy-preview.js";
import { teardownPreview } from "./teardown-preview.js";
import { deployEnvironment } from "./deploy-environment.js";
import { runCommand } from "./run-command.js";
import { sweepPreviews } from "./sweep-previews.js";

export async function runJob(data: JobData, ctx: JobContext, deps: JobDeps): Promise<JobResult> {
  await recordActivity(data, deps);
  switch (data.kind) {
    case "deploy-preview":
      return deployPreview(data, ctx, deps);
    case "teardown-preview":
      return teardownPreview(data, ctx, deps);
    case "command":
      return runCommand(data, ctx, deps);
    case "sweep-previews":
      return sweepPreviews(data, ctx, deps);
    case "deploy-environment":
      return deployEnvironment(data, ctx, deps);
  }
}

// The one place "last activity" is kept: every push and every command on a PR keeps its preview alive (the time is
// the webhook's arrival, so a job that waited in the queue does not count as newer). A teardown is not activity (it
// forgets the record); a staging deploy names its merged PR, which has no preview any more.
async function recordActivity(data: JobData, deps: JobDeps): Promise<void> {
  if (!deps.activity || (data.kind !== "deploy-preview" && data.kind !== "command")) return;
  await deps.activity.touch({
    repository: data.repository,
    pr: data.pr,
    installationId: data.installationId,
    at: Math.max(data.receivedAt, 0),
  });
}
