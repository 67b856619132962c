// ReportWrite → GitHub requests, for the write scheduler: which subject and class a write has, and how it is sent.
// Views are rendered here, at send time, so a comment queued before its check run existed still links to it.
import type { Logger } from "pino";
import type { ReportWrite, ReportWrites } from "../../ports/report-writes.js";
import type { GitHubReporter } from "../../ports/github-reporter.js";
import type { ReportHandleStore } from "../../ports/report-handles.js";
import { checkRunState, deploymentStatus, previewComment, previewCommentMarker } from "../../core/report/index.js";
import { repoRef } from "../../core/repository.js";
import type { WriteScheduler } from "./write-scheduler.js";
import type { ScheduledWrite, WriteClass, WriteTransport } from "./write-scheduler-types.js";

const FINAL_DEPLOYMENT_STATES: ReadonlySet<string> = new Set(["success", "failure", "error", "inactive"]);

export function classifyReportWrite(w: ReportWrite): { subject: string; class: WriteClass } {
  switch (w.kind) {
    case "check":
      return {
        subject: `check:${w.jobId}`,
        // A deploy that waits for CI ends its job there: "Waiting for CI" is that job's last word, sent at once.
        class: checkRunState(w.view).status === "completed" || w.view.phase === "waiting" ? "final" : "progress",
      };
    case "deployment":
      return {
        subject: `deployment:${w.jobId}`,
        class: FINAL_DEPLOYMENT_STATES.has(deploymentStatus(w.view).state) ? "final" : "progress",
      };
    case "comment":
      return { subject: `comment:${w.repository}#${w.view.environment}`, class: "comment" };
    case "deactivate":
      return { subject: `deactivate:${w.repository}#${w.environment}`, class: "final" };
  }
}

export function reportWritesOn(scheduler: WriteScheduler<ReportWrite>): ReportWrites {
  return {
    enqueue: async (installationId, write) => {
      const { subject, class: cls } = classifyReportWrite(write);
      await scheduler.enqueue(installationId, subject, cls, write);
    },
  };
}

export function reportWriteTransport(deps: {
  reporterFor(installationId: number): Promise<GitHubReporter>;
  handles: ReportHandleStore;
  webBaseUrl: string;
  log: Logger;
}): WriteTransport<ReportWrite> {
  return {
    async send(scheduled: ScheduledWrite<ReportWrite>, permit) {
      const w = scheduled.payload;
      const reporter = await deps.reporterFor(scheduled.installationId);
      const repo = repoRef(w.repository);
      switch (w.kind) {
        case "check": {
          let handles = await deps.handles.get(w.jobId);
          const state = checkRunState({ ...w.view, checkRunUrl: handles.checkRunUrl });
          if (handles.checkRunId === undefined) {
            await permit();
            const created = await reporter.createCheckRun(
              repo,
              w.checkName,
              w.view.sha,
              checkRunState({ ...w.view, phase: "queued" }),
              w.jobId,
            );
            handles = { ...handles, checkRunId: created.id, checkRunUrl: created.url };
            await deps.handles.merge(w.jobId, { checkRunId: created.id, checkRunUrl: created.url });
            // The run exists and says "queued"; the progress picture follows after the interval unless the final
            // state overtakes it (a fast deploy then costs two check run writes in all).
            if (scheduled.class === "progress") return "again";
          }
          await permit();
          await reporter.updateCheckRun(repo, handles.checkRunId!, state);
          return;
        }
        case "deployment": {
          const handles = await deps.handles.get(w.jobId);
          let id = handles.deploymentId;
          if (id === undefined) {
            await permit();
            id = await reporter.createDeployment(repo, {
              ref: w.view.sha,
              environment: w.view.environment,
              ...w.deployment,
              payload: { stack: w.view.stack, job: w.jobId },
            });
            await deps.handles.merge(w.jobId, { deploymentId: id });
          }
          const status = deploymentStatus(w.view);
          // A deployment without a status is shown as pending; the live progress is on the check run. Not posting
          // "in progress" keeps a preview deploy at five writes (six with one progress tick on a slow deploy).
          if (scheduled.class === "progress" && (status.state === "in_progress" || status.state === "queued")) return;
          await permit();
          await reporter.createDeploymentStatus(repo, id, {
            ...status,
            ...(handles.checkRunUrl ? { logUrl: handles.checkRunUrl } : {}),
          });
          return;
        }
        case "comment": {
          if (w.view.pr === undefined) return;
          const handles = await deps.handles.get(w.jobId);
          const body = previewComment(
            { ...w.view, checkRunUrl: w.view.checkRunUrl ?? handles.checkRunUrl },
            { webBaseUrl: deps.webBaseUrl },
          );
          await permit();
          await reporter.upsertStickyComment(repo, w.view.pr, previewCommentMarker(w.view.environment), body);
          return;
        }
        case "deactivate": {
          for (const id of await reporter.activeDeployments(repo, w.environment)) {
            await permit();
            await reporter.createDeploymentStatus(repo, id, { state: "inactive", description: w.description });
          }
          return;
        }
      }
    },
  };
}
