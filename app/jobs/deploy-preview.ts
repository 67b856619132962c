// Deploy (or redeploy) one PR's preview: load config → render → stack deploy → wait for the new spec to run →
// probe the URL → report. Idempotent: run twice with the same SHA, Swarm sees the same spec and nothing changes.
import type { DeployPreviewJob, JobResult } from "./job-data.js";
import type { JobContext, JobDeps } from "./deps.js";
import type { EnvironmentView } from "../core/report/view-model.js";
import type { ConfigProblem } from "../core/config/types.js";
import { previewEnvironment, previewName } from "../core/environment.js";
import { environmentView } from "../core/report/view-model.js";
import { renderStack } from "../core/render/index.js";
import { EnvironmentReport } from "./environment-report.js";
import { configProblemsFrom } from "./config-problems.js";
import { approvalWaiting, otherUsage, previewCap, previewSecrets } from "./preview-policies.js";
import { applyStack } from "./apply-stack.js";
import { evictAndWait } from "./evict-preview.js";
import { effectiveReplicas } from "../core/commands/limits.js";
import { deployHooks, environmentHealthy } from "./environment-hooks.js";
import { staleHead } from "./stale-head.js";

export async function deployPreview(job: DeployPreviewJob, ctx: JobContext, deps: JobDeps): Promise<JobResult> {
  const log = deps.log.child({ job: ctx.jobId, repository: job.repository, pr: job.pr, sha: job.sha.slice(0, 7) });
  const entry = await deps.configs.forRepository(job.repository);
  if (!entry) {
    log.info("no deploy config for this repository; nothing to do");
    return { outcome: "skipped", reason: "no deploy config" };
  }
  const startedAt = deps.clock.now();
  const view = environmentView({
    repository: job.repository,
    app: entry.config?.app,
    environment: previewName(job.pr),
    pr: job.pr,
    sha: job.sha,
    phase: "rendering",
    startedAt,
  });
  const report = new EnvironmentReport(
    { ...deps, reporter: await deps.reporterFor(job.installationId), log },
    ctx.jobId,
    job.repository,
  );

  const config = entry.config;
  if (!config || entry.problems.length > 0) {
    return failOnConfig(report, view, entry.problems, deps, log);
  }
  if (!config.preview.enabled) return { outcome: "skipped", reason: "previews disabled in config" };
  const stale = await staleHead(job, deps, log);
  if (stale) {
    log.info({ why: stale }, "not the PR's head any more; dropped");
    return { outcome: "superseded", by: stale };
  }

  const environment = previewEnvironment(config.app, job.pr);
  view.stack = environment.stack;
  // Untrusted code waits here: nothing rendered with secrets, nothing sent to the Swarm.
  const waiting = await approvalWaiting(job, deps);
  if (waiting) return stopOnPolicy(report, view, "waiting-approval", "waiting for approval", waiting, deps, log);

  const swarm = deps.swarmFor(config.ssh);
  const needsLive = (config.preview.maxLive ?? 0) > 0 || config.quotas?.repository !== undefined;
  const live = needsLive ? await swarm.liveEnvironments(config.repository) : [];
  const cap = await previewCap(config, environment, live, deps);
  if (!cap.ok) return stopOnPolicy(report, view, "refused", cap.reason, cap.note, deps, log);
  // Counts set by /scale survive pushes (Swarm would reset them to the file's value).
  const replicas = effectiveReplicas(config, (await deps.replicas?.get(job.repository, job.pr)) ?? {});
  let rendered;
  let secrets;
  try {
    secrets = await previewSecrets(config, environment, deps);
    const template = await deps.configs.template(config.template);
    rendered = renderStack({
      config,
      templateFile: template.file,
      templateText: template.text,
      environment,
      sha: job.sha,
      replicas,
      secrets: secrets.names,
      ref: job.headRef,
      ...(config.quotas?.repository ? { otherUsage: otherUsage(live, environment) } : {}),
    });
  } catch (err) {
    return failOnConfig(report, view, configProblemsFrom(err, config.file), deps, log);
  }
  if (cap.evict !== undefined) {
    const stack = previewEnvironment(config.app, cap.evict).stack;
    await evictAndWait(job, { pr: cap.evict, stack }, config.ssh, deps, log);
  }
  view.url = rendered.url;
  report.begin(view, true);

  for (const [name, swarmName] of Object.entries(secrets.names)) {
    await swarm.ensureSecret(swarmName, secrets.values[name]!, {
      "berth.repository": config.repository,
      "berth.environment": environment.name,
      "berth.stack": environment.stack,
    });
  }
  const applied = await applyStack({
    swarm,
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
    hooks: deployHooks(deps, config, environment.stack, rendered),
  });
  if (!applied.healthy) return finishFailure(report, view, deps);

  // Older versions of the secrets: no service of this stack refers to them any more.
  const removedSecrets = await swarm.removeStackSecrets(environment.stack, Object.values(secrets.names));
  if (removedSecrets.length > 0) log.info({ removedSecrets }, "removed secrets no longer used");

  await environmentHealthy(deps, {
    config,
    stack: environment.stack,
    environment: environment.name,
    sha: job.sha,
    url: rendered.url,
    services: rendered.services,
  });
  const finishedAt = deps.clock.now();
  await report.finish(view, "success", finishedAt);
  log.info({ url: view.url, ms: finishedAt - startedAt }, "preview is live");
  return { outcome: "deployed", url: rendered.url, durationMs: finishedAt - startedAt };
}

async function finishFailure(report: EnvironmentReport, view: EnvironmentView, deps: JobDeps): Promise<JobResult> {
  // Operators read the same reason and task errors the PR gets (the logger redacts secret values in them).
  deps.log.warn(
    {
      repository: view.repository,
      environment: view.environment,
      reason: view.reason,
      problems: view.problems?.slice(-5),
    },
    "deploy failed",
  );
  await report.finish(view, "failure", deps.clock.now());
  return { outcome: "failed", reason: view.reason ?? "deploy failed" };
}

async function failOnConfig(
  report: EnvironmentReport,
  view: EnvironmentView,
  problems: ConfigProblem[],
  deps: JobDeps,
  log: JobDeps["log"],
): Promise<JobResult> {
  // No retry can fix it: the job ends here, failed.
  log.warn({ problems }, "invalid deploy config; nothing deployed");
  await report.configError(view, problems, deps.clock.now());
  return { outcome: "failed", reason: `invalid deploy config (${problems.length} problems)` };
}

async function stopOnPolicy(
  report: EnvironmentReport,
  view: EnvironmentView,
  phase: "waiting-approval" | "refused",
  reason: string,
  note: string,
  deps: JobDeps,
  log: JobDeps["log"],
): Promise<JobResult> {
  view.phase = phase;
  view.reason = reason;
  view.policyNote = note;
  view.finishedAt = deps.clock.now();
  log.info({ phase, reason }, "not deployed");
  report.begin(view, false);
  await report.flush();
  return phase === "waiting-approval" ? { outcome: "waiting", reason } : { outcome: "failed", reason };
}
