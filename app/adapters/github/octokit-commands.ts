// CommandGitHub on an installation-authenticated Octokit (Probot's, or @octokit/rest in tests).
import type { CommandGitHub, PullRequestInfo } from "../../ports/pull-requests.js";
import { callGitHub as call, type OctokitLike } from "./octokit-call.js";
import { classifyGitHubError } from "./github-errors.js";

const PERMISSIONS = new Set(["admin", "maintain", "write", "triage", "read", "none"]);

export function createCommandGitHub(octokit: OctokitLike): CommandGitHub {
  return {
    async pullRequest(repo, number) {
      const { data } = await call("get pull request", () =>
        octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { ...repo, pull_number: number }),
      );
      return {
        number: data.number,
        state: data.state === "open" ? "open" : "closed",
        headSha: data.head.sha,
        baseRepository: data.base.repo.full_name,
        headRepository: data.head.repo?.full_name ?? null,
        authorAssociation: data.author_association ?? "NONE",
        author: data.user?.login ?? "",
      } satisfies PullRequestInfo;
    },

    async permissionOf(repo, login) {
      let data: { permission?: string; role_name?: string };
      try {
        ({ data } = await octokit.request("GET /repos/{owner}/{repo}/collaborators/{username}/permission", {
          ...repo,
          username: login,
        }));
      } catch (err) {
        // GitHub answers 404 for a login that is not a collaborator (or no longer exists): no permission at all.
        if ((err as { status?: number }).status === 404) return "none";
        throw classifyGitHubError("get collaborator permission", err);
      }
      // `permission` folds maintain into write and triage into read; role_name keeps them apart (custom roles
      // fall back to the folded value).
      const { role_name: role = "", permission = "" } = data;
      return PERMISSIONS.has(role) ? role : PERMISSIONS.has(permission) ? permission : "none";
    },

    async react(repo, commentId, reaction) {
      await call("add reaction", () =>
        octokit.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", {
          ...repo,
          comment_id: commentId,
          content: reaction,
        }),
      );
    },

    async reply(repo, number, body) {
      const { data } = await call("create comment", () =>
        octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
          ...repo,
          issue_number: number,
          body,
        }),
      );
      return data.id as number;
    },

    async editReply(repo, commentId, body) {
      await call("edit comment", () =>
        octokit.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
          ...repo,
          comment_id: commentId,
          body,
        }),
      );
    },

    async deployedShas(repo, environment) {
      const list = await call("list deployments", () =>
        octokit.paginate("GET /repos/{owner}/{repo}/deployments", { ...repo, environment, per_page: 100 }),
      );
      return list.map((d) => String(d.sha));
    },
  };
}
