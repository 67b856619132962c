// /status looks at the Swarm now; the sticky comment should say the same, or it keeps showing the table from the
// last deploy after a node was lost and its tasks moved. Only a stack Berth deployed (berth.sha on every service)
// is described; the comment is rewritten in place like every other report.
import type { ServiceStatus } from "../ports/swarm.js";
import type { EnvironmentView } from "../core/report/view-model.js";
import { previewComment, previewCommentMarker } from "../core/report/index.js";
import { repoRef } from "../core/repository.js";
import type { CommandRun } from "./command-actions.js";

export async function refreshStickyComment(run: CommandRun, stack: string, services: ServiceStatus[]): Promise<void> {
  const sha = services[0]?.sha;
  if (!sha || services.some((s) => s.sha !== sha)) return; // mid-update or not ours: leave the deploy's report
  const now = run.deps.clock.now();
  const view: EnvironmentView = {
    repository: run.job.repository,
    app: run.config.app,
    environment: `pr-${run.pr.number}`,
    stack,
    pr: run.pr.number,
    sha,
    phase: "success",
    services,
    startedAt: now,
    finishedAt: now,
    observedAt: now,
  };
  const reporter = await run.deps.reporterFor(run.job.installationId);
  await reporter.upsertStickyComment(
    repoRef(run.job.repository),
    run.pr.number,
    previewCommentMarker(view.environment),
    previewComment(view, { webBaseUrl: run.deps.webBaseUrl }),
  );
}
