// Webhooks lost while Berth was down are not redelivered by GitHub: a PR closed meanwhile leaves an orphan stack
// serving old code for ever, a PR pushed meanwhile keeps an old commit. Each sweep compares the previews labelled on
// the Swarm with the PRs on GitHub — one GET per live preview — and queues what the lost webhook would have: a
// teardown for a closed PR, a deploy of the head for a stale one. The jobs go through the queue and the
// per-environment lock like any other, and their delivery ids name the state found, so repeated sweeps add nothing.
import type { Logger } from "pino";
import type { JobDeps } from "./deps.js";
import type { JobData } from "./job-data.js";
import { previewEnvironment } from "../core/environment.js";
import { isTrusted } from "../core/policy/trust.js";
import { repoRef } from "../core/repository.js";

export interface ReconcileOutcome {
  removed: string[];
  redeployed: string[];
}

export async function reconcilePreviews(
  deps: JobDeps,
  log: Logger,
  now: number,
  onlyRepository?: string,
): Promise<ReconcileOutcome> {
  const outcome: ReconcileOutcome = { removed: [], redeployed: [] };
  if (!deps.activity || !deps.commandGitHubFor) return outcome;
  // Repositories Berth deployed previews for, with the installation that can read them.
  const installations = new Map<string, number>();
  for (const a of await deps.activity.all()) installations.set(a.repository, a.installationId);
  for (const [repository, installationId] of installations) {
    if (onlyRepository && onlyRepository.toLowerCase() !== repository.toLowerCase()) continue;
    try {
      const jobs = await reconcileRepository(deps, repository, installationId, now);
      for (const job of jobs) {
        await deps.enqueue(job);
        const name = `${repository}#${"pr" in job ? job.pr : "?"}`;
        (job.kind === "teardown-preview" ? outcome.removed : outcome.redeployed).push(name);
      }
    } catch (err) {
      log.warn({ repository, err: (err as Error).message }, "could not reconcile the repository's previews");
    }
  }
  if (outcome.removed.length + outcome.redeployed.length > 0)
    log.info(outcome, "reconciled previews with GitHub: lost webhooks replayed");
  return outcome;
}

async function reconcileRepository(
  deps: JobDeps,
  repository: string,
  installationId: number,
  now: number,
): Promise<JobData[]> {
  const config = (await deps.configs.forRepository(repository))?.config;
  if (!config) return [];
  const gh = await deps.commandGitHubFor!(installationId);
  const jobs: JobData[] = [];
  for (const live of await deps.swarmFor(config.ssh).liveEnvironments(config.repository)) {
    const m = /^pr-(\d+)$/.exec(live.environment);
    if (!m) continue;
    const number = Number(m[1]);
    if (live.stack !== previewEnvironment(config.app, number).stack) continue; // not a stack this config names
    const pr = await gh.pullRequest(repoRef(repository), number);
    const base = { repository, installationId, sender: "berth-reconcile", receivedAt: now, pr: number };
    if (pr.state !== "open") {
      jobs.push({
        ...base,
        kind: "teardown-preview",
        reason: "closed",
        sha: pr.headSha,
        deliveryId: `reconcile-close-${repository}-${number}`,
      });
    } else if (live.sha && live.sha !== pr.headSha) {
      jobs.push({
        ...base,
        kind: "deploy-preview",
        sha: pr.headSha,
        trusted: isTrusted(pr),
        authorAssociation: pr.authorAssociation,
        trigger: "pull_request",
        deliveryId: `reconcile-${repository}-${number}-${pr.headSha}`,
      });
    }
  }
  return jobs;
}
