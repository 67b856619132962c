// Berth's Prometheus metrics, all named berth_*. One registry per process: the worker fills the deploy, job and
// SSH metrics; the server the webhook latency and (read from Redis at scrape time) queue depth and live
// environments. See README "Metrics" for which process exposes which.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** Deploy phases take from milliseconds (render) to minutes (converge with a monitor window). */
const PHASE_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120, 300, 600];
const ACK_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export type BerthMetrics = ReturnType<typeof createBerthMetrics>;

export function createBerthMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: "berth_" });
  const registers = [registry];
  return {
    registry,
    /** Installations Berth has sent requests for (the write budget gauge reads one series per installation). */
    installations: new Set<number>(),
    deploys: new Counter({
      name: "berth_deploys_total",
      help: "Deploys that ended, by result (success, failure, refused, config-error, waiting, …) and environment kind",
      labelNames: ["result", "environment_kind"] as const,
      registers,
    }),
    deployPhase: new Histogram({
      name: "berth_deploy_phase_seconds",
      help: "Time a deploy spent in each phase: queue_wait, render, build, apply, converge, probe, report",
      labelNames: ["phase", "environment_kind"] as const,
      buckets: PHASE_BUCKETS,
      registers,
    }),
    jobs: new Counter({
      name: "berth_jobs_total",
      help: "Jobs the worker ran, by kind and outcome (error: it threw and BullMQ retries it)",
      labelNames: ["kind", "outcome"] as const,
      registers,
    }),
    jobSeconds: new Histogram({
      name: "berth_job_duration_seconds",
      help: "Time one job took in the worker, by kind",
      labelNames: ["kind"] as const,
      buckets: PHASE_BUCKETS,
      registers,
    }),
    sweeps: new Counter({ name: "berth_sweeps_total", help: "TTL sweeps the worker ran", registers }),
    previewRemovals: new Counter({
      name: "berth_preview_removals_total",
      help: "Previews torn down by Berth on its own: reason evicted (preview cap) or expired (idle past the TTL)",
      labelNames: ["reason"] as const,
      registers,
    }),
    webhookAck: new Histogram({
      name: "berth_webhook_ack_seconds",
      help: "Time from a webhook request's arrival to Berth's answer, by HTTP status",
      labelNames: ["status"] as const,
      buckets: ACK_BUCKETS,
      registers,
    }),
    githubWrites: new Counter({
      name: "berth_github_writes_total",
      help: "Write requests (POST, PATCH, PUT, DELETE) Berth sent to GitHub, per installation",
      labelNames: ["installation"] as const,
      registers,
    }),
    githubRateRemaining: new Gauge({
      name: "berth_github_rate_limit_remaining",
      help: "x-ratelimit-remaining of GitHub's last answer, per installation (the hourly request budget)",
      labelNames: ["installation"] as const,
      registers,
    }),
  };
}
