// Metrics, the audit trail and the status page, wired for one process. Which process exposes what:
// - the server role serves GET /metrics with the webhook latency and the gauges read from Redis (queue depth,
//   oldest waiting job, live environments), and GET /status;
// - the worker role fills the deploy, job, GitHub-write and SSH metrics; in `npm start` they share the server's
//   registry, a worker started alone serves them on BERTH_METRICS_PORT.
// Prometheus scrapes each process; counters are per process, so sum() them across instances in queries.
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Queue } from "bullmq";
import type { BerthEnv } from "./env.js";
import type { ConfigSource } from "../ports/config-source.js";
import type { KnownSecrets } from "../adapters/secrets/known-secrets.js";
import { systemClock } from "../ports/clock.js";
import { createBerthMetrics } from "../adapters/metrics/berth-metrics.js";
import { deployPhaseWatcher, promJobMetrics } from "../adapters/metrics/deploy-phases.js";
import {
  registerEnvironmentGauges,
  registerQueueGauges,
  registerSshGauges,
} from "../adapters/metrics/scrape-gauges.js";
import {
  countGitHubWrites,
  registerWriteSchedulerMetrics,
  type WriteSchedulerView,
} from "../adapters/metrics/github-writes.js";
import { GITHUB_WRITE_LIMITS } from "../adapters/github/write-budget.js";
import { createAuditLog } from "../adapters/redis/audit.js";
import { createEnvironmentStateStore } from "../adapters/redis/environment-states.js";
import { createActivityStore } from "../adapters/redis/activity.js";
import { allWatchers, environmentTracker } from "../jobs/track-environment.js";
import type { JobObservers } from "../jobs/observe-job.js";
import { metricsRoute } from "./metrics-route.js";
import { statusRoute } from "./status-page/route.js";

export type Observability = ReturnType<typeof createObservability>;

export function createObservability(args: { env: BerthEnv; redis: Redis; log: Logger; knownSecrets: KnownSecrets }) {
  const { env, redis, log, knownSecrets } = args;
  const metrics = createBerthMetrics();
  const audit = createAuditLog(redis, env.queuePrefix, env.auditMaxEntries);
  const states = createEnvironmentStateStore(redis, env.queuePrefix);
  return {
    metrics,
    audit,
    states,
    /** Server role: /metrics, /status, webhook latency, the Redis-read gauges. */
    server(queue: Queue, configs: ConfigSource) {
      registerQueueGauges(metrics, queue, systemClock);
      registerEnvironmentGauges(metrics, states);
      return {
        routes: [
          metricsRoute(metrics.registry, log),
          statusRoute({
            token: env.statusToken,
            log,
            states,
            audit,
            activity: createActivityStore(redis, env.queuePrefix),
            configs,
            auditBound: env.auditMaxEntries,
            now: () => systemClock.now(),
          }),
        ],
        onWebhookAnswered: (status: number, seconds: number) =>
          metrics.webhookAck.observe({ status: String(status) }, seconds),
      };
    },
    /** Worker role: what jobs report. */
    /** Where the GitHub write scheduler is built: its counts and each installation's hourly budget left. */
    writeScheduler(scheduler: WriteSchedulerView) {
      registerWriteSchedulerMetrics(metrics, scheduler, () => [...metrics.installations], GITHUB_WRITE_LIMITS.perHour);
    },
    sshGauges(usage: () => { connections: number; channels: number }) {
      registerSshGauges(metrics, usage);
    },
    worker() {
      const watcher = allWatchers(
        deployPhaseWatcher(metrics, systemClock),
        environmentTracker(states, systemClock, log),
      );
      const observers: JobObservers = {
        audit,
        states,
        metrics: promJobMetrics(metrics),
        clock: systemClock,
        log,
        redact: (text) => knownSecrets.text(text),
      };
      return {
        watcher,
        observers,
        countWrites: <T extends object>(octokit: T, installationId: number) =>
          countGitHubWrites(octokit, installationId, metrics),
      };
    },
  };
}
