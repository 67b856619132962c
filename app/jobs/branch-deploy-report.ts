// What one staging or production deploy shows on GitHub, and the one way each of its endings is written: failure,
// config error, waiting, success. The check run and the deployment are created once; later phases only update them.
import type { EnvironmentView } from "../core/report/view-model.js";
import type { ConfigProblem } from "../core/config/types.js";
import type { Clock } from "../ports/clock.js";
import type { EnvironmentReport } from "./environment-report.js";
import { isCommitSha } from "../core/repository.js";

export class BranchDeployReport {
  private begun = false;

  constructor(
    private readonly report: EnvironmentReport,
    /** The view this deploy shows; the apply step moves it through its phases. */
    readonly view: EnvironmentView,
    private readonly clock: Clock,
  ) {}

  /** Shows the view now; the first call creates the check run, and the deployment when asked. */
  show(withDeployment = true): void {
    if (this.begun) return this.report.update(this.view);
    this.begun = true;
    this.report.begin(this.view, withDeployment);
  }

  update(view: EnvironmentView): void {
    this.report.update(view);
  }

  /** The config named the stack. */
  stackIs(stack: string): void {
    this.view.stack = stack;
  }

  /** A rollback learns its commit from the history. */
  commitIs(sha: string): void {
    this.view.sha = sha;
  }

  building(): void {
    this.view.phase = "building";
    this.show();
  }

  applying(url: string): void {
    this.view.url = url;
    this.show();
  }

  async waiting(reason: string): Promise<void> {
    this.view.phase = "waiting";
    this.view.reason = reason;
    this.show();
    await this.report.flush();
  }

  /** Without a commit to attach it to (a rollback that found no release) nothing is created on GitHub. */
  async failed(reason: string, withDeployment: boolean, servingNow?: string): Promise<void> {
    this.view.reason = reason;
    if (servingNow !== undefined) this.view.servingNow = servingNow;
    if (isCommitSha(this.view.sha)) this.show(withDeployment);
    await this.report.finish(this.view, "failure", this.clock.now());
  }

  async configError(problems: ConfigProblem[]): Promise<void> {
    await this.report.configError(this.view, problems, this.clock.now());
  }

  async succeeded(): Promise<void> {
    await this.report.finish(this.view, "success", this.clock.now());
  }
}
