// Before a branch deploy renders anything: is CI done and green, and (production) did an admin approve? A deploy
// held back is recorded as the environment's waiting deploy; check_suite / workflow_run events and /deploy
// production release it. Berth's own check suite is ignored (it would wait for itself).
import type { DeployEnvironmentJob } from "./job-data.js";
import type { JobDeps } from "./deps.js";
import type { DeployConfig } from "../core/config/types.js";
import type { WaitingDeploy } from "../ports/releases.js";
import type { DeployCommit } from "./environment-target.js";
import { describeVerdict, evaluateCiGate } from "../core/ci-gate.js";
import { repoRef } from "../core/repository.js";

export type GateResult =
  | { go: true; note?: string }
  | { go: false; wait: WaitingDeploy["waitingFor"]; reason: string }
  | { go: false; failed: string };

export async function checkGates(
  job: DeployEnvironmentJob,
  target: DeployCommit,
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
