// What branch deploys read from GitHub about a commit, and the one comment edit they make on a merged PR.
import type { RepoRef } from "./github-reporter.js";
import type { CheckSuiteFact } from "../core/ci-gate.js";

export interface GitHubCommits {
  /** GET /repos/{owner}/{repo}/commits/{ref}/check-suites (all pages). */
  checkSuites(repo: RepoRef, sha: string): Promise<CheckSuiteFact[]>;
  /** The commit SHA a ref (tag, branch) points at: GET /repos/{owner}/{repo}/commits/{ref}. */
  resolveCommit(repo: RepoRef, ref: string): Promise<string>;
  /** Numbers of merged pull requests containing the commit: GET /repos/{owner}/{repo}/commits/{sha}/pulls. */
  mergedPullsOf(repo: RepoRef, sha: string): Promise<number[]>;
  /** Appends `line` to Berth's comment carrying `marker` on the PR (once); false when there is no such comment. */
  appendToStickyComment(repo: RepoRef, pr: number, marker: string, line: string): Promise<boolean>;
  /** The commit's source as a gzipped tarball (GET /repos/{owner}/{repo}/tarball/{ref}). */
  tarball(repo: RepoRef, sha: string): Promise<Buffer>;
}
