// Deploy (or redeploy) one PR's preview: load config → render → stack deploy → wait for the new spec to run →
// probe the URL → report. Idempotent: run twice with the same SHA, Swarm sees the same spec and nothing changes.
import type { DeployPreviewJob, JobResult } from "./job-data.js";
import type { JobContext, JobDeps } from "./deps.js";
import type { EnvironmentView } from "../core/report/view-model.js";
import { previewEnvironment } from "../core/environment.js";
import { renderStack } from "../core/render/index.js";
import { PreviewReport } from "./preview-report.js";
import { configProblemsFrom } from "./config-problems.js";
import { applyStack } from "./apply-stack.js";

export async function deployPreview(job: DeployPreviewJob, ctx: JobContext, deps: JobDeps): Promise<JobResult> {
  const log = deps.log.child({ job: ctx.jobId, repository: job.repository, pr: job.pr, sha: job.sha.slice(0, 7) });
  const entry = await deps.configs.forRepository(job.repository);
  if (!entry) {
    log.info("no deploy config for this repository; nothing to do");
    return { outcome: "skipped", reason: "no deploy config" };
  }
  const startedAt = deps.clock.now();
  const view: EnvironmentView = {
    repository: job.repository,
    app: entry.config?.app ?? "",
    environment: `pr-${job.pr}`,
    stack: "",
    pr: job.pr,
    sha: job.sha,
    phase: "rendering",
    services: [],
    startedAt,
  };
  const report = new PreviewReport({ ...deps, reporter: await deps.reporterFor(job.installationId), log }, ctx.jobId, job.repository);

  const config = entry.config;
  if (!config || entry.problems.length > 0) {
    return failOnConfig(report, view, entry.problems, deps, log);
  }
  if (!config.preview.enabled) return { outcome: "skipped", reason: "previews disabled in config" };

  const environment = previewEnvironment(config.app, job.pr);
  view.stack = environment.stack;
  let rendered;
  try {
    const template = await deps.configs.template(config.template);
    rendered = renderStack({ config, templateFile: template.file, templateText: template.text, environment, sha: job.sha });
  } catch (err) {
    return failOnConfig(report, view, configProblemsFrom(err, config.file), deps, log);
  }
  view.url = rendered.url;
  report.begin(view, true);

  const healthy = await applyStack({
    swarm: deps.swarmFor(config.ssh),
    probe: deps.probe,
    clock: deps.clock,
    log,
    stack: environment.stack,
    yaml: rendered.yaml,
    probeUrl: rendered.probeUrl,
    deadline: startedAt + config.preview.healthTimeoutSeconds * 1000,
    healthTimeoutSeconds: config.preview.healthTimeoutSeconds,
    maxFailedTasks: config.preview.maxFailedTasks,
    view,
    update: (v) => report.update(v),
  });
  if (!healthy) return finishFailure(report, view, deps);

  view.phase = "success";
  view.finishedAt = deps.clock.now();
  report.update(view);
  await report.flush();
  log.info({ url: view.url, ms: view.finishedAt - startedAt }, "preview is live");
  return { outcome: "deployed", url: rendered.url, durationMs: view.finishedAt - startedAt };
}

async function finishFailure(report: PreviewReport, view: EnvironmentView, deps: JobDeps): Promise<JobResult> {
  view.phase = "failure";
  view.finishedAt = deps.clock.now();
  report.update(view);
  await report.flush();
  return { outcome: "failed", reason: view.reason ?? "deploy failed" };
}

async function failOnConfig(
  report: PreviewReport,
  view: EnvironmentView,
  problems: EnvironmentView["configProblems"],
  deps: JobDeps,
  log: JobDeps["log"],
): Promise<JobResult> {
  // Nothing reaches the Swarm: the check run lists each problem with file:line:col. No retry can fix it.
  view.phase = "config-error";
  view.configProblems = problems;
  view.finishedAt = deps.clock.now();
  log.warn({ problems }, "invalid deploy config; nothing deployed");
  report.begin(view, false);
  await report.flush();
  return { outcome: "failed", reason: `invalid deploy config (${problems?.length ?? 0} problems)` };
}
