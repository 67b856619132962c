// Pushes an EnvironmentView (a preview, staging or production) to the three places a user looks: the check run, the GitHub deployment and the sticky
// PR comment, all rendered from the same view so they never disagree.
//
// Why a queue and not calls: GitHub's secondary limits (80 writes a minute, 500 an hour per installation) would
// make reporting, not Swarm, the slowest part of a deploy, and a burst of deploys would wait for each other's
// writes. The job hands each picture to the write scheduler (app/adapters/github/write-scheduler.ts) and moves on:
// progress pictures are coalesced there (a fast deploy sends none), final states go first and are kept in Redis
// until GitHub has them. A preview deploy from open to healthy costs 6 writes: check run created, deployment created
// with its in-progress status, check run concluded, deployment status success, sticky comment.
import type { Logger } from "pino";
import type { EnvironmentView } from "../core/report/view-model.js";
import type { ConfigProblem } from "../core/config/types.js";
import { deploymentStatus } from "../core/report/index.js";
import type { DeploymentKind, ReportWrite, ReportWrites } from "../ports/report-writes.js";
import type { Clock } from "../ports/clock.js";
import type { EnvironmentWatcher } from "../ports/environment-watch.js";

export const PREVIEW_CHECK_NAME = "Berth / preview";

export interface EnvironmentReportDeps {
  writes: ReportWrites;
  installationId: number;
  clock: Clock;
  log: Logger;
  /** Sees every view and the final one once queued for GitHub (metrics, the status page); never fails the job. */
  watcher?: EnvironmentWatcher;
}

const FINAL = new Set(["success", "failure", "config-error", "torn-down", "waiting-approval", "refused", "superseded"]);

export class EnvironmentReport {
  private withDeployment = false;
  private sentDeploymentState?: string;
  private sentCommentPhase?: string;
  private queued: Promise<void> = Promise.resolve();
  private failure?: unknown;

  /** Previews by default; staging and production pass their own check name and deployment (branch-report.ts). */
  constructor(
    private readonly deps: EnvironmentReportDeps,
    private readonly jobId: string,
    private readonly repository: string,
    private readonly kind: {
      checkName: string;
      deployment?: (view: EnvironmentView) => DeploymentKind;
    } = { checkName: PREVIEW_CHECK_NAME },
  ) {}

  /** The check run (and, with `withDeployment`, the deployment) start showing the view; returns at once. */
  begin(view: EnvironmentView, withDeployment: boolean): void {
    this.withDeployment = withDeployment;
    this.update(view);
  }

  /** Queue the newest picture; returns at once. */
  update(view: EnvironmentView): void {
    const snapshot: EnvironmentView = { ...view, services: [...view.services] };
    this.deps.watcher?.viewed(snapshot);
    const writes: ReportWrite[] = [
      { kind: "check", jobId: this.jobId, repository: this.repository, checkName: this.kind.checkName, view: snapshot },
    ];
    if (this.withDeployment) {
      const state = deploymentStatus(snapshot).state;
      if (state !== this.sentDeploymentState) {
        this.sentDeploymentState = state;
        writes.push({
          kind: "deployment",
          jobId: this.jobId,
          repository: this.repository,
          deployment: this.deploymentKind(snapshot),
          view: snapshot,
        });
      }
    }
    // The comment changes when the outcome does (live, failed, torn down), not on progress: each edit notifies.
    if (view.pr !== undefined && FINAL.has(view.phase) && view.phase !== this.sentCommentPhase) {
      this.sentCommentPhase = view.phase;
      writes.push({ kind: "comment", jobId: this.jobId, repository: this.repository, view: snapshot });
    }
    this.queue(writes);
  }

  private deploymentKind(view: EnvironmentView): DeploymentKind {
    return (
      this.kind.deployment?.(view) ?? {
        description: `Preview of PR #${view.pr} (${view.sha.slice(0, 7)})`,
        transient: true,
        production: false,
      }
    );
  }

  private queue(writes: ReportWrite[]): void {
    // In order: a check run's pictures, and a final state after the progress it supersedes.
    this.queued = this.queued.then(async () => {
      for (const w of writes) {
        try {
          await this.deps.writes.enqueue(this.deps.installationId, w);
        } catch (err) {
          this.failure ??= err;
          this.deps.log.warn({ err, kind: w.kind }, "could not queue a GitHub write");
        }
      }
    });
  }

  /** Wait until what was queued is safe (final states stored); GitHub gets it from the scheduler, later. */
  async flush(): Promise<void> {
    await this.queued;
    if (this.failure) {
      const err = this.failure;
      this.failure = undefined;
      throw err;
    }
  }

  /** The job's last word: set the final phase and queue it. */
  async finish(view: EnvironmentView, phase: EnvironmentView["phase"], at: number): Promise<void> {
    view.phase = phase;
    view.finishedAt = at;
    this.update(view);
    const queuing = this.deps.clock.now();
    await this.flush();
    await this.deps.watcher?.reported({ ...view }, this.deps.clock.now() - queuing);
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
    this.queue([{ kind: "deactivate", repository: this.repository, environment: view.environment, description }]);
    await this.sendComment(view);
    await this.deps.watcher?.reported({ ...view }, 0);
  }

  async sendComment(view: EnvironmentView): Promise<void> {
    if (view.pr === undefined) return;
    this.sentCommentPhase = view.phase;
    this.queue([{ kind: "comment", jobId: this.jobId, repository: this.repository, view: { ...view } }]);
    await this.flush();
  }
}
