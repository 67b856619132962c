// The preview cap with evict-lru: the least recently active preview is torn down by its own teardown job (its own
// environment lock, its own report), and the deploy that needs the room waits until that stack is gone from the
// Swarm, so the cap holds at every moment. If the teardown has not finished within the wait (a busy worker, a
// single-slot worker running this very job), the deploy fails transiently and BullMQ retries it once the queued
// teardown has run: never more previews than the cap, never a deadlock.
import type { DeployPreviewJob } from "./job-data.js";
import type { JobDeps } from "./deps.js";
import type { SwarmPort } from "../ports/swarm.js";
import type { SshTarget } from "../core/config/types.js";
import { TransientError } from "../errors.js";

export const EVICTION_WAIT_MS = 90_000;
const POLL_MS = 1_000;

export async function evictAndWait(
  job: DeployPreviewJob,
  evicted: { pr: number; stack: string },
  ssh: SshTarget,
  deps: JobDeps,
  log: JobDeps["log"],
): Promise<void> {
  const { jobId } = await deps.enqueue({
    kind: "teardown-preview",
    reason: "evicted",
    repository: job.repository,
    installationId: job.installationId,
    pr: evicted.pr,
    sha: "",
    deliveryId: `evict-${job.repository}-${evicted.pr}-for-${job.pr}-${job.sha.slice(0, 12)}`,
    sender: job.sender,
    receivedAt: deps.clock.now(),
  });
  log.info({ evicted: `pr-${evicted.pr}`, job: jobId }, "preview cap reached: evicting the least recently active");
  const swarm: SwarmPort = deps.swarmFor(ssh);
  const deadline = deps.clock.now() + EVICTION_WAIT_MS;
  while ((await swarm.stackServices(evicted.stack)).length > 0) {
    if (deps.clock.now() >= deadline)
      throw new TransientError(
        `preview pr-${evicted.pr} is being removed to stay within the cap and is still running; retrying later`,
      );
    await deps.clock.sleep(POLL_MS);
  }
  log.info({ evicted: `pr-${evicted.pr}` }, "evicted preview is gone; deploying");
}
