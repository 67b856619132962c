// Keeps the status page's record of each live environment from the final views jobs report: a healthy deploy
// writes it (keeping when it first went live), a failed update marks it failing (an older spec serves), a failed
// first deploy writes nothing (its stack was removed), a teardown removes it.
import type { Logger } from "pino";
import type { EnvironmentView } from "../core/report/view-model.js";
import type { EnvironmentStateStore } from "../ports/environment-states.js";
import type { EnvironmentWatcher } from "../ports/environment-watch.js";
import type { Clock } from "../ports/clock.js";

export function environmentTracker(store: EnvironmentStateStore, clock: Clock, log: Logger): EnvironmentWatcher {
  return {
    viewed() {},
    async reported(view) {
      try {
        await track(store, view, clock.now());
      } catch (err) {
        log.warn({ err, environment: view.environment }, "could not record the environment's state");
      }
    },
  };
}

async function track(store: EnvironmentStateStore, view: EnvironmentView, now: number): Promise<void> {
  if (view.phase === "torn-down") return store.remove(view.repository, view.environment);
  if (view.phase !== "success" && view.phase !== "failure") return;
  const before = await store.get(view.repository, view.environment);
  if (view.phase === "failure") {
    if (!before) return;
    await store.put({ ...before, health: "failing", note: view.reason ?? "deploy failed", updatedAt: now });
    return;
  }
  await store.put({
    repository: view.repository,
    environment: view.environment,
    app: view.app,
    stack: view.stack,
    ...(view.pr !== undefined ? { pr: view.pr } : {}),
    ...(view.url ? { url: view.url } : {}),
    sha: view.sha,
    health: "healthy",
    services: view.services.map((s) => ({ service: s.service, running: s.running, desired: s.desired })),
    since: before?.since ?? view.finishedAt ?? now,
    updatedAt: now,
    ...(before?.lastDeploy ? { lastDeploy: before.lastDeploy } : {}),
  });
}

/** Several watchers as one (metrics and the status page's record). */
export function allWatchers(...watchers: EnvironmentWatcher[]): EnvironmentWatcher {
  return {
    viewed: (view) => watchers.forEach((w) => w.viewed(view)),
    async reported(view, ms) {
      await Promise.all(watchers.map((w) => w.reported(view, ms)));
    },
  };
}
