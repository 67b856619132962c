// The TTL sweeper runs as a BullMQ job scheduler: one schedule in Redis whatever the number of workers (upsert by a
// fixed id), so workers starting together do not multiply it, and a changed interval replaces the old one.
import type { Queue } from "bullmq";
import type { JobData, SweepPreviewsJob } from "../jobs/job-data.js";

export const SWEEPER_ID = "berth-sweep-previews";

export async function scheduleSweeper(queue: Queue<JobData>, everySeconds: number): Promise<void> {
  const data: SweepPreviewsJob = {
    kind: "sweep-previews",
    deliveryId: SWEEPER_ID,
    receivedAt: 0,
    sender: "berth-sweeper",
  };
  await queue.upsertJobScheduler(
    SWEEPER_ID,
    { every: everySeconds * 1000 },
    {
      name: "sweep-previews",
      data,
      opts: { attempts: 1, removeOnComplete: { count: 10 }, removeOnFail: { count: 50 } },
    },
  );
}
