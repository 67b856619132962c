// GitHubReporter on an installation-authenticated Octokit (Probot's, or @octokit/rest in tests).
import type { GitHubReporter, RepoRef } from "../../ports/github-reporter.js";
import { callGitHub as call, type OctokitLike } from "./octokit-call.js";
import { classifyGitHubError } from "./github-errors.js";

export function createGitHubReporter(octokit: OctokitLike): GitHubReporter {
  const output = (s: { title: string; summary: string; text?: string }) => ({
    title: s.title,
    summary: s.summary,
    ...(s.text ? { text: s.text } : {}),
  });
  const reporter: GitHubReporter = {
    async createCheckRun(repo: RepoRef, name, sha, state, externalId) {
      const { data } = await call("create check run", () =>
        octokit.request("POST /repos/{owner}/{repo}/check-runs", {
          ...repo,
          name,
          head_sha: sha,
          status: state.status,
          external_id: externalId,
          started_at: new Date().toISOString(),
          output: output(state),
        }),
      );
      return { id: data.id as number, url: data.html_url as string };
    },

    async updateCheckRun(repo, id, state) {
      await call("update check run", () =>
        octokit.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
          ...repo,
          check_run_id: id,
          status: state.status,
          ...(state.status === "completed"
            ? { conclusion: state.conclusion, completed_at: new Date().toISOString() }
            : {}),
          output: output(state),
        }),
      );
    },

    async createDeployment(repo, spec) {
      const { data, status } = await call("create deployment", () =>
        octokit.request("POST /repos/{owner}/{repo}/deployments", {
          ...repo,
          ref: spec.ref,
          environment: spec.environment,
          description: spec.description,
          transient_environment: spec.transient,
          production_environment: spec.production,
          required_contexts: [],
          auto_merge: false,
          task: "deploy",
          payload: spec.payload,
        }),
      );
      if (status !== 201 || typeof data.id !== "number") {
        throw classifyGitHubError("create deployment", {
          status: 422,
          message: data?.message ?? `unexpected status ${status}`,
        });
      }
      return data.id as number;
    },

    async createDeploymentStatus(repo, deploymentId, status) {
      await call("create deployment status", () =>
        octokit.request("POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
          ...repo,
          deployment_id: deploymentId,
          state: status.state,
          description: status.description,
          ...(status.environmentUrl ? { environment_url: status.environmentUrl } : {}),
          ...(status.logUrl ? { log_url: status.logUrl } : {}),
          auto_inactive: status.state === "success",
        }),
      );
    },

    async activeDeployments(repo, environment) {
      const deployments = await call("list deployments", () =>
        octokit.paginate("GET /repos/{owner}/{repo}/deployments", { ...repo, environment, per_page: 100 }),
      );
      const active: number[] = [];
      for (const d of deployments) {
        const statuses = await call("list deployment statuses", () =>
          octokit.request("GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
            ...repo,
            deployment_id: d.id,
            per_page: 1,
          }),
        );
        if (statuses.data[0]?.state !== "inactive") active.push(d.id as number);
      }
      return active;
    },

    async deactivateEnvironment(repo, environment, description) {
      const active = await reporter.activeDeployments(repo, environment);
      for (const id of active) await reporter.createDeploymentStatus(repo, id, { state: "inactive", description });
      return active;
    },

    async upsertStickyComment(repo, issueNumber, marker, body) {
      const comments = await call("list comments", () =>
        octokit.paginate("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
          ...repo,
          issue_number: issueNumber,
          per_page: 100,
        }),
      );
      // Only our own comment counts: a human quoting the marker must not get their comment overwritten.
      const ours = comments.find(
        (c) =>
          typeof c.body === "string" &&
          c.body.includes(marker) &&
          (c.user?.type === "Bot" || c.performed_via_github_app),
      );
      if (ours) {
        await call("update comment", () =>
          octokit.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
            ...repo,
            comment_id: ours.id,
            body,
          }),
        );
        return ours.id as number;
      }
      const { data } = await call("create comment", () =>
        octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
          ...repo,
          issue_number: issueNumber,
          body,
        }),
      );
      return data.id as number;
    },
  };
  return reporter;
}
