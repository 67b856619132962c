// The two facts about a GitHub repository and commit that every job handles: `owner/name` split for REST calls, and
// what a full commit SHA looks like (Berth never acts on abbreviated or symbolic refs).
import type { RepoRef } from "../ports/github-reporter.js";

export const COMMIT_SHA = /^[0-9a-f]{40}$/;

/**
 * "owner/name" as GitHub allows it: an owner of alphanumerics and hyphens, neither first nor last, at most 39
 * characters; a name of alphanumerics, ".", "_" and "-", never "." or "..". The config schema's `repository`
 * pattern is the same (test/unit/repository-name.test.ts holds them together).
 */
export const REPOSITORY_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?\/(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/;

export function isRepositoryName(name: string): boolean {
  return REPOSITORY_NAME.test(name);
}

export function isCommitSha(sha: string): boolean {
  return COMMIT_SHA.test(sha);
}

/** "acme/shop" → { owner: "acme", repo: "shop" }; the name was validated when the job was enqueued. */
export function repoRef(fullName: string): RepoRef {
  const [owner, repo] = fullName.split("/") as [string, string];
  return { owner, repo };
}
