// What a queued job carries: ids and SHAs, never whole payloads (a job may be retried hours later; the payload
// would be stale, and Redis is not the place for PR bodies).

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
 * Branch GitOps: a staging or production deploy of one commit.
 * - push to the default branch → staging, sha = the pushed head; a release / matching tag → production.
 * - `/deploy staging` on a PR → sha = the PR head; `/deploy production` → sha "" = promote what staging runs now
 *   (or release a production deploy that waits for an admin's approval).
 * - `/rollback [staging|production] [sha]` → trigger "rollback", sha = the release to restore, "" = the one before
 *   the current release.
 * - check_suite / workflow_run completed → trigger "ci", sha = the suite's head SHA: re-evaluates the deploy that
 *   waits for CI in that environment (nothing else); a release.published → sha "" and ref refs/tags/<tag>: the job
 *   resolves the tag to its commit.
 */
export interface DeployEnvironmentJob extends JobBase {
  kind: "deploy-environment";
  environment: "staging" | "production";
  sha: string;
  /** The ref that caused it: "refs/heads/main", "refs/tags/v1.0.0", or "" for a command. */
  ref: string;
  trigger: "push" | "release" | "tag" | "ci" | "command" | "rollback";
  /** A merged PR whose preview comment gets "deployed to staging at <url>". */
  pr?: number;
  /** Rollback: redeploy this recorded release instead of rendering the commit anew. */
  releaseId?: string;
}

/** Periodic: tear down previews idle past their TTL. Not tied to one repository. */
export interface SweepPreviewsJob {
  kind: "sweep-previews";
  deliveryId: string;
  receivedAt: number;
  repository: string; // "*" for every configured repository
  installationId: number; // 0: resolved per repository
  sender: string;
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
      return `pr-${data.pr}`;
  }
}

/** The serialisation key: at most one job per environment runs at a time. */
export function environmentKey(data: JobData): string {
  return `${data.repository.toLowerCase()}#${environmentOf(data)}`;
}

/**
 * Jobs that replace the environment's state wholesale: the newest one wins and a queued older one is dropped.
 * Commands do not supersede and are not superseded: a /scale queued behind a push must still be persisted.
 */
export function supersedes(data: JobData): boolean {
  // A CI event only re-evaluates the deploy that waits for CI: it must neither drop a queued push nor be dropped.
  if (data.kind === "deploy-environment") return data.trigger !== "ci";
  return data.kind === "deploy-preview" || data.kind === "teardown-preview";
}

/** A commit a job is about, for the lock holder details. */
export function shaOf(data: JobData): string {
  return "sha" in data ? data.sha : "";
}

export type JobResult =
  | { outcome: "deployed"; url: string; durationMs: number }
  | { outcome: "failed"; reason: string; /** a policy or a permission said no: nothing was tried */ refused?: true }
  | { outcome: "torn-down"; durationMs: number }
  | { outcome: "superseded"; by: string }
  | { outcome: "skipped"; reason: string }
  | { outcome: "waiting"; reason: string }
  | { outcome: "done"; detail: string };
