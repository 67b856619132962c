// What jobs need from GitHub. Implemented with an installation-authenticated Octokit (app/adapters/github).
export interface RepoRef {
  owner: string;
  repo: string;
}

export interface CheckRunState {
  status: "queued" | "in_progress" | "completed";
  conclusion?: "success" | "failure" | "neutral" | "cancelled" | "skipped" | "action_required";
  title: string;
  summary: string; // ≤ 65 535 chars: the formatter truncates
  text?: string;
}

export interface DeploymentSpec {
  ref: string; // the SHA
  environment: string; // "pr-123"
  description: string;
  transient: boolean;
  production: boolean;
  payload: Record<string, unknown>;
}

export interface DeploymentStatusSpec {
  state: "error" | "failure" | "inactive" | "in_progress" | "queued" | "pending" | "success";
  description: string; // ≤ 140 chars
  environmentUrl?: string;
  logUrl?: string;
}

export interface GitHubReporter {
  /** Creates the check run, returns its id and html_url. */
  createCheckRun(
    repo: RepoRef,
    name: string,
    sha: string,
    state: CheckRunState,
    externalId: string,
  ): Promise<{ id: number; url: string }>;
  updateCheckRun(repo: RepoRef, id: number, state: CheckRunState): Promise<void>;
  createDeployment(repo: RepoRef, spec: DeploymentSpec): Promise<number>;
  createDeploymentStatus(repo: RepoRef, deploymentId: number, status: DeploymentStatusSpec): Promise<void>;
  /** Ids of the environment's deployments whose newest status is not inactive (reads only). */
  activeDeployments(repo: RepoRef, environment: string): Promise<number[]>;
  /** Marks every deployment of the environment that is not already inactive as inactive. */
  deactivateEnvironment(repo: RepoRef, environment: string, description: string): Promise<number[]>;
  /** Finds the comment carrying `marker` on the issue/PR and edits it, or creates it. Returns the comment id. */
  upsertStickyComment(repo: RepoRef, issueNumber: number, marker: string, body: string): Promise<number>;
}
