// Pushes one EnvironmentView to the three places a user looks: the check run, the GitHub deployment and the
// sticky PR comment. All three are rendered from the same view so they never disagree.
import type { Logger } from "pino";
import type { EnvironmentView } from "../core/report/view-model.js";
import { checkRunState, deploymentStatus, previewComment, previewCommentMarker } from "../core/report/index.js";
import type { GitHubReporter, RepoRef } from "../ports/github-reporter.js";
import type { ReportHandleStore } from "../ports/report-handles.js";
import type { Clock } from "../ports/clock.js";

export const PREVIEW_CHECK_NAME = "Berth / preview";
/** GitHub's secondary limits ask for ≥ 1 s between writes; progress is throttled, phase changes are not. */
const PROGRESS_MIN_INTERVAL_MS = 2_000;

export interface PreviewReportDeps {
  reporter: GitHubReporter;
  handles: ReportHandleStore;
  clock: Clock;
  log: Logger;
  webBaseUrl: string;
}

export class PreviewReport {
  private lastProgressAt = 0;
  private lastPhase?: string;
  private readonly repo: RepoRef;

  constructor(private readonly deps: PreviewReportDeps, private readonly jobId: string, repository: string) {
    const [owner, repo] = repository.split("/") as [string, string];
    this.repo = { owner, repo };
  }

  /** Check run (reused across retries of the same job), then the view everywhere. */
  async begin(view: EnvironmentView, withDeployment: boolean): Promise<void> {
    const handles = await this.deps.handles.get(this.jobId);
    if (handles.checkRunId === undefined) {
      const created = await this.deps.reporter.createCheckRun(this.repo, PREVIEW_CHECK_NAME, view.sha, checkRunState({ ...view, phase: "queued" }), this.jobId);
      handles.checkRunId = created.id;
      handles.checkRunUrl = created.url;
      await this.deps.handles.merge(this.jobId, { checkRunId: created.id, checkRunUrl: created.url });
    }
    view.checkRunUrl = handles.checkRunUrl;
    if (withDeployment && handles.deploymentId === undefined) {
      const id = await this.deps.reporter.createDeployment(this.repo, {
        ref: view.sha,
        environment: view.environment,
        description: `Preview of PR #${view.pr} by Berth`,
        transient: true,
        production: false,
        payload: { stack: view.stack, berthJob: this.jobId },
      });
      await this.deps.handles.merge(this.jobId, { deploymentId: id });
    }
    await this.phase(view);
  }

  /** A phase change: every surface is updated. */
  async phase(view: EnvironmentView): Promise<void> {
    this.lastPhase = view.phase;
    this.lastProgressAt = this.deps.clock.now();
    const handles = await this.deps.handles.get(this.jobId);
    if (handles.checkRunId !== undefined) await this.deps.reporter.updateCheckRun(this.repo, handles.checkRunId, checkRunState(view));
    if (handles.deploymentId !== undefined) {
      await this.deps.reporter.createDeploymentStatus(this.repo, handles.deploymentId, { ...deploymentStatus(view), logUrl: handles.checkRunUrl });
    }
    await this.comment(view);
  }

  /** Progress inside a phase ("2/3 tasks running"): the check run only, throttled. */
  async progress(view: EnvironmentView): Promise<void> {
    if (view.phase !== this.lastPhase) return this.phase(view);
    if (this.deps.clock.now() - this.lastProgressAt < PROGRESS_MIN_INTERVAL_MS) return;
    this.lastProgressAt = this.deps.clock.now();
    const handles = await this.deps.handles.get(this.jobId);
    if (handles.checkRunId !== undefined) await this.deps.reporter.updateCheckRun(this.repo, handles.checkRunId, checkRunState(view));
  }

  async comment(view: EnvironmentView): Promise<void> {
    if (view.pr === undefined) return;
    await this.deps.reporter.upsertStickyComment(this.repo, view.pr, previewCommentMarker(view.environment), previewComment(view, { webBaseUrl: this.deps.webBaseUrl }));
  }

  /** Teardown has no check run: the deployments go inactive and the comment says so. */
  async deactivate(view: EnvironmentView, description: string): Promise<void> {
    await this.deps.reporter.deactivateEnvironment(this.repo, view.environment, description);
    await this.comment(view);
  }
}
