// Builds Berth from the environment: the webhook server, the worker, or both in one process (npm start).
// Closes cleanly on SIGTERM/SIGINT: the server stops accepting, the worker finishes or hands back its job.
import type { Server } from "node:http";
import { createProbot } from "probot";
import { parseEnv, type BerthEnv } from "./env.js";
import { withFileVariables } from "./file-variables.js";
import { createLogger } from "./logger.js";
import { KnownSecrets } from "../adapters/secrets/known-secrets.js";
import { startServer } from "./server.js";
import { buildJobDeps } from "./job-deps.js";
import { createRedis } from "../adapters/redis/connection.js";
import { createDeployQueue } from "../queue/queue.js";
import { startDeployWorker } from "../queue/worker.js";
import { runJob } from "../jobs/run-job.js";
import { reportJobFailure } from "../jobs/report-job-failure.js";
import { closeSupersededJob } from "../jobs/close-superseded-job.js";
import { scheduleSweeper } from "../queue/sweeper-schedule.js";
import { createFileConfigSource } from "../adapters/config/file-config-source.js";
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
  const probot = createProbot({ env: rawEnv, overrides: { log } });
  const redis = createRedis(env.redisUrl);
  const closers: Array<() => Promise<unknown>> = [];
  let server: Server | undefined;

  // Both roles produce jobs: the server from webhooks, the worker for follow-ups (a /redeploy queues a deploy).
  const queue = createDeployQueue({ connection: redis, prefix: env.queuePrefix });
  const enqueue = (d: Parameters<typeof queue.enqueue>[0]) => queue.enqueue(d);
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
    });
    const address = server.address();
    log.info({ port: typeof address === "object" && address ? address.port : env.port }, "webhook server listening");
    closers.push(() => new Promise((r) => server!.close(() => r(undefined))));
  }
  if (roles.worker) {
    const { deps, close } = buildJobDeps({ env, probot, redis, log, enqueue, knownSecrets });
    const worker = startDeployWorker({
      connection: redis,
      prefix: env.queuePrefix,
      concurrency: env.workerConcurrency,
      logger: log,
      handler: (data, ctx) => runJob(data, { jobId: ctx.jobId, attempt: ctx.attempt }, deps),
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
