// The two facts about a GitHub repository and commit that every job handles: `owner/name` split for REST calls, and
// what a full commit SHA looks like (Berth never acts on abbreviated or symbolic refs).
import type { RepoRef } from "../ports/github-reporter.js";

export const COMMIT_SHA = /^[0-9a-f]{40}$/;

export function isCommitSha(sha: string): boolean {
  return COMMIT_SHA.test(sha);
}

/** "acme/shop" → { owner: "acme", repo: "shop" }; the name was validated when the job was enqueued. */
export function repoRef(fullName: string): RepoRef {
  const [owner, repo] = fullName.split("/") as [string, string];
  return { owner, repo };
}
