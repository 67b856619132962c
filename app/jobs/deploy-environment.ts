// Staging or production of one commit: resolve what to deploy (the pushed commit, the deploy that waited for CI, the
// commit staging runs, or a recorded release for a rollback) → gates (CI, approval) → render (production: pinned to
// the images staging ran for the commit) → the shared apply path → record the release → report.
import type { DeployEnvironmentJob, JobResult } from "./job-data.js";
import type { JobContext, JobDeps } from "./deps.js";
import type { EnvironmentView } from "../core/report/view-model.js";
import type { Release } from "../core/release.js";
import { rollbackTarget } from "../core/release.js";
import { productionEnvironment, stagingEnvironment } from "../core/environment.js";
import { renderStack } from "../core/render/index.js";
import { pinImages, setImages } from "../core/render/pin-images.js";
import { buildFromSource } from "./build-from-source.js";
import { FinalError } from "../errors.js";
import { applyStack } from "./apply-stack.js";
import { deployHooks, environmentHealthy } from "./environment-hooks.js";
import { configProblemsFrom } from "./config-problems.js";
import { closeSuperseded, environmentReport } from "./environment-report.js";
import { checkGates, resolveCommit, type Target } from "./environment-gates.js";
import { recordRelease } from "./record-release.js";
import { isCommitSha } from "../core/repository.js";

