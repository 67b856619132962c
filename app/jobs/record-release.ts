// After a healthy branch deploy: write down exactly what ran (image IDs and digests per service, the rendered stack
// and its hash, who/what triggered it) so production can promote it and a rollback can restore it; release the
// waiting slot; tell a merged PR's preview comment where its code now runs.
import type { Logger } from "pino";
import type { DeployEnvironmentJob } from "./job-data.js";
import type { JobDeps } from "./deps.js";
import type { DeployCommit } from "./environment-target.js";
import type { ReleasePlan } from "./environment-plan.js";
import type { DeployConfig } from "../core/config/types.js";
import type { EnvironmentRef } from "../core/environment-types.js";
import type { Release } from "../core/release.js";
import type { RecordedImage } from "../core/render/pin-images.js";
import { parse } from "yaml";
import { previewCommentMarker } from "../core/report/index.js";
import { repoRef } from "../core/repository.js";
import { previewName } from "../core/environment.js";
import { isRollback } from "./job-data.js";

export async function recordRelease(args: {
  job: DeployEnvironmentJob;
  commit: DeployCommit;
  config: DeployConfig;
  environment: EnvironmentRef;
  plan: ReleasePlan;
  history: readonly Release[];
  deps: JobDeps;
  log: Logger;
}): Promise<{ release: Release; recorded: boolean }> {
  const { job, commit, config, plan, deps } = args;
  const rollback = isRollback(job.target);
  const swarm = deps.swarmFor(config.ssh);
  // The references exactly as deployed (the status view strips digests for display): tag, repo@digest or image ID.
  const deployed = Object.entries(
    (parse(plan.yaml) as { services?: Record<string, { image?: string }> }).services ?? {},
  ).map(([name, s]) => [name, s.image ?? ""] as const);
  const inspected = await swarm.inspectImages([...new Set(deployed.map(([, ref]) => ref))]);
  const images: Record<string, RecordedImage> = {};
  for (const [name, ref] of deployed) {
    const found = inspected[ref]!;
    const digest = ref.includes("@sha256:") ? ref : found.repoDigests[0];
    images[name] = { ref, id: found.id, ...(digest ? { digest } : {}) };
  }
  const at = deps.clock.now();
  const release: Release = {
    id: `${job.environment}-${at}-${commit.sha.slice(0, 7)}`,
    environment: job.environment,
    stack: args.environment.stack,
    sha: commit.sha,
    ref: commit.ref,
    trigger: commit.trigger,
    sender: job.sender,
    installationId: job.installationId,
    at,
    url: plan.url,
    probeUrl: plan.probeUrl,
    hash: plan.hash,
    yaml: plan.yaml,
    images,
    ...(plan.restoredFrom ? { restoredFrom: plan.restoredFrom } : {}),
  };
  // The same commit and render again (a tag push and its release.published, or a retried job) is not a new release.
  const current = args.history[0];
  const repeat = current !== undefined && current.sha === release.sha && current.hash === release.hash && !rollback;
  if (!repeat) await deps.releases!.record(job.repository, job.environment, release, config.history.keep);
  await deps.releases!.clearWaiting(job.repository, job.environment, commit.reportJobId);
  return { release, recorded: !repeat };
}

/** Staging ran a merged PR's commit: its preview comment says where the code runs now. */
export async function announceStagingRelease(args: {
  job: DeployEnvironmentJob;
  commit: DeployCommit;
  plan: ReleasePlan;
  deps: JobDeps;
  log: Logger;
}): Promise<void> {
  const { job, commit, plan, deps, log } = args;
  if (job.environment !== "staging" || isRollback(job.target)) return;
  try {
    const commits = await deps.commitsFor!(job.installationId);
    const repo = repoRef(job.repository);
    const prs = commit.pr ? [commit.pr] : await commits.mergedPullsOf(repo, commit.sha);
    const line = `🚀 \`${commit.sha.slice(0, 7)}\` deployed to staging at ${plan.url}`;
    for (const pr of prs) await commits.appendToStickyComment(repo, pr, previewCommentMarker(previewName(pr)), line);
  } catch (err) {
    // The deploy is done and recorded; a missing comment line is not worth failing (and redeploying) for.
    log.warn({ err }, "could not add the staging line to the merged PR's comment");
  }
}
