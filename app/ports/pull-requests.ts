// What the command job needs from GitHub besides reporting: the PR as it is now (head, state, origin), the
// commenter's permission, reactions and a reply. Implemented on the installation's Octokit.
import type { RepoRef } from "./github-reporter.js";

export interface PullRequestInfo {
  number: number;
  state: "open" | "closed";
  headSha: string;
  /** owner/name of the repository the PR targets. */
  baseRepository: string;
  /** owner/name the head branch lives in; null when the fork was deleted. */
  headRepository: string | null;
  authorAssociation: string;
  author: string;
}

export type Reaction = "eyes" | "rocket" | "confused";

export interface CommandGitHub {
  pullRequest(repo: RepoRef, number: number): Promise<PullRequestInfo>;
  /** admin, maintain, write, triage, read or none (GitHub's collaborator permission, role_name when finer). */
  permissionOf(repo: RepoRef, login: string): Promise<string>;
  react(repo: RepoRef, commentId: number, reaction: Reaction): Promise<void>;
  /** Posts a new comment on the PR; returns its id. */
  reply(repo: RepoRef, number: number, body: string): Promise<number>;
  /** Replaces the body of a comment Berth posted (a retried command job answers in its first reply). */
  editReply(repo: RepoRef, commentId: number, body: string): Promise<void>;
  /** SHAs deployed to an environment (GitHub Deployments), newest first. */
  deployedShas(repo: RepoRef, environment: string): Promise<string[]>;
}
