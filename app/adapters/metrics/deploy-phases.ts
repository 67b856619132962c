// Deploy phase durations and results from the views a job reports: the time between two phase changes is the
// earlier phase's duration; the first final phase a job reaches is its result. Keyed by environment, which is
// safe because one job per environment runs at a time.
import type { EnvironmentView, Phase } from "../../core/report/view-model.js";
import type { EnvironmentWatcher } from "../../ports/environment-watch.js";
import type { JobMetrics } from "../../ports/job-metrics.js";
import type { Clock } from "../../ports/clock.js";
import { environmentKind } from "../../core/status-page/environment-kind.js";
import type { BerthMetrics } from "./berth-metrics.js";

const TIMED: Partial<Record<Phase, string>> = {
  rendering: "render",
  building: "build",
  deploying: "apply",
  converging: "converge",
  probing: "probe",
};
const RESULTS = new Set<Phase>([
  "success",
  "failure",
  "config-error",
  "refused",
  "waiting-approval",
  "waiting",
  "superseded",
]);

export function deployPhaseWatcher(metrics: BerthMetrics, clock: Clock): EnvironmentWatcher {
  const current = new Map<string, { startedAt: number; phase: Phase; since: number; counted: boolean }>();
  const keyOf = (v: EnvironmentView) => `${v.repository.toLowerCase()}#${v.environment}`;
  return {
    viewed(view) {
      if (view.phase === "tearing-down" || view.phase === "torn-down") return;
      const key = keyOf(view);
      let state = current.get(key);
      // A job's first view comes after rendering (the report begins once the URL is known): render runs from
      // the job's start.
      if (!state || state.startedAt !== view.startedAt) {
        if (current.size >= MAX_TRACKED) current.delete(current.keys().next().value!);
        state = { startedAt: view.startedAt, phase: "rendering", since: view.startedAt, counted: false };
        current.set(key, state);
      }
      const kind = environmentKind(view.environment);
      if (view.phase !== state.phase) {
        const now = clock.now();
        const timed = TIMED[state.phase];
        if (timed)
          metrics.deployPhase.observe({ phase: timed, environment_kind: kind }, Math.max(0, now - state.since) / 1000);
        state.phase = view.phase;
        state.since = now;
      }
      if (RESULTS.has(view.phase) && !state.counted) {
        state.counted = true;
        metrics.deploys.inc({ result: view.phase, environment_kind: kind });
      }
    },
    reported(view, reportMs) {
      if (view.phase === "success" || view.phase === "failure")
        metrics.deployPhase.observe(
          { phase: "report", environment_kind: environmentKind(view.environment) },
          reportMs / 1000,
        );
    },
  };
}

/** Environments whose current job is tracked; the oldest is forgotten beyond this. */
const MAX_TRACKED = 1000;

/** The JobMetrics port on the Prometheus registry. */
export function promJobMetrics(metrics: BerthMetrics): JobMetrics {
  return {
    jobFinished: (kind, outcome, seconds) => {
      metrics.jobs.inc({ kind, outcome });
      metrics.jobSeconds.observe({ kind }, seconds);
    },
    queueWait: (environmentKind, seconds) =>
      metrics.deployPhase.observe({ phase: "queue_wait", environment_kind: environmentKind }, seconds),
    sweep: () => metrics.sweeps.inc(),
    teardown: (reason) => {
      if (reason === "evicted" || reason === "expired") metrics.previewRemovals.inc({ reason });
    },
  };
}
