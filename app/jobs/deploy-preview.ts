// Deploy (or redeploy) one PR's preview: load config → render → stack deploy → wait for the new spec to run →
// probe the URL → report. Idempotent: run twice with the same SHA, Swarm sees the same spec and nothing changes.
import type { DeployPreviewJob, JobResult } from "./job-data.js";
import type { JobContext, JobDeps } from "./deps.js";
import type { EnvironmentView } from "../core/report/view-model.js";
import type { ConfigProblem } from "../core/config/types.js";
import { previewEnvironment, previewName } from "../core/environment.js";
import { environmentView } from "../core/report/view-model.js";
import { renderFromTemplate } from "./render-from-template.js";
import { kvValuesFor } from "./kv-values.js";
import { EnvironmentReport } from "./environment-report.js";
import { configProblemsFrom } from "./config-problems.js";
import { approvalWaiting, otherUsage, previewCap, previewSecrets } from "./preview-policies.js";
import { applyStack } from "./apply-stack.js";
import { evictAndWait } from "./evict-preview.js";
import { confirmUpdate } from "./confirm-update.js";
import { effectiveReplicas } from "../core/commands/limits.js";
import { deployHooks, environmentHealthy } from "./environment-hooks.js";
import { staleHead } from "./stale-head.js";
import { recordActivity } from "./record-activity.js";

export async function deployPreview(job: DeployPreviewJob, ctx: JobContext, deps: JobDeps): Promise<JobResult> {
  const log = deps.log.child({ job: ctx.jobId, repository: job.repository, pr: job.pr, sha: job.sha.slice(0, 7) });
  const entry = await deps.configs.forRepository(job.repository);
  if (!entry) {
    log.info("no deploy config for this repository; nothing to do");
    return { outcome: "skipped", reason: "no deploy config" };
  }
  await recordActivity(job, deps);
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
  const report = new EnvironmentReport({ ...deps, installationId: job.installationId, log }, ctx.jobId, job.repository);

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
  // Outside the config-error path: a registry that cannot be read is an outage to retry, not a config to fix.
  const kv = await kvValuesFor(deps, config, environment);
  try {
    secrets = await previewSecrets(config, environment, deps);
    rendered = await renderFromTemplate(deps.configs, {
      config,
      ...(kv ? { kv } : {}),
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
  // When each phase began: the benchmark reads them from the "preview is live" line to say where the time went.
  const phaseAt: Partial<Record<EnvironmentView["phase"], number>> = { rendering: startedAt };

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
    update: (v) => {
      phaseAt[v.phase] ??= deps.clock.now();
      report.update(v);
    },
    hooks: deployHooks(deps, config, environment.stack, rendered),
  });
  // A rolled-back update runs the previous spec again: the secret versions made for the failed one are unused.
  const dropFailedSecrets = async () => {
    if (Object.keys(secrets.names).length === 0) return;
    const removed = await swarm.removeStackSecrets(environment.stack, []);
    if (removed.length > 0) log.info({ removedSecrets: removed }, "removed the failed update's secrets");
  };
  if (!applied.healthy) {
    await dropFailedSecrets();
    return finishFailure(report, view, deps);
  }

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
  const since = (from: number | undefined, to: number | undefined) => (from && to ? to - from : undefined);
  const timings = {
    queue: startedAt - job.receivedAt,
    render: since(startedAt, phaseAt.deploying),
    ssh: since(phaseAt.deploying, phaseAt.converging),
    converge: since(phaseAt.converging, phaseAt.probing),
    probe: since(phaseAt.probing, finishedAt),
  };
  log.info({ url: view.url, ms: finishedAt - startedAt, timings }, "preview is live");
  const rolledBack = await confirmUpdate({
    swarm,
    stack: environment.stack,
    view,
    ...(ctx.superseded ? { superseded: ctx.superseded } : {}),
    reportFailure: (v) => report.finish(v, "failure", deps.clock.now()),
    clock: deps.clock,
    log,
    maxFailedTasks: config.preview.maxFailedTasks,
    timeoutMs: config.preview.healthTimeoutSeconds * 1000,
  });
  if (rolledBack) {
    await dropFailedSecrets();
    return rolledBack;
  }
  // Only once Swarm completed the update: until then a rollback would need the older versions of the secrets.
  const removedSecrets = await swarm.removeStackSecrets(environment.stack, Object.values(secrets.names));
  if (removedSecrets.length > 0) log.info({ removedSecrets }, "removed secrets no longer used");
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
  return phase === "waiting-approval" ? { outcome: "waiting", reason } : { outcome: "failed", reason, refused: true };
}
