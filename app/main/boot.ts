// Builds Berth from the environment: the webhook server, the worker, or both in one process (npm start).
// Closes cleanly on SIGTERM/SIGINT: the server stops accepting, the worker finishes or hands back its job.
import type { Server } from "node:http";
import { createProbot, ProbotOctokit } from "probot";
import { parseEnv, type BerthEnv } from "./env.js";
import { withFileVariables } from "./file-variables.js";
import { createLogger } from "./logger.js";
import { KnownSecrets } from "../adapters/secrets/known-secrets.js";
import { startServer } from "./server.js";
import { buildJobDeps } from "./job-deps.js";
import { createRedis } from "../adapters/redis/connection.js";
import { createDeployQueue } from "../queue/queue.js";
import { startDeployWorker } from "../queue/worker.js";
import type { JobContext } from "../jobs/deps.js";
import type { JobData } from "../jobs/job-data.js";
import { runJob } from "../jobs/run-job.js";
import { reportJobFailure } from "../jobs/report-job-failure.js";
import { closeSupersededJob } from "../jobs/close-superseded-job.js";
import { scheduleSweeper } from "../queue/sweeper-schedule.js";
import { createFileConfigSource } from "../adapters/config/file-config-source.js";
import { createObservability } from "./observability.js";
import { metricsServer } from "./metrics-route.js";
import { observeJobs } from "../jobs/observe-job.js";

const UNTHROTTLED_OCTOKIT = ProbotOctokit.defaults((options: Record<string, unknown> = {}) => ({
  ...options,
  throttle: { ...(options.throttle as object | undefined), enabled: false },
}));
import { startEdgeKeeper } from "./edge-keeper.js";
import { startRegistryKeeper } from "./registry-keeper.js";

export interface Running {
  env: BerthEnv;
  server?: Server;
  close(): Promise<void>;
}

export async function boot(
  roles: { server: boolean; worker: boolean },
  rawEnv: NodeJS.ProcessEnv = process.env,
): Promise<Running> {
  const env = parseEnv(rawEnv);
  const knownSecrets = new KnownSecrets();
  const log = createLogger(env.logLevel, knownSecrets);
  // GitHub writes are paced by Berth's write scheduler (app/adapters/github/write-scheduler.ts), which knows a final
  // state from a progress tick; Octokit's throttling would space every write ≥ 1 s (comments 3 s) in front of it.
  // Without redisConfig Probot also skips its Redis-clustered Bottleneck.
  const probot = createProbot({
    env: rawEnv,
    overrides: { log, Octokit: UNTHROTTLED_OCTOKIT, redisConfig: undefined },
  });
  const redis = createRedis(env.redisUrl);
  const closers: Array<() => Promise<unknown>> = [];
  let server: Server | undefined;

  // Both roles produce jobs: the server from webhooks, the worker for follow-ups (a /redeploy queues a deploy).
  const queue = createDeployQueue({ connection: redis, prefix: env.queuePrefix });
  const enqueue = (d: Parameters<typeof queue.enqueue>[0]) => queue.enqueue(d);
  const observability = createObservability({ env, redis, log, knownSecrets });
  if (roles.server) {
    const configs = createFileConfigSource({
      configDir: env.configDir,
      templatesDir: env.templatesDir,
      variables: env.configVariables,
    });
    server = await startServer({
      probot,
      enqueue,
      redis,
      port: env.port,
      host: env.host,
      configs,
      webhookSecret: env.webhookSecret,
      ...observability.server(queue.queue, configs),
    });
    const address = server.address();
    log.info({ port: typeof address === "object" && address ? address.port : env.port }, "webhook server listening");
    closers.push(() => new Promise((r) => server!.close(() => r(undefined))));
  }
  if (roles.worker) {
    const watching = observability.worker();
    const { deps, close, sshUsage, writeScheduler } = buildJobDeps({
      env,
      probot,
      redis,
      log,
      enqueue,
      knownSecrets,
      watcher: watching.watcher,
      countWrites: watching.countWrites,
    });
    observability.sshGauges(sshUsage);
    observability.writeScheduler(writeScheduler);
    const handler = observeJobs((data: JobData, ctx: JobContext) => runJob(data, ctx, deps), watching.observers);
    const worker = startDeployWorker({
      connection: redis,
      prefix: env.queuePrefix,
      concurrency: env.workerConcurrency,
      logger: log,
      handler,
      onExhausted: (data, err, jobId) => reportJobFailure(data, jobId, err, deps),
      onSuperseded: (data, jobId) => closeSupersededJob(data, jobId, deps),
    });
    await scheduleSweeper(queue.queue, env.sweepIntervalSeconds);
    log.info({ concurrency: env.workerConcurrency, sweepIntervalSeconds: env.sweepIntervalSeconds }, "worker started");
    const stopEdgeKeeper = startEdgeKeeper(deps, env.edgeSyncSeconds, log);
    const stopRegistryKeeper = deps.registry
      ? startRegistryKeeper(deps, deps.registry, env.discovery?.syncSeconds ?? 30, log)
      : async () => undefined;
    closers.push(stopEdgeKeeper, stopRegistryKeeper, () => worker.close(), close);
    if (!roles.server && env.metricsPort !== undefined) {
      const metrics = await metricsServer(observability.metrics.registry, log, env.metricsPort, env.host);
      log.info({ port: env.metricsPort }, "worker metrics on /metrics");
      closers.push(() => new Promise((r) => metrics.close(() => r(undefined))));
    }
  }
  closers.push(() => queue.close());

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      for (const c of closers) await c().catch((err) => log.error({ err }, "error while closing"));
      redis.disconnect();
    })());
  return { env, server, close };
}

/** Entry-point helper: boot, log fatal config errors plainly, close on signals. */
export async function main(roles: { server: boolean; worker: boolean }): Promise<void> {
  let running: Running;
  try {
    running = await boot(roles, withFileVariables(process.env));
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      void running.close().then(() => process.exit(0));
    });
  }
}
