// One GitHub repository world shared by the three GitHub ports (reporter, commands, commits): check runs,
// deployments with their statuses, PR comments and reactions, and every call in order. Sharing it keeps the fakes
// honest where the real ports meet: a deployment the reporter creates is what /rollback's deployedShas lists, a
// sticky comment the reporter writes is what the staging line is appended to.
import type {
  CheckRunState,
  DeploymentSpec,
  DeploymentStatusSpec,
  RepoRef,
} from "../../../app/ports/github-reporter.js";
import type { Reaction } from "../../../app/ports/pull-requests.js";

export type GitHubCall =
  | { api: "createCheckRun"; repo: string; name: string; sha: string; state: CheckRunState; externalId: string }
  | { api: "updateCheckRun"; repo: string; id: number; state: CheckRunState }
  | { api: "createDeployment"; repo: string; spec: DeploymentSpec }
  | { api: "createDeploymentStatus"; repo: string; deploymentId: number; status: DeploymentStatusSpec }
  | { api: "deactivateEnvironment"; repo: string; environment: string; description: string }
  | { api: "upsertStickyComment"; repo: string; issue: number; marker: string; body: string }
  | { api: "pullRequest"; repo: string; number: number }
  | { api: "permissionOf"; repo: string; login: string }
  | { api: "react"; repo: string; commentId: number; reaction: Reaction }
  | { api: "reply"; repo: string; number: number; body: string }
  | { api: "editReply"; repo: string; commentId: number; body: string }
  | { api: "deployedShas"; repo: string; environment: string }
  | { api: "checkSuites"; repo: string; sha: string }
  | { api: "resolveCommit"; repo: string; ref: string }
  | { api: "mergedPullsOf"; repo: string; sha: string }
  | { api: "appendToStickyComment"; repo: string; pr: number; marker: string; line: string }
  | { api: "tarball"; repo: string; sha: string };

export type GitHubApi = GitHubCall["api"];

export interface FakeCheckRun {
  id: number;
  repo: string;
  name: string;
  sha: string;
  externalId: string;
  /** Every state sent, the creation first. */
  states: CheckRunState[];
}

export interface FakeDeployment {
  id: number;
  repo: string;
  spec: DeploymentSpec;
  statuses: DeploymentStatusSpec[];
}

export interface FakeComment {
  id: number;
  repo: string;
  issue: number;
  body: string;
  /** Written by Berth (the App), not by a person. */
  byBot: boolean;
}

export class FakeGitHubState {
  readonly calls: GitHubCall[] = [];
  readonly checkRuns: FakeCheckRun[] = [];
  readonly deployments: FakeDeployment[] = [];
  readonly comments: FakeComment[] = [];
  readonly reactions: { repo: string; commentId: number; reaction: Reaction }[] = [];
  private nextId = 1000;
  private readonly failures = new Map<GitHubApi, Error>();

  id(): number {
    return this.nextId++;
  }

  /** Records the call; throws the error a test set for this API (GitHub 5xx, rate limit…). */
  record(call: GitHubCall): void {
    this.calls.push(call);
    const failure = this.failures.get(call.api);
    if (failure) throw failure;
  }

  /** Every later call of `api` fails with `err` until `heal`. */
  failOn(api: GitHubApi, err: Error): void {
    this.failures.set(api, err);
  }

  heal(api: GitHubApi): void {
    this.failures.delete(api);
  }

  /** The calls of one API, in order (narrowed to its shape). */
  callsOf<A extends GitHubApi>(api: A): Extract<GitHubCall, { api: A }>[] {
    return this.calls.filter((c): c is Extract<GitHubCall, { api: A }> => c.api === api);
  }

  /** Only the API names, in order: the shape of a job's conversation with GitHub. */
  apis(): GitHubApi[] {
    return this.calls.map((c) => c.api);
  }

  /** A comment someone (not Berth) wrote, e.g. the one carrying a slash command. */
  addHumanComment(repo: RepoRef, issue: number, body: string): FakeComment {
    const comment = { id: this.id(), repo: full(repo), issue, body, byBot: false };
    this.comments.push(comment);
    return comment;
  }

  commentsOn(issue: number): FakeComment[] {
    return this.comments.filter((c) => c.issue === issue);
  }

  deploymentsOf(environment: string): FakeDeployment[] {
    return this.deployments.filter((d) => d.spec.environment === environment);
  }

  checkRunsNamed(name: string): FakeCheckRun[] {
    return this.checkRuns.filter((c) => c.name === name);
  }

  /** The state a check run shows now. */
  lastState(run: FakeCheckRun): CheckRunState {
    return run.states[run.states.length - 1]!;
  }
}

export function full(repo: RepoRef): string {
  return `${repo.owner}/${repo.repo}`;
}
