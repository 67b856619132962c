// Reports of staging and production: the coalescing EnvironmentReport with check run "Berth / <environment>" and a
// GitHub Deployment for the environment (production_environment for production, never transient).
import type { Logger } from "pino";
import type { JobDeps } from "./deps.js";
import type { DeployEnvironmentJob } from "./job-data.js";
import type { WaitingDeploy } from "../ports/releases.js";
import { environmentView } from "../core/report/view-model.js";
import { shaOf } from "./job-data.js";
import { EnvironmentReport } from "./environment-report.js";
import { isCommitSha } from "../core/repository.js";

export const ENVIRONMENT_CHECK_NAMES = { staging: "Berth / staging", production: "Berth / production" } as const;

export async function branchReport(
  deps: JobDeps,
  reportJobId: string,
  repository: string,
  installationId: number,
  environment: "staging" | "production",
  log: Logger,
): Promise<EnvironmentReport> {
  return new EnvironmentReport(
    { ...deps, reporter: await deps.reporterFor(installationId), log },
    reportJobId,
    repository,
    {
      checkName: ENVIRONMENT_CHECK_NAMES[environment],
      deployment: (view) => ({
        description: `${environment === "staging" ? "Staging" : "Production"} deploy of ${view.sha.slice(0, 7)}`,
        transient: false,
        production: environment === "production",
      }),
    },
  );
}

/** A branch deploy that gave up after retries says so on its check run (never dropped silently). */
export async function reportEnvironmentJobFailure(
  data: DeployEnvironmentJob,
  jobId: string,
  err: Error,
  deps: JobDeps,
): Promise<void> {
  const log = deps.log.child({ job: jobId, repository: data.repository, environment: data.environment });
  const sha = shaOf(data);
  if (!isCommitSha(sha)) {
    log.error({ err: err.message }, "branch deploy gave up after retries (no commit to report on)");
    return;
  }
  try {
    const entry = await deps.configs.forRepository(data.repository).catch(() => undefined);
    const report = await branchReport(deps, jobId, data.repository, data.installationId, data.environment, log);
    const view = environmentView(
      {
        repository: data.repository,
        app: entry?.config?.app,
        environment: data.environment,
        sha,
        phase: "failure",
        startedAt: data.receivedAt,
      },
      { finishedAt: deps.clock.now(), reason: `${data.environment} deploy gave up after retries: ${err.message}` },
    );
    report.begin(view, false);
    await report.flush();
  } catch (reportErr) {
    log.error({ err: reportErr, original: err.message }, "could not report a failed branch deploy to GitHub");
  }
}

/** A deploy that waited (for CI or approval) and was overtaken by a newer commit: its check run and deployment close. */
export async function closeSuperseded(
  deps: JobDeps,
  job: DeployEnvironmentJob,
  waiting: WaitingDeploy,
  bySha: string,
  log: Logger,
): Promise<void> {
  try {
    const report = await branchReport(deps, waiting.jobId, job.repository, job.installationId, job.environment, log);
    const view = environmentView(
      {
        repository: job.repository,
        environment: job.environment,
        sha: waiting.sha,
        phase: "superseded",
        startedAt: waiting.since,
      },
      {
        finishedAt: deps.clock.now(),
        reason: `${bySha.slice(0, 7)} came after it; nothing was deployed for ${waiting.sha.slice(0, 7)}`,
      },
    );
    report.begin(view, true);
    await report.flush();
  } catch (err) {
    log.warn({ err, waiting: waiting.jobId }, "could not close the superseded waiting deploy's check run");
  }
}
