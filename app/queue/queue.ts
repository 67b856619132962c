// The producer side: webhook handlers enqueue job data here. Same delivery twice → one job.
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { JobData } from "../jobs/job-data.js";
import { environmentKey, supersedes } from "../jobs/job-data.js";
import { QUEUE_NAME, jobIdFor } from "./keys.js";
import { recordLatest } from "./latest-job.js";

/** Dedupe by delivery id holds while the job record exists: keep finished jobs for a day. */
export const JOB_OPTIONS = {
  attempts: 6,
  backoff: { type: "berth" },
  removeOnComplete: { age: 24 * 3600, count: 5000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
} as const;

export function createDeployQueue(opts: { connection: Redis; prefix: string }) {
  const queue = new Queue<JobData>(QUEUE_NAME, { connection: opts.connection, prefix: opts.prefix });
  return {
    queue,
    async enqueue(data: JobData): Promise<{ jobId: string; duplicate: boolean }> {
      const jobId = jobIdFor(data.deliveryId);
      // EXISTS on the job's hash, not getJob: that reads and parses the whole job on every webhook.
      if ((await opts.connection.exists(queue.toKey(jobId))) === 1) return { jobId, duplicate: true };
      // BullMQ ignores an add whose jobId exists, so two racing handlers still make one job.
      await queue.add(data.kind, data, { ...JOB_OPTIONS, jobId });
      if (supersedes(data))
        await recordLatest(opts.connection, opts.prefix, environmentKey(data), jobId, data.receivedAt);
      return { jobId, duplicate: false };
    },
    close: () => queue.close(),
  };
}
