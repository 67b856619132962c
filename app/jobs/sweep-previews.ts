// The sweeper (a repeatable job the worker schedules at start): previews idle past their config's TTL are torn down
// with reason "expired" by their own teardown job, so the per-environment lock and the sticky comment work as for a
// closed PR. Liveness is read from the Swarm, not from memory: a record whose stack is gone is simply dropped.
import type { JobResult, SweepPreviewsJob } from "./job-data.js";
import type { JobContext, JobDeps } from "./deps.js";
import { previewEnvironment } from "../core/environment.js";
import { previewTtlSeconds } from "../core/policy/ttl.js";

export async function sweepPreviews(job: SweepPreviewsJob, ctx: JobContext, deps: JobDeps): Promise<JobResult> {
  if (!deps.activity) return { outcome: "skipped", reason: "no activity store" };
  const log = deps.log.child({ job: ctx.jobId });
  const now = deps.clock.now();
  const expired: string[] = [];
  const only = job.repository?.toLowerCase();
  await recordUnknownPreviews(job, deps, now, log);
  for (const a of await deps.activity.all()) {
    if (only !== undefined && a.repository.toLowerCase() !== only) continue;
    const config = (await deps.configs.forRepository(a.repository))?.config;
    if (!config) continue;
    const ttlMs = previewTtlSeconds(config) * 1000;
    if (now - a.at < ttlMs) continue;
    const environment = previewEnvironment(config.app, a.pr);
    if ((await deps.swarmFor(config.ssh).stackServices(environment.stack)).length === 0) {
      await deps.activity.forget(a.repository, a.pr);
      continue;
    }
    // The delivery id names this idle period: sweeps before the teardown runs make one job, a later idle period another.
    await deps.enqueue({
      kind: "teardown-preview",
      reason: "expired",
      repository: a.repository,
      installationId: a.installationId,
      pr: a.pr,
      sha: "",
      deliveryId: `expire-${a.repository}-${a.pr}-${a.at}`,
      sender: job.sender,
      receivedAt: now,
    });
    expired.push(`${a.repository}#${a.pr}`);
  }
  if (expired.length > 0) log.info({ expired }, "idle previews expired; teardown queued");
  return { outcome: "done", detail: expired.length ? `expired ${expired.join(", ")}` : "nothing idle" };
}

// A live preview with no activity record (deployed before the store existed, or Redis lost its data) would never
// expire: the loop above only sees records. Such a preview gets a record now, so it expires one TTL after the sweep
// that found it, like a preview pushed to at that moment (an early teardown of something in use would be worse). The
// installation comes from another record of the same repository (an App installation covers the repository).
async function recordUnknownPreviews(job: SweepPreviewsJob, deps: JobDeps, now: number, log: JobDeps["log"]) {
  const activity = deps.activity!;
  for (const entry of await deps.configs.all()) {
    const config = entry.config;
    if (!config || !config.preview.enabled) continue;
    if (job.repository !== undefined && config.repository.toLowerCase() !== job.repository.toLowerCase()) continue;
    const known = await activity.ofRepository(config.repository);
    const installationId = [...known.values()][0]?.installationId;
    for (const live of await deps.swarmFor(config.ssh).liveEnvironments(config.repository)) {
      const pr = /^pr-(\d+)$/.exec(live.environment)?.[1];
      if (pr === undefined || known.has(live.environment)) continue;
      if (installationId === undefined) {
        log.warn(
          { repository: config.repository, environment: live.environment },
          "live preview without an activity record, and no installation known for its repository: it expires " +
            "after its next push or command",
        );
        continue;
      }
      await activity.touch({ repository: config.repository, pr: Number(pr), installationId, at: now });
      log.info(
        { repository: config.repository, environment: live.environment },
        "live preview had no activity " + "record; its idle time starts now",
      );
    }
  }
}
