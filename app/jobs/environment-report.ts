// Reports of staging and production: the preview's coalescing report with check run "Berth / <environment>" and a
// GitHub Deployment for the environment (production_environment for production, never transient).
import type { Logger } from "pino";
import type { JobDeps } from "./deps.js";
import type { EnvironmentView } from "../core/report/view-model.js";
import { PreviewReport } from "./preview-report.js";

export const ENVIRONMENT_CHECK_NAMES = { staging: "Berth / staging", production: "Berth / production" } as const;

export async function environmentReport(deps: JobDeps, reportJobId: string, repository: string, installationId: number, environment: "staging" | "production", log: Logger): Promise<PreviewReport> {
  return new PreviewReport({ ...deps, reporter: await deps.reporterFor(installationId), log }, reportJobId, repository, {
    checkName: ENVIRONMENT_CHECK_NAMES[environment],
    deployment: (view) => ({
      description: `${environment === "staging" ? "Staging" : "Production"} deploy of ${view.sha.slice(0, 7)}`,
      transient: false,
      production: environment === "production",
    }),
  });
}

export async function finish(report: PreviewReport, view: EnvironmentView, phase: "success" | "failure" | "config-error", now: number): Promise<void> {
  view.phase = phase;
  view.finishedAt = now;
  report.update(view);
  await report.flush();
}
