// The part every deploy shares, preview or branch environment: stack deploy → wait until the new spec runs →
// probe the URL → on failure recover (remove a first deploy, roll back an update) with task errors and log lines.
// Callers own loading, rendering and the final report; this only moves the view through its phases.
import type { Logger } from "pino";
import type { SwarmPort } from "../ports/swarm.js";
import type { HttpProbe } from "../ports/http-probe.js";
import type { Clock } from "../ports/clock.js";
import type { EnvironmentView } from "../core/report/view-model.js";
import { recoverFailedDeploy, type Recovery } from "./recover-failed-deploy.js";
import type { DeployHooks } from "./environment-hooks.js";

export interface ApplyStackInput {
  swarm: SwarmPort;
  probe: HttpProbe;
  clock: Clock;
  log: Logger;
  stack: string;
  yaml: string;
  probeUrl: string;
  /** Absolute ms deadline for healthy (tasks running the new spec and the URL answering 2xx). */
  deadline: number;
  healthTimeoutSeconds: number;
  maxFailedTasks: number;
  view: EnvironmentView;
  /** Push the newest view to the reports (never awaited: reporting runs beside the deploy). */
  update(view: EnvironmentView): void;
  /** Edge routing around the deploy (caddy mode); absent: nothing besides the stack. */
  hooks?: DeployHooks;
}

/** Healthy, or failed and recovered: then view.reason, problems, logs and servingNow are set. */
export type Applied = { healthy: true } | { healthy: false; recovery: Recovery };

export async function applyStack(input: ApplyStackInput): Promise<Applied> {
  const { swarm, view, update, log } = input;
  const before = await swarm.stackServices(input.stack);

  view.phase = "deploying";
  update(view);
  const deployedAt = input.clock.now();
  await input.hooks?.prepare();
  await swarm.deployStack(input.stack, input.yaml);
  log.info({ stack: input.stack }, "stack deployed; waiting for the new spec to run");

  view.phase = "converging";
  update(view);
  const outcome = await swarm.waitForStack(input.stack, {
    deadline: input.deadline,
    since: deployedAt,
    maxFailedTasks: input.maxFailedTasks,
    onProgress: async (p) => {
      view.services = p.services;
      update(view);
    },
  });
  view.services = outcome.services;
  if (!outcome.ok && outcome.reason === "removed") {
    // Nothing to roll back or remove: whoever removed the stack decided what serves.
    view.reason = outcome.message;
    view.servingNow = "nothing (the stack was removed)";
    return { healthy: false, recovery: "removed" };
  }
  if (!outcome.ok) {
    view.problems = outcome.problems;
    view.reason = outcome.message;
    const recovery = await recoverFailedDeploy({ swarm, view, hadPrevious: before.length > 0, log });
    await addFailedTaskLogs(swarm, view, log);
    return { healthy: false, recovery };
  }

  view.phase = "probing";
  update(view);
  const via = await input.hooks?.running();
  const probe = await input.probe.waitFor2xx(input.probeUrl, input.deadline, via);
  if (!probe.ok) {
    view.reason = `${input.probeUrl} did not answer 2xx within ${input.healthTimeoutSeconds} s (${probe.attempts} attempts; last: ${probe.status ?? probe.detail})`;
    const recovery = await recoverFailedDeploy({ swarm, view, hadPrevious: before.length > 0, log });
    if (before.length === 0) await input.hooks?.removed();
    return { healthy: false, recovery };
  }
  return { healthy: true };
}

const TASK_LOG_LINES = 20;
const MAX_TASKS = 2;

/**
 * A service's logs mix every task: while the old version keeps serving, its request lines bury the failing task's
 * last words. So the newest failed tasks' own logs are shown too (docker service logs takes a task id).
 */
async function addFailedTaskLogs(swarm: SwarmPort, view: EnvironmentView, log: Logger): Promise<void> {
  const newest = new Map<string, string>();
  for (const p of [...(view.problems ?? [])].reverse())
    if (!newest.has(p.service) && newest.size < MAX_TASKS) newest.set(p.service, p.taskId);
  for (const [service, taskId] of newest) {
    try {
      const lines = await swarm.serviceLogs(taskId, TASK_LOG_LINES);
      if (lines.length > 0) view.logs = { ...view.logs, [`${service} (failed task ${taskId})`]: lines };
    } catch (err) {
      log.warn({ err, taskId }, "could not read the failed task's logs");
    }
  }
}
