// GitHubCommits on an installation-authenticated Octokit.
import type { GitHubCommits } from "../../ports/github-commits.js";
import { callGitHub as call, type OctokitLike } from "./octokit-call.js";
import { findOwnComment } from "./sticky-comment.js";

export function createGitHubCommits(octokit: OctokitLike): GitHubCommits {
  return {
    async checkSuites(repo, sha) {
      // paginate flattens { total_count, check_suites: [...] } into the array.
      const suites = await call("list check suites", () =>
        octokit.paginate("GET /repos/{owner}/{repo}/commits/{ref}/check-suites", { ...repo, ref: sha, per_page: 100 }),
      );
      return suites.map((s) => ({
        id: s.id,
        app: { id: s.app?.id ?? 0, slug: s.app?.slug ?? "unknown", name: s.app?.name },
        status: s.status ?? null,
        conclusion: s.conclusion ?? null,
        latestCheckRunsCount: s.latest_check_runs_count ?? 0,
        url: s.url,
      }));
    },
    async resolveCommit(repo, ref) {
      const { data } = await call(`resolve ${ref}`, () =>
        octokit.request("GET /repos/{owner}/{repo}/commits/{ref}", { ...repo, ref }),
      );
      return data.sha as string;
    },
    async mergedPullsOf(repo, sha) {
      const pulls = await call("list pulls of commit", () =>
        octokit.paginate("GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls", {
          ...repo,
          commit_sha: sha,
          per_page: 100,
        }),
      );
      return pulls.filter((p) => p.merged_at).map((p) => p.number as number);
    },
    async appendToStickyComment(repo, pr, marker, line) {
      const ours = await findOwnComment(octokit, repo, pr, marker);
      if (!ours) return false;
      if (ours.body.includes(line)) return true;
      await call("update comment", () =>
        octokit.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
          ...repo,
          comment_id: ours.id,
          body: `${ours.body}\n\n${line}`,
        }),
      );
      return true;
    },
    async tarball(repo, sha) {
      // GitHub answers with a redirect to codeload; Octokit follows it and hands binary bodies over as ArrayBuffer.
      const { data } = await call("download tarball", () =>
        octokit.request("GET /repos/{owner}/{repo}/tarball/{ref}", { ...repo, ref: sha }),
      );
      if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return Buffer.from(data as ArrayBuffer);
      throw new Error(`tarball of ${sha} came back as ${typeof data}, not binary`);
    },
  };
}
