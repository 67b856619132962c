// Success is reported as soon as the new spec runs healthy and the URL answers — not after Swarm's update monitor
// window. Swarm keeps watching the update for that window and may still roll it back (a release that passes its
// healthcheck, then fails it). This keeps watching until Swarm completes the update; if Swarm rolls back after all,
// the same check run, deployment and comment flip to failure with the reason and what serves now.
import type { Logger } from "pino";
import type { SwarmPort } from "../ports/swarm.js";
import type { Clock } from "../ports/clock.js";
import type { EnvironmentView } from "../core/report/view-model.js";
import type { JobResult } from "./job-data.js";
import { recoverFailedDeploy } from "./recover-failed-deploy.js";

export async function confirmUpdate(args: {
  swarm: SwarmPort;
  stack: string;
  view: EnvironmentView;
  /** Reports the failure on the deploy's own check run, deployment and comment (the view says why and what serves). */
  reportFailure(view: EnvironmentView): Promise<void>;
  clock: Clock;
  log: Logger;
  maxFailedTasks: number;
  timeoutMs: number;
  /** A newer deploy of the environment is queued: it replaces this update, so watching it any longer only delays it. */
  superseded?: () => Promise<boolean>;
  /** When Swarm rolled back: what serves now, in the environment's words (a release, "the previous version"). */
  servingNow?: (fallback: string | undefined) => string | undefined;
}): Promise<JobResult | undefined> {
  const { swarm, stack, view, log } = args;
  // A stack created from nothing has no update to monitor: healthy is final.
  if (!view.services.some((s) => s.updateState === "updating")) return undefined;
  const since = args.clock.now();
  const outcome = await swarm.waitForStack(stack, {
    until: "converged",
    deadline: since + args.timeoutMs,
    since: view.startedAt,
    maxFailedTasks: args.maxFailedTasks,
    ...(args.superseded ? { abandon: args.superseded } : {}),
  });
  if (outcome.ok) {
    log.info({ stack, ms: args.clock.now() - since }, "Swarm completed the update");
    return undefined;
  }
  if (outcome.reason === "abandoned") {
    log.info({ stack }, "a newer deploy is queued: it takes over the update; success stands");
    return undefined;
  }
  if (outcome.reason === "removed") {
    log.info({ stack }, "the stack was removed while Swarm watched its update; nothing left to watch");
    return undefined;
  }
  if (outcome.reason === "timeout") {
    log.warn({ stack, message: outcome.message }, "Swarm still watching the update at the deadline; keeping success");
    return undefined;
  }
  view.services = outcome.services;
  view.problems = outcome.problems;
  view.reason = `after it first ran healthy, ${outcome.message}`;
  await recoverFailedDeploy({ swarm, view, hadPrevious: true, log });
  view.servingNow = args.servingNow?.(view.servingNow) ?? view.servingNow;
  log.warn({ stack, reason: view.reason }, "update rolled back after success was reported; reporting failure");
  await args.reportFailure(view);
  return { outcome: "failed", reason: view.reason };
}
