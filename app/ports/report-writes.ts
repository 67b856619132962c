// What jobs hand to GitHub: the newest picture of a check run, a deployment or the sticky comment. A scheduler sends
// them (app/adapters/github/write-scheduler.ts); a job queues and moves on, it never waits for GitHub.
import type { EnvironmentView } from "../core/report/view-model.js";
import type { DeploymentSpec } from "./github-reporter.js";

export type DeploymentKind = Pick<DeploymentSpec, "description" | "transient" | "production">;

export type ReportWrite =
  /** The job's check run shows the view (created on the first write, found again by job id after a retry). */
  | { kind: "check"; jobId: string; repository: string; checkName: string; view: EnvironmentView }
  /** The job's deployment (created on the first write) gets the view's status. */
  | { kind: "deployment"; jobId: string; repository: string; deployment: DeploymentKind; view: EnvironmentView }
  /** The environment's one sticky PR comment shows the view; `jobId` finds the check run to link to. */
  | { kind: "comment"; jobId: string; repository: string; view: EnvironmentView }
  /** Every deployment of the environment not yet inactive becomes inactive (teardown). */
  | { kind: "deactivate"; repository: string; environment: string; description: string };

export interface ReportWrites {
  /** Resolves once the write is safely queued (final states are kept until sent), not when GitHub has it. */
  enqueue(installationId: number, write: ReportWrite): Promise<void>;
}
