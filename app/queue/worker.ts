// The consumer side. For each job: drop it if a newer job for its environment exists; wait (without spending an
// attempt) while another job holds the environment; run the handler with the lock held and renewed; release always.
// FinalError → no retry; other errors back off (honouring GitHub's retry-after); a job that fails for good is
// handed to onExhausted so it is reported, never dropped silently.
import { DelayedError, UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { JobData, JobResult } from "../jobs/job-data.js";
import type { JobContext } from "../jobs/deps.js";
import { environmentKey, shaOf, supersedes } from "../jobs/job-data.js";
import { FinalError, TransientError } from "../errors.js";
import { QUEUE_NAME } from "./keys.js";
import { latestJob } from "./latest-job.js";
import { createEnvironmentLock } from "./environment-lock.js";

export interface DeployWorkerOptions {
  connection: Redis;
  prefix: string;
  concurrency: number;
  handler: (data: JobData, ctx: JobContext) => Promise<JobResult>;
  onExhausted?: (data: JobData, err: Error, jobId: string) => Promise<void>;
  /** A job dropped for a newer one may have reported already (recovered after a crash): close what it opened. */
  onSuperseded?: (data: JobData, jobId: string) => Promise<void>;
  logger?: Logger;
  lockTtlMs?: number;
  /** How long a job waits before looking again at a busy environment. */
  busyRetryMs?: number;
}

export function backoffDelay(attemptsMade: number, err?: Error): number {
  if (err instanceof TransientError && err.retryAfterMs !== undefined) return Math.min(err.retryAfterMs, 15 * 60_000);
  return Math.min(2_000 * 2 ** Math.max(0, attemptsMade - 1), 60_000);
}

export function startDeployWorker(opts: DeployWorkerOptions) {
  const lockTtlMs = opts.lockTtlMs ?? 60_000;
  const busyRetryMs = opts.busyRetryMs ?? 1_000;
  const lock = createEnvironmentLock(opts.connection, opts.prefix);
  const announced = new Set<string>();

  const process = async (job: Job<JobData, JobResult>, token?: string): Promise<JobResult> => {
    const data = job.data;
    const envKey = environmentKey(data);
    // The newest job asked for this environment, when it is not this one: asked before the job starts and, through
    // the job context, while it watches Swarm.
    const newerJob = async () => {
      if (!supersedes(data)) return undefined;
      const latest = await latestJob(opts.connection, opts.prefix, envKey);
      return latest && latest.jobId !== job.id && latest.receivedAt > data.receivedAt ? latest : undefined;
    };
    const latest = await newerJob();
    if (latest) {
      opts.logger?.info({ job: job.id, by: latest.jobId, envKey }, "superseded by a newer job for this environment");
      await opts
        .onSuperseded?.(data, job.id!)
        .catch((err: Error) =>
          opts.logger?.warn({ job: job.id, err: err.message }, "could not close the superseded job's reports"),
        );
      return { outcome: "superseded", by: latest.jobId };
    }
    const lockToken = await lock.acquire(envKey, { jobId: job.id!, sha: shaOf(data), kind: data.kind }, lockTtlMs);
    if (!lockToken) {
      // Who holds the environment (job, commit, since when) is what an operator needs to see when a deploy waits.
      if (!announced.has(job.id!)) {
        announced.add(job.id!);
        const holder = await lock.inspect(envKey).catch(() => null);
        opts.logger?.info({ job: job.id, envKey, holder }, "environment busy; waiting for its lock");
      }
      await job.moveToDelayed(Date.now() + busyRetryMs, token);
      throw new DelayedError();
    }
    announced.delete(job.id!);
    const renewal = setInterval(
      () => void lock.renew(envKey, lockToken, lockTtlMs).catch(() => undefined),
      Math.floor(lockTtlMs / 3),
    );
    try {
      const superseded = async () => (await newerJob()) !== undefined;
      return await opts.handler(data, { jobId: job.id!, attempt: job.attemptsMade + 1, superseded });
    } catch (err) {
      if (err instanceof FinalError) throw new UnrecoverableError(err.message);
      throw err;
    } finally {
      clearInterval(renewal);
      await lock.release(envKey, lockToken).catch(() => undefined);
    }
  };

  const worker = new Worker<JobData, JobResult>(QUEUE_NAME, process, {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: opts.concurrency,
    settings: {
      backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) => backoffDelay(attemptsMade, err),
    },
  });
  worker.on("failed", (job, err) => {
    if (!job) return;
    void (async () => {
      const final = (await job.getState()) === "failed";
      opts.logger?.warn({ job: job.id, attempt: job.attemptsMade, final, err: err.message }, "job failed");
      if (final && opts.onExhausted) await opts.onExhausted(job.data, err, job.id!);
    })().catch((e) => opts.logger?.error({ err: e }, "onExhausted failed"));
  });
  worker.on("error", (err) => opts.logger?.error({ err }, "worker error"));
  return { worker, close: () => worker.close() };
}
