// Webhooks can arrive out of order (GitHub retries, proxies, a redelivery by hand): a synchronize for an older
// commit may land after the newer one, and ordering by arrival would deploy the older commit last. Before a PR event
// deploys, the PR's head is read from GitHub; a job whose commit is no longer the head (or whose PR is closed) is
// dropped. Deploys a command asked for (/redeploy, /rollback, /scale, /approve) name their commit on purpose and
// are not checked. When GitHub cannot be asked, the deploy goes ahead: better a possibly stale preview than none.
import type { Logger } from "pino";
import type { DeployPreviewJob } from "./job-data.js";
import type { JobDeps } from "./deps.js";
import { repoRef } from "../core/repository.js";

export async function staleHead(job: DeployPreviewJob, deps: JobDeps, log: Logger): Promise<string | undefined> {
  if ((job.trigger ?? "pull_request") !== "pull_request" || !deps.commandGitHubFor) return undefined;
  try {
    const gh = await deps.commandGitHubFor(job.installationId);
    const pr = await gh.pullRequest(repoRef(job.repository), job.pr);
    if (pr.state !== "open") return `the PR is ${pr.state}`;
    if (pr.headSha !== job.sha) return `the PR's head is ${pr.headSha.slice(0, 7)} now`;
  } catch (err) {
    log.warn({ err: (err as Error).message }, "could not read the PR's head; deploying the pushed commit");
  }
  return undefined;
}
