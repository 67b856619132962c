import type { JobDeps } from "./deps.js";
import type { CommandJob, DeployPreviewJob } from "./job-data.js";

// The one place "last activity" is kept: every push and every command on a PR keeps its preview alive (the time is
// the webhook's arrival, so a job that waited in the queue does not count as newer). Called once the repository is
// known to have a deploy config: an unconfigured repository has no preview to keep alive, and its webhooks (most of
// what a busy installation sends) would each cost a Redis write and a record the sweeper reads for nothing.
export async function recordActivity(data: DeployPreviewJob | CommandJob, deps: JobDeps): Promise<void> {
  if (!deps.activity) return;
  await deps.activity.touch({
    repository: data.repository,
    pr: data.pr,
    installationId: data.installationId,
    at: Math.max(data.receivedAt, 0),
  });
}
