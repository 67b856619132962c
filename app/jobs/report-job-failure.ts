// A job that failed for good (retries exhausted, or an error no retry can fix) is never dropped silently: its check
// run and deployment say so, with the error, so the PR author knows to push again or ask an admin.
import type { JobData } from "./job-data.js";
import type { JobDeps } from "./deps.js";
import { environmentView } from "../core/report/view-model.js";
import { previewEnvironment, previewName } from "../core/environment.js";
import { EnvironmentReport } from "./environment-report.js";
import { reportEnvironmentJobFailure } from "./branch-report.js";
import { reportCommandFailure } from "./command-failure.js";

export async function reportJobFailure(data: JobData, jobId: string, err: Error, deps: JobDeps): Promise<void> {
  if (data.kind === "deploy-environment") return reportEnvironmentJobFailure(data, jobId, err, deps);
  if (data.kind === "command") return reportCommandFailure(data, jobId, err, deps);
  if (data.kind === "sweep-previews") {
    deps.log.error({ job: jobId, kind: data.kind, err: err.message }, "job gave up after retries");
    return;
  }
  const log = deps.log.child({ job: jobId, repository: data.repository, pr: data.pr });
  const entry = await deps.configs.forRepository(data.repository).catch(() => undefined);
  const preview = entry?.config ? previewEnvironment(entry.config.app, data.pr) : undefined;
  const view = environmentView(
    {
      repository: data.repository,
      app: entry?.config?.app,
      environment: previewName(data.pr),
      stack: preview?.stack,
      pr: data.pr,
      sha: data.sha,
      phase: "failure",
      startedAt: data.receivedAt,
    },
    {
      finishedAt: deps.clock.now(),
      reason: `${data.kind === "teardown-preview" ? "Teardown" : "Deploy"} gave up after retries: ${err.message}`,
    },
  );
  try {
    const report = new EnvironmentReport(
      { ...deps, reporter: await deps.reporterFor(data.installationId), log },
      jobId,
      data.repository,
    );
    if (data.kind === "deploy-preview") {
      report.begin(view, false);
      await report.flush();
    } else {
      await report.sendComment(view);
    }
  } catch (reportErr) {
    log.error({ err: reportErr, original: err.message }, "could not report a failed job to GitHub");
  }
}
