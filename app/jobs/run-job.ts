import type { JobData, JobResult } from "./job-data.js";
import type { JobContext, JobDeps } from "./deps.js";
import { deployPreview } from "./deploy-preview.js";
import { teardownPreview } from "./teardown-preview.js";
import { deployEnvironment } from "./deploy-environment.js";
import { runCommand } from "./run-command.js";
import { sweepPreviews } from "./sweep-previews.js";

export async function runJob(data: JobData, ctx: JobContext, deps: JobDeps): Promise<JobResult> {
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
