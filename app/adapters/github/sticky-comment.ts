// Berth's own comment on an issue or PR, found by its marker. Only a comment written by the App counts: a human
// quoting the marker must not get their comment overwritten.
import type { RepoRef } from "../../ports/github-reporter.js";
import { callGitHub as call, type OctokitLike } from "./octokit-call.js";

export async function findOwnComment(
  octokit: OctokitLike,
  repo: RepoRef,
  issueNumber: number,
  marker: string,
): Promise<{ id: number; body: string } | undefined> {
  const comments = await call("list comments", () =>
    octokit.paginate("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      ...repo,
      issue_number: issueNumber,
      per_page: 100,
    }),
  );
  const ours = comments.find(
    (c) =>
      typeof c.body === "string" && c.body.includes(marker) && (c.user?.type === "Bot" || c.performed_via_github_app),
  );
  return ours ? { id: ours.id as number, body: ours.body as string } : undefined;
}
