// Staging or production, in four named steps: resolve what to deploy (environment-target.ts) → admit it past the
// gates (CI, approval) or record it as waiting → plan the release (environment-plan.ts: render, build, pin; or the
// recorded release of a rollback) → apply it through the shared path, record the release and report.
import type { Logger } from "pino";
import type { DeployEnvironmentJob, JobResult } from "./job-data.js";
import type { JobContext, JobDeps } from "./deps.js";
import type { DeployConfig } from "../core/config/types.js";
import type { EnvironmentRef } from "../core/environment-types.js";
import type { Release } from "../core/release.js";
import type { ReleaseStore } from "../ports/releases.js";
import type { DeployCommit, Resolved } from "./environment-target.js";
import type { ReleasePlan } from "./environment-plan.js";
import { shaOf, triggerOf } from "./job-data.js";
import { branchEnvironment } from "../core/environment.js";
import { environmentView } from "../core/report/view-model.js";
import { FinalError } from "../errors.js";
import { applyStack } from "./apply-stack.js";
import { ensureEnvironmentSecrets } from "./environment-secrets.js";
import { confirmUpdate } from "./confirm-update.js";
import { deployHooks, environmentHealthy } from "./environment-hooks.js";
import { branchReport, closeSuperseded } from "./branch-report.js";
import { checkGates } from "./environment-gates.js";
import { announceStagingRelease, recordRelease } from "./record-release.js";
import { resolveTarget } from "./environment-target.js";
import { planRelease, planRollback } from "./environment-plan.js";
import { BranchDeployReport } from "./branch-deploy-report.js";

/** What every step of one branch deploy reads. */
interface Run {
  job: DeployEnvironmentJob;
  ctx: JobContext;
  deps: JobDeps;
  releases: ReleaseStore;
  log: Logger;
  config: DeployConfig;
  environment: EnvironmentRef;
  history: readonly Release[];
  report: BranchDeployReport;
  startedAt: number;
  /** The one failure exit: report it, free the waiting slot, log it. */
  fail(reason: string, withDeployment?: boolean, servingNow?: string): Promise<JobResult>;
}

/** Either the commit and the stack to apply, or how the job already ended (failed, waiting, config error). */
type Prepared = { kind: "ready"; commit: DeployCommit; plan: ReleasePlan } | { kind: "ended"; result: JobResult };

export async function deployEnvironment(job: DeployEnvironmentJob, ctx: JobContext, deps: JobDeps): Promise<JobResult> {
  const { releases, commitsFor } = deps;
  if (!releases || !commitsFor)
    throw new FinalError("this worker has no release store or GitHub commit reader configured");
  const env = job.environment;
  const log = deps.log.child({
    job: ctx.jobId,
    repository: job.repository,
    environment: env,
    sha: shaOf(job).slice(0, 7),
    trigger: triggerOf(job.target),
  });
  const entry = await deps.configs.forRepository(job.repository);
  if (!entry) return { outcome: "skipped", reason: "no deploy config" };

  const resolved = await resolveTarget(job, ctx, { releases, commits: () => commitsFor(job.installationId) });
  if (resolved.kind === "skip") return { outcome: "skipped", reason: resolved.reason };
  if (resolved.kind === "nothing-to-promote") {
    log.warn(`${env}: nothing to promote, staging has no healthy release yet`);
    return { outcome: "failed", reason: resolved.reason };
  }
  const startedAt = deps.clock.now();
  const reportJobId = resolved.kind === "commit" ? resolved.commit.reportJobId : ctx.jobId;
  const report = new BranchDeployReport(
    await branchReport(deps, reportJobId, job.repository, job.installationId, env, log),
    environmentView({
      repository: job.repository,
      app: entry.config?.app,
      environment: env,
      sha: resolved.kind === "commit" ? resolved.commit.sha : shaOf(job),
      phase: "rendering",
      startedAt,
    }),
    deps.clock,
  );
  const config = entry.config;
  if (!config || entry.problems.length > 0) {
    await report.configError(entry.problems);
    return { outcome: "failed", reason: `invalid deploy config (${entry.problems.length} problems)` };
  }
  if (!config[env].enabled) return { outcome: "skipped", reason: `${env} disabled in config` };
  const environment = branchEnvironment(env, config.app);
  report.stackIs(environment.stack);
  const run: Run = {
    job,
    ctx,
    deps,
    releases,
    log,
    config,
    environment,
    history: await releases.history(job.repository, env),
    report,
    startedAt,
    fail: async (reason, withDeployment = true, servingNow) => {
      await report.failed(reason, withDeployment, servingNow);
      await releases.clearWaiting(job.repository, env, reportJobId);
      log.warn({ reason }, `${env} deploy failed`);
      return { outcome: "failed", reason };
    },
  };
  const prepared = await prepare(run, resolved);
  return prepared.kind === "ended" ? prepared.result : apply(run, prepared.commit, prepared.plan);
}

