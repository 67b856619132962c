// What a queued job carries: ids and SHAs, never whole payloads (a job may be retried hours later; the payload
// would be stale, and Redis is not the place for PR bodies).
import type { BranchEnvironment } from "../core/branch-deploy.js";
import { previewName } from "../core/environment.js";

interface JobBase {
  repository: string; // "owner/name", as GitHub sent it
  installationId: number;
  deliveryId: string; // X-GitHub-Delivery: the job id, so a redelivery is a no-op
  sender: string; // login of who caused it
  receivedAt: number; // ms epoch when the webhook arrived: orders jobs of one environment
}

/** Why a preview was removed; shown in the sticky comment. */
export type TeardownReason = "closed" | "merged" | "destroyed" | "expired" | "evicted";

export interface DeployPreviewJob extends JobBase {
  kind: "deploy-preview";
  pr: number;
  sha: string;
  /**
   * False when the PR comes from a fork or from an author who is not OWNER/MEMBER/COLLABORATOR: such code waits
   * for an /approve of this SHA. Absent on jobs enqueued before the field existed: treated as trusted.
   */
  trusted?: boolean;
  /** Author association GitHub sent (OWNER, MEMBER, CONTRIBUTOR, …), for the "waiting for approval" message. */
  authorAssociation?: string;
  /** What caused the deploy: a PR event (default), /redeploy, /scale, /approve. */
  trigger?: "pull_request" | "redeploy" | "scale" | "approve";
  /** The PR's head branch as sent, bounded; shown only as a sanitised label, never used in a name. */
  headRef?: string;
}

export interface TeardownPreviewJob extends JobBase {
  kind: "teardown-preview";
  pr: number;
  sha: string;
  reason: TeardownReason;
}

/** A slash command from a PR comment (issue_comment.created on a pull request). The job authorizes and runs it. */
export interface CommandJob extends JobBase {
  kind: "command";
  pr: number;
  commentId: number;
  /** The comment's body, bounded; parsed again by the pure parser inside the job. */
  body: string;
  /** author_association of the comment's author, as sent. */
  authorAssociation: string;
}

/**
 * What a branch deploy deploys. Every variant names where its commit comes from; the job resolves it to one commit
 * (or, for a rollback, one recorded release) before anything is gated, rendered or applied.
 */
export type DeployTarget =
  /** A known commit: a push to the staging branch, a push of a production tag, `/deploy staging` (the PR head). */
  | { kind: "commit"; sha: string; ref: string; trigger: "push" | "tag" | "command" }
  /** release.published: the job asks GitHub which commit the tag points at. */
  | { kind: "tag"; tag: string }
  /** `/deploy production`: release the deploy that waits for an admin's approval, else promote what staging runs. */
  | { kind: "promote-staging" }
  /** check_suite / workflow_run completed: re-evaluate the deploy that waits for CI of this commit, nothing else. */
  | { kind: "ci-completed"; sha: string }
  /** Rollback to a recorded release by id (`berth rollback`, which looked it up and names its commit). */
  | { kind: "release"; releaseId: string; sha: string }
  /** Rollback to the newest release of a commit, by full SHA or a prefix of at least 7 (`/rollback production abc1234`). */
  | { kind: "release-of-commit"; sha: string }
  /** Rollback with no SHA: the newest release whose commit differs from the current one. */
  | { kind: "previous-release" };

export type DeployTrigger = "push" | "tag" | "release" | "ci" | "command" | "rollback";

/** Branch GitOps: a staging or production deploy. */
export interface DeployEnvironmentJob extends JobBase {
  kind: "deploy-environment";
  environment: BranchEnvironment;
  target: DeployTarget;
  /** A merged PR whose preview comment gets "deployed to staging at <url>"; the PR a command was written on. */
  pr?: number;
}

/** What caused a branch deploy, as recorded in its release and shown in `berth history`. */
export function triggerOf(target: DeployTarget): DeployTrigger {
  switch (target.kind) {
    case "commit":
      return target.trigger;
    case "tag":
      return "release";
    case "promote-staging":
      return "command";
    case "ci-completed":
      return "ci";
    case "release":
    case "release-of-commit":
    case "previous-release":
      return "rollback";
  }
}

/** A rollback redeploys a recorded render byte for byte instead of rendering a commit anew. */
export function isRollback(target: DeployTarget): target is Extract<DeployTarget, { kind: RollbackKind }> {
  return target.kind === "release" || target.kind === "release-of-commit" || target.kind === "previous-release";
}
type RollbackKind = "release" | "release-of-commit" | "previous-release";

/** Periodic: tear down previews idle past their TTL. Not tied to a repository or an installation. */
export interface SweepPreviewsJob {
  kind: "sweep-previews";
  deliveryId: string;
  receivedAt: number;
  sender: string;
  /** Only this repository's previews (an operator's or a test's sweep); absent: every configured repository. */
  repository?: string;
}

export type JobData = DeployPreviewJob | TeardownPreviewJob | CommandJob | DeployEnvironmentJob | SweepPreviewsJob;

/** GitHub environment name a job acts on: "pr-123", "staging", "production"; "*sweep*" for the sweeper. */
export function environmentOf(data: JobData): string {
  switch (data.kind) {
    case "deploy-environment":
      return data.environment;
    case "sweep-previews":
      return "*sweep*";
    default:
      return previewName(data.pr);
  }
}

/** The serialisation key: at most one job per environment runs at a time. */
export function environmentKey(data: JobData): string {
  if (data.kind === "sweep-previews") return environmentOf(data);
  return `${data.repository.toLowerCase()}#${environmentOf(data)}`;
}

/**
 * Jobs that replace the environment's state wholesale: the newest one wins and a queued older one is dropped.
 * Commands do not supersede and are not superseded: a /scale queued behind a push must still be persisted.
 */
export function supersedes(data: JobData): boolean {
  // A CI event only re-evaluates the deploy that waits for CI: it must neither drop a queued push nor be dropped.
  if (data.kind === "deploy-environment") return data.target.kind !== "ci-completed";
  return data.kind === "deploy-preview" || data.kind === "teardown-preview";
}

/** A commit a job is about, for the lock holder details and log lines; "" when the job resolves it later. */
export function shaOf(data: JobData): string {
  switch (data.kind) {
    case "deploy-environment":
      return "sha" in data.target ? data.target.sha : "";
    case "sweep-previews":
    case "command":
      return "";
    default:
      return data.sha;
  }
}

export type JobResult =
  | { outcome: "deployed"; url: string; durationMs: number }
  | { outcome: "failed"; reason: string }
  | { outcome: "torn-down"; durationMs: number }
  | { outcome: "superseded"; by: string }
  | { outcome: "skipped"; reason: string }
  | { outcome: "waiting"; reason: string }
  | { outcome: "done"; detail: string };
