// /scale is a scale, not a redeploy: `docker service scale --detach` on the running preview's service (no task is
// replaced, nothing is rendered or probed again), then watch until the desired replicas run healthy. The count is
// already in the replica store, so the next push renders it too. The check run and the sticky comment show the new
// count; no deployment is created (nothing new is deployed).
import type { CommandRun } from "./command-actions.js";
import type { JobResult } from "./job-data.js";
import type { EnvironmentView } from "../core/report/view-model.js";
import { previewEnvironment } from "../core/environment.js";
import { routeFor } from "../core/render/routing.js";
import { EnvironmentReport } from "./environment-report.js";

/** Undefined when the preview's stack has no such service running: the caller deploys instead. */
export async function scalePreview(
  run: CommandRun,
  service: string,
  replicas: number,
  previous: number | undefined,
): Promise<JobResult | undefined> {
  const { job, deps, config, pr } = run;
  const environment = previewEnvironment(config.app, pr.number);
  const swarm = deps.swarmFor(config.ssh);
  const before = await swarm.stackServices(environment.stack);
  const target = before.find((s) => s.service === service);
  if (!target) return undefined;
  const jobId = `${run.ctx.jobId}:${run.index}`;
  const log = deps.log.child({
    job: jobId,
    repository: job.repository,
    pr: pr.number,
    scale: `${service}=${replicas}`,
  });
  const startedAt = deps.clock.now();
  const view: EnvironmentView = {
    repository: job.repository,
    app: config.app,
    environment: environment.name,
    stack: environment.stack,
    pr: pr.number,
    sha: pr.headSha,
    phase: "converging",
    url: routeFor(config, environment, "").url,
    services: before.map((s) => (s.service === service ? { ...s, desired: replicas } : s)),
    startedAt,
  };
  const report = new EnvironmentReport({ ...deps, installationId: job.installationId, log }, jobId, job.repository);
  report.begin(view, false);
  await swarm.scaleService(target.fullName, replicas);
  const outcome = await swarm.waitForStack(environment.stack, {
    deadline: startedAt + config.preview.healthTimeoutSeconds * 1000,
    since: startedAt,
    maxFailedTasks: config.preview.maxFailedTasks,
    onProgress: (p) => {
      view.services = p.services;
      report.update(view);
    },
  });
  view.services = outcome.services;
  if (outcome.ok) {
    await report.finish(view, "success", deps.clock.now());
    log.info({ ms: deps.clock.now() - startedAt }, "scaled");
    return { outcome: "deployed", url: view.url!, durationMs: deps.clock.now() - startedAt };
  }
  view.problems = outcome.problems;
  view.reason = outcome.message;
  if (outcome.reason === "removed") {
    view.servingNow = "nothing (the stack was removed)";
    await report.finish(view, "failure", deps.clock.now());
    return { outcome: "failed", reason: outcome.message };
  }
  // Back to what ran before: the count the store held, else the count that ran.
  // Only the count goes back: `docker service rollback` would undo the last deploy's spec, not this scale.
  await swarm.scaleService(target.fullName, previous ?? target.desired);
  view.logs = { [service]: await swarm.serviceLogs(target.fullName, 20).catch(() => []) };
  view.servingNow = `${service} back at ${previous ?? target.desired} replicas`;
  await report.finish(view, "failure", deps.clock.now());
  return { outcome: "failed", reason: outcome.message };
}
