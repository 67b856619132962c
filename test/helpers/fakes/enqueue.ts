// The queue as jobs see it: follow-up jobs are recorded, not run; the job id is the delivery id, and a second job
// with the same delivery id is a duplicate (BullMQ's custom job ids dedupe the same way while the job exists).
import type { Enqueue } from "../../../app/events/enqueue.js";
import type { JobData } from "../../../app/jobs/job-data.js";

export class FakeQueue {
  readonly jobs: JobData[] = [];
  /** Runs for each new job: a test can play what another worker does with it (a teardown removing its stack). */
  onEnqueue?: (data: JobData) => void;

  readonly enqueue: Enqueue = (data) => {
    const duplicate = this.jobs.some((j) => j.deliveryId === data.deliveryId);
    if (!duplicate) {
      this.jobs.push(data);
      this.onEnqueue?.(data);
    }
    return Promise.resolve({ jobId: data.deliveryId, duplicate });
  };

  ofKind<K extends JobData["kind"]>(kind: K): Extract<JobData, { kind: K }>[] {
    return this.jobs.filter((j): j is Extract<JobData, { kind: K }> => j.kind === kind);
  }
}
