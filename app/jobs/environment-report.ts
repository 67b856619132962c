// Pushes an EnvironmentView (a preview, staging or production) to the three places a user looks: the check run, the
// GitHub deployment and the sticky PR comment, all rendered from the same view so they never disagree.
//
// Why a coalescing sender: GitHub asks for ≥ 1 s between writes (Octokit's throttling enforces it, 3 s for writes
// that notify), so awaiting every phase report would make reporting, not Swarm, the slowest part of a deploy. The
// job pushes views and moves on; one sender sends the newest view, skipping ones that were overtaken; the job
// awaits `flush()` only at the end.
import type { Logger } from "pino";
import type { EnvironmentView } from "../core/report/view-model.js";
import type { ConfigProblem } from "../core/config/types.js";
import { checkRunState, deploymentStatus, previewComment, previewCommentMarker } from "../core/report/index.js";
import type { DeploymentSpec, GitHubReporter, RepoRef } from "../ports/github-reporter.js";
import type { ReportHandleStore, ReportHandles } from "../ports/report-handles.js";
import type { Clock } from "../ports/clock.js";
import { repoRef } from "../core/repository.js";

export const PREVIEW_CHECK_NAME = "Berth / preview";

export interface EnvironmentReportDeps {
  reporter: GitHubReporter;
  handles: ReportHandleStore;
  clock: Clock;
  log: Logger;
  webBaseUrl: string;
}

export class EnvironmentReport {
  private readonly repo: RepoRef;
  private handles: ReportHandles = {};
  private pending?: EnvironmentView;
  private sending?: Promise<void>;
  private sentDeploymentState?: string;
  private sentCommentPhase?: string;
  private failure?: unknown;
  private ready: Promise<void> = Promise.resolve();

  /** Previews by default; staging and production pass their own check name and deployment (branch-report.ts). */
  constructor(
    private readonly deps: EnvironmentReportDeps,
    private readonly jobId: string,
    repository: string,
    private readonly kind: {
      checkName: string;
      deployment?: (view: EnvironmentView) => Omit<DeploymentSpec, "ref" | "environment" | "payload">;
    } = { checkName: PREVIEW_CHECK_NAME },
  ) {
    this.repo = repoRef(repository);
  }

  /**
   * Creates (or, on a retried job, finds again) the check run and the deployment, without making the caller wait:
   * GitHub's write throttling would otherwise delay the deploy itself by seconds. Updates queue behind it.
   */
  begin(view: EnvironmentView, withDeployment: boolean): void {
    this.ready = this.createHandles(view, withDeployment).catch((err) => {
      this.failure = err;
    });
    this.update(view);
  }

  private async createHandles(view: EnvironmentView, withDeployment: boolean): Promise<void> {
    this.handles = await this.deps.handles.get(this.jobId);
    if (this.handles.checkRunId === undefined) {
      const created = await this.deps.reporter.createCheckRun(
        this.repo,
        this.kind.checkName,
        view.sha,
        checkRunState({ ...view, phase: "queued" }),
        this.jobId,
      );
      this.handles = { ...this.handles, checkRunId: created.id, checkRunUrl: created.url };
      await this.deps.handles.merge(this.jobId, { checkRunId: created.id, checkRunUrl: created.url });
    }
    if (withDeployment && this.handles.deploymentId === undefined) {
      const id = await this.deps.reporter.createDeployment(this.repo, {
        ref: view.sha,
        environment: view.environment,
        ...(this.kind.deployment?.(view) ?? {
          description: `Preview of PR #${view.pr} (${view.sha.slice(0, 7)})`,
          transient: true,
          production: false,
        }),
        payload: { stack: view.stack, job: this.jobId },
      });
      this.handles = { ...this.handles, deploymentId: id };
      await this.deps.handles.merge(this.jobId, { deploymentId: id });
    }
  }

  /** Queue the newest picture; returns at once. */
  update(view: EnvironmentView): void {
    this.pending = { ...view, services: [...view.services] };
    this.sending ??= this.drain();
  }

  /** Wait until the newest view reached GitHub; rethrows a reporting failure (GitHub 5xx → the job retries). */
  async flush(): Promise<void> {
    await this.ready;
    while (this.sending) await this.sending;
    if (this.failure) {
      const err = this.failure;
      this.failure = undefined;
      throw err;
    }
  }

  /** The job's last word: set the final phase, send it, and wait until GitHub has it. */
  async finish(view: EnvironmentView, phase: EnvironmentView["phase"], at: number): Promise<void> {
    view.phase = phase;
    view.finishedAt = at;
    this.update(view);
    await this.flush();
  }

  /** Nothing reached the Swarm: the check run lists each problem with file:line:col; no deployment is created. */
  async configError(view: EnvironmentView, problems: ConfigProblem[], at: number): Promise<void> {
    view.phase = "config-error";
    view.configProblems = problems;
    view.finishedAt = at;
    this.begin(view, false);
    await this.flush();
  }

  /** Teardown has no check run: deployments go inactive and the comment says so. */
  async deactivate(view: EnvironmentView, description: string): Promise<void> {
    await this.deps.reporter.deactivateEnvironment(this.repo, view.environment, description);
    await this.sendComment(view);
  }

  async sendComment(view: EnvironmentView): Promise<void> {
    if (view.pr === undefined) return;
    const body = previewComment(
      { ...view, checkRunUrl: view.checkRunUrl ?? this.handles.checkRunUrl },
      { webBaseUrl: this.deps.webBaseUrl },
    );
    await this.deps.reporter.upsertStickyComment(this.repo, view.pr, previewCommentMarker(view.environment), body);
    this.sentCommentPhase = view.phase;
  }

  private async drain(): Promise<void> {
    try {
      await this.ready;
      if (this.failure) return;
      while (this.pending) {
        const view = this.pending;
        this.pending = undefined;
        try {
          await this.send(view);
        } catch (err) {
          this.failure = err;
          this.deps.log.warn({ err, phase: view.phase }, "could not report to GitHub");
        }
      }
    } finally {
      // Cleared in the same step that found nothing pending, so a view queued right after starts a new sender (a
      // .finally() callback left a gap in which the job's final view was queued behind a stopped sender and lost).
      this.sending = undefined;
    }
  }

  private async send(view: EnvironmentView): Promise<void> {
    view = { ...view, checkRunUrl: this.handles.checkRunUrl };
    if (this.handles.checkRunId !== undefined)
      await this.deps.reporter.updateCheckRun(this.repo, this.handles.checkRunId, checkRunState(view));
    if (this.handles.deploymentId !== undefined) {
      const status = deploymentStatus(view);
      if (status.state !== this.sentDeploymentState) {
        await this.deps.reporter.createDeploymentStatus(this.repo, this.handles.deploymentId, {
          ...status,
          logUrl: this.handles.checkRunUrl,
        });
        this.sentDeploymentState = status.state;
      }
    }
    // The comment changes when the outcome changes (started, live, failed), not on every progress tick: each
    // edit is a notifying write.
    const commentPhase = FINAL.has(view.phase) ? view.phase : "started";
    if (commentPhase !== this.sentCommentPhase) {
      await this.sendComment(view);
      this.sentCommentPhase = commentPhase;
    }
  }
}

const FINAL = new Set(["success", "failure", "config-error", "torn-down", "waiting-approval", "refused", "superseded"]);
