// Before a branch deploy renders anything: is CI done and green, and (production) did an admin approve? A deploy
// held back is recorded as the environment's waiting deploy; check_suite / workflow_run events and /deploy
// production release it. Berth's own check suite is ignored (it would wait for itself).
import type { DeployEnvironmentJob } from "./job-data.js";
import type { JobDeps } from "./deps.js";
import type { DeployConfig } from "../core/config/types.js";
import type { WaitingDeploy } from "../ports/releases.js";
import { describeVerdict, evaluateCiGate } from "../core/ci-gate.js";
import { repoRef } from "../core/repository.js";

export interface Target {
  sha: string;
  ref: string;
  trigger: string;
  sender: string;
  pr?: number;
  /** The job whose check run and deployment this deploy reports on. */
  reportJobId: string;
}

export type GateResult =
  | { go: true; note?: string }
  | { go: false; wait: WaitingDeploy["waitingFor"]; reason: string }
  | { go: false; failed: string };

export async function checkGates(
  job: DeployEnvironmentJob,
  target: Target,
  config: DeployConfig,
  deps: JobDeps,
): Promise<GateResult> {
  const settings = config[job.environment];
  let note: string | undefined;
  if (settings.ciGate) {
    const commits = await deps.commitsFor!(job.installationId);
    const verdict = evaluateCiGate(await commits.checkSuites(repoRef(job.repository), target.sha), deps.appId);
    if (verdict.state === "failed") return { go: false, failed: `${describeVerdict(verdict)}; nothing was deployed` };
    if (verdict.state === "pending") return { go: false, wait: "ci", reason: describeVerdict(verdict) };
    note = describeVerdict(verdict);
  }
  if (job.environment === "production" && config.production.requireApproval && target.trigger !== "command") {
    return { go: false, wait: "approval", reason: "waiting for an admin's /deploy production" };
  }
  return { go: true, ...(note ? { note } : {}) };
}

/**
 * A job without a commit: a release names a tag (GitHub is asked which commit it points at); `/deploy production`
 * releases the deploy that waits for approval (reporting on its check run) or promotes what staging runs now.
 */
export async function resolveCommit(job: DeployEnvironmentJob, target: Target, deps: JobDeps): Promise<boolean> {
  if (target.ref.startsWith("refs/tags/")) {
    target.sha = await (
      await deps.commitsFor!(job.installationId)
    ).resolveCommit(repoRef(job.repository), target.ref.slice("refs/tags/".length));
    return true;
  }
  if (job.environment !== "production") return false;
  const waiting = await deps.releases!.waiting(job.repository, "production");
  if (waiting?.waitingFor === "approval") {
    Object.assign(target, { sha: waiting.sha, ref: waiting.ref, reportJobId: waiting.jobId });
    return true;
  }
  const staging = (await deps.releases!.history(job.repository, "staging"))[0];
  if (!staging) return false;
  Object.assign(target, { sha: staging.sha, ref: staging.ref });
  return true;
}