export async function deployEnvironment(job: DeployEnvironmentJob, ctx: JobContext, deps: JobDeps): Promise<JobResult> {
  const releases = deps.releases;
  if (!releases || !deps.commitsFor)
    throw new FinalError("this worker has no release store or GitHub commit reader configured");
  const env = job.environment;
  const log = deps.log.child({
    job: ctx.jobId,
    repository: job.repository,
    environment: env,
    sha: job.sha.slice(0, 7),
    trigger: job.trigger,
  });
  const entry = await deps.configs.forRepository(job.repository);
  if (!entry) return { outcome: "skipped", reason: "no deploy config" };

  let target: Target = {
    sha: job.sha,
    ref: job.ref,
    trigger: job.trigger,
    sender: job.sender,
    pr: job.pr,
    reportJobId: ctx.jobId,
  };
  if (job.trigger === "ci") {
    const waiting = await releases.waiting(job.repository, env);
    if (!waiting || waiting.waitingFor !== "ci" || (job.sha !== "" && waiting.sha !== job.sha))
      return { outcome: "skipped", reason: `no ${env} deploy waits for CI of this commit` };
    target = {
      sha: waiting.sha,
      ref: waiting.ref,
      trigger: waiting.trigger,
      sender: waiting.sender,
      pr: waiting.pr,
      reportJobId: waiting.jobId,
    };
  }
  if (job.trigger !== "rollback" && target.sha === "") {
    const resolved = await resolveCommit(job, target, deps);
    if (!resolved) {
      log.warn(`${env}: nothing to promote, staging has no healthy release yet`);
      return { outcome: "failed", reason: "nothing to promote: staging has no healthy release yet" };
    }
  }
  const startedAt = deps.clock.now();
  const view: EnvironmentView = {
    repository: job.repository,
    app: entry.config?.app ?? "",
    environment: env,
    stack: "",
    sha: target.sha,
    phase: "rendering",
    services: [],
    startedAt,
  };
  const report = await environmentReport(deps, target.reportJobId, job.repository, job.installationId, env, log);
  // The check run and deployment are created once per report; later phases only update them.
  let begun = false;
  const show = (withDeployment: boolean) => {
    if (begun) return report.update(view);
    begun = true;
    report.begin(view, withDeployment);
  };
  const fail = async (reason: string, withDeployment = true): Promise<JobResult> => {
    view.reason = reason;
    if (!view.sha) view.sha = job.sha;
    if (isCommitSha(view.sha)) show(withDeployment);
    await report.finish(view, "failure", deps.clock.now());
    await releases.clearWaiting(job.repository, env, target.reportJobId);
    log.warn({ reason }, `${env} deploy failed`);
    return { outcome: "failed", reason };
  };

  const config = entry.config;
  if (!config || entry.problems.length > 0) {
    view.configProblems = entry.problems;
    show(false);
    await report.finish(view, "config-error", deps.clock.now());
    return { outcome: "failed", reason: `invalid deploy config (${entry.problems.length} problems)` };
  }
  const settings = config[env];
  if (!settings.enabled) return { outcome: "skipped", reason: `${env} disabled in config` };
  const environment = env === "staging" ? stagingEnvironment(config.app) : productionEnvironment(config.app);
  view.stack = environment.stack;
  const history = await releases.history(job.repository, env);
  const stagingHistory = env === "production" ? await releases.history(job.repository, "staging") : history;

  let plan: { yaml: string; hash: string; url: string; probeUrl: string; restoredFrom?: string };
  let routing: Parameters<typeof deployHooks>[3] = {};
  if (job.trigger === "rollback") {
    const found = rollbackTarget(history, { sha: job.sha || undefined, releaseId: job.releaseId });
    if ("error" in found) return fail(`rollback of ${env}: ${found.error}`, false);
    Object.assign(target, { sha: found.sha, ref: found.ref });
    view.sha = found.sha;
    plan = { yaml: found.yaml, hash: found.hash, url: found.url, probeUrl: found.probeUrl, restoredFrom: found.id };
  } else {
    const overtaken = await releases.waiting(job.repository, env);
    if (overtaken && overtaken.jobId !== target.reportJobId && overtaken.sha !== target.sha) {
      await closeSuperseded(deps, job, overtaken, target.sha, log);
      await releases.clearWaiting(job.repository, env, overtaken.jobId);
    }
    const gate = await checkGates(job, target, config, deps);
    if (!gate.go) {
      if ("failed" in gate) return fail(gate.failed);
      await releases.setWaiting(job.repository, env, {
        jobId: target.reportJobId,
        sha: target.sha,
        ref: target.ref,
        trigger: target.trigger,
        sender: target.sender,
        ...(target.pr ? { pr: target.pr } : {}),
        waitingFor: gate.wait,
        since: startedAt,
      });
      view.phase = "waiting";
      view.reason = gate.reason;
      show(true);
      await report.flush();
      log.info({ reason: gate.reason }, `${env} deploy waits`);
      return { outcome: "waiting", reason: gate.reason };
    }
    try {
      const template = await deps.configs.template(config.template);
      const rendered = renderStack({
        config,
        templateFile: template.file,
        templateText: template.text,
        environment,
        sha: target.sha,
      });
      plan = { yaml: rendered.yaml, hash: rendered.hash, url: rendered.url, probeUrl: rendered.probeUrl };
      routing = rendered;
    } catch (err) {
      view.configProblems = configProblemsFrom(err, config.file);
      show(false);
      await report.finish(view, "config-error", deps.clock.now());
      return { outcome: "failed", reason: "stack could not be rendered" };
    }
    if (env === "staging" && config.build.enabled) {
      view.phase = "building";
      show(true);
      try {
        const built = await buildFromSource({
          repository: job.repository,
          installationId: job.installationId,
          sha: target.sha,
          config,
          deps,
          log,
        });
        plan = { ...plan, ...setImages(plan.yaml, { [built.service]: built.image }) };
      } catch (err) {
        return fail(`building ${config.app}:${target.sha.slice(0, 7)} from source failed: ${(err as Error).message}`);
      }
    }
    if (env === "production") {
      // Promotion: never a rebuild. Production runs the images staging ran healthy for this very commit.
      const staged =
        stagingHistory.find((r) => r.sha === target.sha && r.trigger !== "rollback") ??
        stagingHistory.find((r) => r.sha === target.sha);
      if (!staged)
        return fail(
          `${target.sha.slice(0, 7)} never ran healthy on staging, so there is no tested image to promote; push it to ${config.staging.branch} first`,
        );
      plan = { ...plan, ...pinImages(plan.yaml, staged.images) };
    }
  }

  view.url = plan.url;
  show(true);
  const healthy = await applyStack({
    swarm: deps.swarmFor(config.ssh),
    probe: deps.probe,
    clock: deps.clock,
    log,
    stack: environment.stack,
    yaml: plan.yaml,
    probeUrl: plan.probeUrl,
    deadline: startedAt + settings.healthTimeoutSeconds * 1000,
    healthTimeoutSeconds: settings.healthTimeoutSeconds,
    maxFailedTasks: settings.maxFailedTasks,
    view,
    update: (v) => report.update(v),
    hooks: deployHooks(deps, config, environment.stack, routing),
  });
  if (!healthy) {
    view.servingNow = servingNow(history, view.servingNow);
    return fail(view.reason ?? "deploy failed");
  }
  await environmentHealthy(deps, {
    config,
    stack: environment.stack,
    environment: env,
    sha: target.sha,
    url: plan.url,
    services: Object.keys(config.services),
  });
  const release = await recordRelease({ job, target, config, environment, plan, view, history, deps, log });
  await report.finish(view, "success", deps.clock.now());
  log.info({ url: view.url, release: release.id, ms: deps.clock.now() - startedAt }, `${env} is live`);
  return { outcome: "deployed", url: plan.url, durationMs: deps.clock.now() - startedAt };
}

function servingNow(history: readonly Release[], fallback: string | undefined): string | undefined {
  const current = history[0];
  if (!current || fallback?.startsWith("nothing")) return fallback;
  return `${current.sha.slice(0, 7)} (the release of ${new Date(current.at).toISOString()}, ${current.trigger} by ${current.sender}); Swarm kept or restored its tasks`;
}