async function prepare(
  run: Run,
  resolved: Exclude<Resolved, { kind: "skip" | "nothing-to-promote" }>,
): Promise<Prepared> {
  if (resolved.kind === "rollback") {
    const planned = planRollback(run.history, run.job.environment, resolved.target);
    if (planned.kind === "failed") return { kind: "ended", result: await run.fail(planned.reason, false) };
    const { sha, ref } = planned.release;
    run.report.commitIs(sha);
    const { job, ctx } = run;
    const commit = { sha, ref, trigger: "rollback", sender: job.sender, pr: job.pr, reportJobId: ctx.jobId };
    return { kind: "ready", commit, plan: planned.plan };
  }
  const { commit } = resolved;
  const admitted = await admit(run, commit);
  if (admitted) return { kind: "ended", result: admitted };
  const { job, deps, config, environment, log, report } = run;
  const stagingHistory =
    job.environment === "production" ? await run.releases.history(job.repository, "staging") : run.history;
  const planned = await planRelease({
    commit,
    config,
    environment,
    stagingHistory,
    repository: job.repository,
    installationId: job.installationId,
    deps,
    log,
    onBuilding: () => report.building(),
  });
  switch (planned.kind) {
    case "ready":
      return { kind: "ready", commit, plan: planned.plan };
    case "failed":
      return { kind: "ended", result: await run.fail(planned.reason) };
    case "config-error":
      await report.configError(planned.problems);
      return { kind: "ended", result: { outcome: "failed", reason: planned.reason } };
  }
}

/**
 * A newer commit closes the deploy that waited before it; then CI and approval decide. A deploy held back becomes
 * the environment's waiting deploy, which a CI event or `/deploy production` releases. Undefined: go ahead.
 */
async function admit(run: Run, commit: DeployCommit): Promise<JobResult | undefined> {
  const { job, deps, releases, config, log, report } = run;
  const env = job.environment;
  const overtaken = await releases.waiting(job.repository, env);
  if (overtaken && overtaken.jobId !== commit.reportJobId && overtaken.sha !== commit.sha) {
    await closeSuperseded(deps, job, overtaken, commit.sha, log);
    await releases.clearWaiting(job.repository, env, overtaken.jobId);
  }
  const gate = await checkGates(job, commit, config, deps);
  if (gate.go) return undefined;
  if ("failed" in gate) return run.fail(gate.failed);
  await releases.setWaiting(job.repository, env, {
    jobId: commit.reportJobId,
    sha: commit.sha,
    ref: commit.ref,
    trigger: commit.trigger,
    sender: commit.sender,
    ...(commit.pr ? { pr: commit.pr } : {}),
    waitingFor: gate.wait,
    since: run.startedAt,
  });
  await report.waiting(gate.reason);
  log.info({ reason: gate.reason }, `${env} deploy waits`);
  return { outcome: "waiting", reason: gate.reason };
}

async function apply(run: Run, commit: DeployCommit, plan: ReleasePlan): Promise<JobResult> {
  const { job, deps, config, environment, history, log, report, startedAt } = run;
  const settings = config[job.environment];
  report.applying(plan.url);
  const secrets = await ensureEnvironmentSecrets(config, environment, plan.yaml, deps);
  const applied = await applyStack({
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
    view: report.view,
    update: (v) => report.update(v),
    hooks: deployHooks(deps, config, environment.stack, plan.routing ?? {}),
  });
  const swarm = deps.swarmFor(config.ssh);
  // A rolled-back update runs the previous spec again: the secret versions made for the failed one are unused.
  const dropFailedSecrets = async () => {
    if (secrets.length > 0) await swarm.removeStackSecrets(environment.stack, []);
  };
  if (!applied.healthy) {
    await dropFailedSecrets();
    // Swarm restored what ran before: that is the current release, named as the history knows it.
    const current = applied.recovery === "rolled-back" ? history[0] : undefined;
    return run.fail(report.view.reason ?? "deploy failed", true, current && describeRelease(current));
  }
  await environmentHealthy(deps, {
    config,
    stack: environment.stack,
    environment: environment.name,
    sha: commit.sha,
    url: plan.url,
    services: report.view.services.map((s) => s.service),
  });
  // Recorded before success is said: whoever reads "success" may promote or roll back at once.
  const { release, recorded } = await recordRelease({ job, commit, config, environment, plan, history, deps, log });
  // Said at once; then Swarm's update monitor may still roll it back, and the same reports say so.
  await report.succeeded();
  const rolledBack = await confirmUpdate({
    swarm,
    stack: environment.stack,
    view: report.view,
    ...(run.ctx.superseded ? { superseded: run.ctx.superseded } : {}),
    reportFailure: (v) => report.failed(v.reason ?? "rolled back", true, history[0] && describeRelease(history[0])),
    clock: deps.clock,
    log,
    maxFailedTasks: settings.maxFailedTasks,
    timeoutMs: settings.healthTimeoutSeconds * 1000,
  });
  if (rolledBack) {
    if (recorded) await deps.releases!.withdraw(job.repository, job.environment, release.id);
    await dropFailedSecrets();
    return rolledBack;
  }
  // Only once Swarm completed the update: until then a rollback would need the older versions of the secrets.
  await swarm.removeStackSecrets(environment.stack, secrets);
  await announceStagingRelease({ job, commit, plan, deps, log });
  log.info({ url: plan.url, release: release.id, ms: deps.clock.now() - startedAt }, `${job.environment} is live`);
  return { outcome: "deployed", url: plan.url, durationMs: deps.clock.now() - startedAt };
}

function describeRelease(current: Release): string {
  return `${current.sha.slice(0, 7)} (the release of ${new Date(current.at).toISOString()}, ${current.trigger} by ${current.sender}); Swarm kept or restored its tasks`;
}
