// A failed deploy must not leave a half-deployed stack behind: a stack that did not exist before is removed; an
// update that did not converge is rolled back to what ran before (unless Swarm already did it).
import type { Logger } from "pino";
import type { SwarmPort } from "../ports/swarm.js";
import type { EnvironmentView } from "../core/report/view-model.js";
import { ROLLBACK_STATES as ROLLED_BACK } from "../ports/swarm.js";

const LOG_LINES = 20;

/** What runs after a failed deploy: nothing (a first deploy's stack was removed) or what ran before it. */
export type Recovery = "removed" | "rolled-back";
const REMOVE_TIMEOUT_MS = 120_000;

export async function recoverFailedDeploy(args: {
  swarm: SwarmPort;
  view: EnvironmentView;
  hadPrevious: boolean;
  log: Logger;
}): Promise<Recovery> {
  const { swarm, view, hadPrevious, log } = args;
  const failing = new Set((view.problems ?? []).map((p) => p.service));
  const notConverged = view.services.filter(
    (s) => s.running < s.desired || (s.updateState !== undefined && s.updateState !== "completed"),
  );
  for (const s of notConverged) failing.add(s.service);

  view.logs = {};
  for (const s of view.services.filter((x) => failing.has(x.service))) {
    try {
      view.logs[s.service] = await swarm.serviceLogs(s.fullName, LOG_LINES);
    } catch (err) {
      log.warn({ err, service: s.fullName }, "could not read service logs");
    }
  }

  if (!hadPrevious) {
    log.warn({ stack: view.stack }, "first deploy failed; removing the stack so nothing half-deployed stays");
    await swarm.removeStack(view.stack, { deadline: Date.now() + REMOVE_TIMEOUT_MS });
    view.servingNow = "nothing (the failed stack was removed)";
    return "removed";
  }
  const toRollBack = notConverged.filter((s) => !ROLLED_BACK.has(s.updateState ?? "")).map((s) => s.fullName);
  if (toRollBack.length > 0) {
    log.warn({ services: toRollBack }, "update did not converge; rolling back");
    await swarm.rollbackServices(toRollBack);
  }
  view.servingNow = "the previous version (rolled back)";
  return "rolled-back";
}
