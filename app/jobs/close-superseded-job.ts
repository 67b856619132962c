// A deploy job that started reporting and was then overtaken — typically a job recovered after its worker died,
// which finds a newer push queued — must not leave its check run "in progress" for ever. Its check run is
// completed as cancelled and its deployment goes inactive. The sticky comment is left alone: it belongs to the
// newer deploy, which writes it.
import { environmentOf, shaOf, type JobData } from "./job-data.js";
import type { JobDeps } from "./deps.js";
import { environmentView } from "../core/report/view-model.js";
import { checkRunState, deploymentStatus } from "../core/report/index.js";
import { repoRef } from "../core/repository.js";

export async function closeSupersededJob(data: JobData, jobId: string, deps: JobDeps): Promise<void> {
  if (data.kind !== "deploy-preview" && data.kind !== "deploy-environment") return;
  const handles = await deps.handles.get(jobId);
  if (handles.checkRunId === undefined && handles.deploymentId === undefined) return; // never reported: nothing open
  const environment = environmentOf(data);
  const sha = shaOf(data);
  const view = environmentView(
    {
      repository: data.repository,
      environment,
      ...(data.kind === "deploy-preview" ? { pr: data.pr } : {}),
      sha,
      phase: "superseded",
      startedAt: data.receivedAt,
    },
    {
      finishedAt: deps.clock.now(),
      reason: `a newer commit for ${environment} was queued; ${sha.slice(0, 7) || "it"} is not deployed`,
    },
  );
  const reporter = await deps.reporterFor(data.installationId);
  const repo = repoRef(data.repository);
  if (handles.checkRunId !== undefined) await reporter.updateCheckRun(repo, handles.checkRunId, checkRunState(view));
  if (handles.deploymentId !== undefined)
    await reporter.createDeploymentStatus(repo, handles.deploymentId, deploymentStatus(view));
}
