// Remove a closed PR's preview: stack, network and volumes, then mark its deployments inactive and say so in the
// sticky comment. Idempotent: removing a stack that is gone succeeds, inactive deployments stay inactive.
import type { JobResult, TeardownPreviewJob } from "./job-data.js";
import type { JobContext, JobDeps } from "./deps.js";
import { environmentView } from "../core/report/view-model.js";
import { previewEnvironment } from "../core/environment.js";
import { EnvironmentReport } from "./environment-report.js";
import { previewTtlSeconds } from "../core/policy/ttl.js";
import { environmentTornDown } from "./environment-hooks.js";

const TEARDOWN_TIMEOUT_MS = 180_000;

function idle(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

export async function teardownPreview(job: TeardownPreviewJob, ctx: JobContext, deps: JobDeps): Promise<JobResult> {
  const log = deps.log.child({ job: ctx.jobId, repository: job.repository, pr: job.pr });
  const entry = await deps.configs.forRepository(job.repository);
  if (!entry?.config) {
    // Without a valid config Berth cannot know the app name or the manager; say so rather than guess a stack.
    log.warn({ problems: entry?.problems }, "no valid deploy config; cannot tear the preview down");
    return { outcome: "skipped", reason: "no valid deploy config" };
  }
  const config = entry.config;
  const environment = previewEnvironment(config.app, job.pr);
  const startedAt = deps.clock.now();
  const view = environmentView(
    {
      repository: job.repository,
      app: config.app,
      environment: environment.name,
      stack: environment.stack,
      pr: job.pr,
      sha: job.sha,
      phase: "tearing-down",
      startedAt,
    },
    { reason: job.reason },
  );
  const report = new EnvironmentReport({ ...deps, installationId: job.installationId, log }, ctx.jobId, job.repository);
  // The route goes first: the host answers 404 at once, not after Swarm's slow network removal.
  await environmentTornDown(deps, config, environment.stack, environment.name);
  const { removedVolumes } = await deps
    .swarmFor(config.ssh)
    .removeStack(environment.stack, { deadline: startedAt + TEARDOWN_TIMEOUT_MS });
  view.phase = "torn-down";
  view.finishedAt = deps.clock.now();
  if (job.reason === "expired") view.policyNote = `for more than ${idle(previewTtlSeconds(config))}`;
  // An expired or evicted preview keeps its approvals: /redeploy of the same commit needs no new look.
  // A closed or destroyed preview forgets its /scale counts (a reopened PR starts from the config's replicas); an
  // expired or evicted one keeps them, so /redeploy brings back what was there.
  if (job.reason !== "expired" && job.reason !== "evicted") await deps.replicas?.forget(job.repository, job.pr);
  if (job.reason === "closed" || job.reason === "merged") {
    await deps.approvals.forget(job.repository, job.pr);
    await deps.trust?.forget(job.repository, job.pr);
  }
  await deps.activity?.forget(job.repository, job.pr);
  await report.deactivate(
    view,
    job.reason === "expired" || job.reason === "evicted"
      ? `Preview removed: ${job.reason}`
      : `Preview removed: PR ${job.reason}`,
  );
  log.info({ stack: environment.stack, removedVolumes, ms: view.finishedAt - startedAt }, "preview torn down");
  return { outcome: "torn-down", durationMs: view.finishedAt - startedAt };
}
