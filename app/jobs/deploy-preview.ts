// Deploy (or redeploy) one PR's preview: load config → render → stack deploy → wait for the new spec to run →
// probe the URL → report. Idempotent: run twice with the same SHA, Swarm sees the same spec and nothing changes.
import type { DeployPreviewJob, JobResult } from "./job-data.js";
import type { JobContext, JobDeps } from "./deps.js";
import type { EnvironmentView } from "../core/report/view-model.js";
import { previewEnvironment } from "../core/environment.js";
import { renderStack } from "../core/render/index.js";
import { PreviewReport } from "./preview-report.js";
import { configProblemsFrom } from "./config-problems.js";
import { recoverFailedDeploy } from "./recover-failed-deploy.js";
import { effectiveReplicas } from "../core/commands/limits.js";

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
  // Counts set by /scale survive pushes (Swarm would reset them to the file's value).
  const replicas = effectiveReplicas(config, (await deps.replicas?.get(job.repository, job.pr)) ?? {});
  let rendered;
  try {
    const template = await deps.configs.template(config.template);
    rendered = renderStack({ config, templateFile: template.file, templateText: template.text, environment, sha: job.sha, replicas });
  } catch (err) {
    return failOnConfig(report, view, configProblemsFrom(err, config.file), deps, log);
  }
  view.url = rendered.url;
  report.begin(view, true);

  const swarm = deps.swarmFor(config.ssh);
  const before = await swarm.stackServices(environment.stack);
  const deadline = startedAt + config.preview.healthTimeoutSeconds * 1000;

  view.phase = "deploying";
  report.update(view);
  const deployedAt = deps.clock.now();
  await swarm.deployStack(environment.stack, rendered.yaml);
  log.info({ stack: environment.stack, hash: rendered.hash }, "stack deployed; waiting for the new spec to run");

  view.phase = "converging";
  report.update(view);
  const outcome = await swarm.waitForStack(environment.stack, {
    deadline,
    since: deployedAt,
    maxFailedTasks: config.preview.maxFailedTasks,
    onProgress: async (p) => {
      view.services = p.services;
      report.update(view);
    },
  });
  view.services = outcome.services;
  if (!outcome.ok) {
    view.problems = outcome.problems;
    view.reason = outcome.message;
    await recoverFailedDeploy({ swarm, view, hadPrevious: before.length > 0, log });
    return finishFailure(report, view, deps);
  }

  view.phase = "probing";
  report.update(view);
  const probe = await deps.probe.waitFor2xx(rendered.probeUrl, deadline);
  if (!probe.ok) {
    view.reason = `${rendered.probeUrl} did not answer 2xx within ${config.preview.healthTimeoutSeconds} s (${probe.attempts} attempts; last: ${probe.status ?? probe.detail})`;
    await recoverFailedDeploy({ swarm, view, hadPrevious: before.length > 0, log });
    return finishFailure(report, view, deps);
  }

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
