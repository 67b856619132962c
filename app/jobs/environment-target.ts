// Step one of a branch deploy: which commit it deploys, and whose check run reports on it. A push names its commit;
// a CI event releases the deploy that waited for that commit; a release names a tag GitHub resolves; `/deploy
// production` releases the deploy waiting for approval or promotes what staging runs now. A rollback's commit comes
// from the release history, read once the config is known (environment-plan.ts).
import type { DeployEnvironmentJob, DeployTarget } from "./job-data.js";
import type { JobContext } from "./deps.js";
import type { ReleaseStore, WaitingDeploy } from "../ports/releases.js";
import type { GitHubCommits } from "../ports/github-commits.js";
import { isRollback, triggerOf } from "./job-data.js";
import { repoRef } from "../core/repository.js";

/** The one commit a branch deploy is about once its target is resolved. */
export interface DeployCommit {
  sha: string;
  ref: string;
  /** What caused it (push, tag, release, ci, command, rollback): recorded in the release. */
  trigger: string;
  sender: string;
  pr?: number;
  /** The job whose check run and deployment this deploy reports on (a released waiting deploy keeps its own). */
  reportJobId: string;
}

export type Resolved =
  | { kind: "commit"; commit: DeployCommit }
  /** Which release is restored is read from the history once the config is known. */
  | { kind: "rollback"; target: Extract<DeployTarget, { kind: "release" | "release-of-commit" | "previous-release" }> }
  | { kind: "skip"; reason: string }
  | { kind: "nothing-to-promote"; reason: string };

export interface BranchDeps {
  releases: ReleaseStore;
  commits: () => Promise<GitHubCommits>;
}

export async function resolveTarget(job: DeployEnvironmentJob, ctx: JobContext, deps: BranchDeps): Promise<Resolved> {
  const { target } = job;
  if (isRollback(target)) return { kind: "rollback", target };
  const own = (sha: string, ref: string, reportJobId = ctx.jobId): Resolved => ({
    kind: "commit",
    commit: { sha, ref, trigger: triggerOf(target), sender: job.sender, pr: job.pr, reportJobId },
  });
  switch (target.kind) {
    case "commit":
      return own(target.sha, target.ref);
    case "tag": {
      const sha = await (await deps.commits()).resolveCommit(repoRef(job.repository), target.tag);
      return own(sha, `refs/tags/${target.tag}`);
    }
    case "ci-completed": {
      const waiting = await deps.releases.waiting(job.repository, job.environment);
      if (!waiting || waiting.waitingFor !== "ci" || waiting.sha !== target.sha)
        return { kind: "skip", reason: `no ${job.environment} deploy waits for CI of this commit` };
      return { kind: "commit", commit: fromWaiting(waiting) };
    }
    case "promote-staging": {
      const waiting =
        job.environment === "production" ? await deps.releases.waiting(job.repository, "production") : undefined;
      if (waiting?.waitingFor === "approval") return own(waiting.sha, waiting.ref, waiting.jobId);
      const staging =
        job.environment === "production" ? (await deps.releases.history(job.repository, "staging"))[0] : undefined;
      if (!staging)
        return { kind: "nothing-to-promote", reason: "nothing to promote: staging has no healthy release yet" };
      return own(staging.sha, staging.ref);
    }
  }
}

/** A deploy that waited for CI runs as the deploy it was: its commit, its trigger, its check run. */
function fromWaiting(w: WaitingDeploy): DeployCommit {
  return { sha: w.sha, ref: w.ref, trigger: w.trigger, sender: w.sender, pr: w.pr, reportJobId: w.jobId };
}
