// GitHubReporter on the shared fake GitHub: ids as GitHub would hand them out, a sticky comment found by its
// marker among Berth's own comments (never a human's quoting it), deactivation skipping inactive deployments.
import type {
  CheckRunState,
  DeploymentSpec,
  DeploymentStatusSpec,
  GitHubReporter,
  RepoRef,
} from "../../../app/ports/github-reporter.js";
import { full, type FakeGitHubState } from "./github-state.js";

export class FakeGitHubReporter implements GitHubReporter {
  constructor(private readonly gh: FakeGitHubState) {}

  createCheckRun(
    repo: RepoRef,
    name: string,
    sha: string,
    state: CheckRunState,
    externalId: string,
  ): Promise<{ id: number; url: string }> {
    this.gh.record({ api: "createCheckRun", repo: full(repo), name, sha, state, externalId });
    const id = this.gh.id();
    this.gh.checkRuns.push({ id, repo: full(repo), name, sha, externalId, states: [state] });
    return Promise.resolve({ id, url: `https://github.com/${full(repo)}/runs/${id}` });
  }

  updateCheckRun(repo: RepoRef, id: number, state: CheckRunState): Promise<void> {
    this.gh.record({ api: "updateCheckRun", repo: full(repo), id, state });
    const run = this.gh.checkRuns.find((c) => c.id === id);
    if (!run) return Promise.reject(new Error(`check run ${id} does not exist (404)`));
    run.states.push(state);
    return Promise.resolve();
  }

  createDeployment(repo: RepoRef, spec: DeploymentSpec): Promise<number> {
    this.gh.record({ api: "createDeployment", repo: full(repo), spec });
    const id = this.gh.id();
    this.gh.deployments.push({ id, repo: full(repo), spec, statuses: [] });
    return Promise.resolve(id);
  }

  createDeploymentStatus(repo: RepoRef, deploymentId: number, status: DeploymentStatusSpec): Promise<void> {
    this.gh.record({ api: "createDeploymentStatus", repo: full(repo), deploymentId, status });
    const deployment = this.gh.deployments.find((d) => d.id === deploymentId);
    if (!deployment) return Promise.reject(new Error(`deployment ${deploymentId} does not exist (404)`));
    deployment.statuses.push(status);
    return Promise.resolve();
  }

  activeDeployments(repo: RepoRef, environment: string): Promise<number[]> {
    return Promise.resolve(
      this.gh.deployments
        .filter((d) => d.repo === full(repo) && d.spec.environment === environment)
        .filter((d) => d.statuses[d.statuses.length - 1]?.state !== "inactive")
        .map((d) => d.id),
    );
  }

  deactivateEnvironment(repo: RepoRef, environment: string, description: string): Promise<number[]> {
    this.gh.record({ api: "deactivateEnvironment", repo: full(repo), environment, description });
    const deactivated: number[] = [];
    for (const d of this.gh.deployments) {
      if (d.repo !== full(repo) || d.spec.environment !== environment) continue;
      if (d.statuses[d.statuses.length - 1]?.state === "inactive") continue;
      d.statuses.push({ state: "inactive", description });
      deactivated.push(d.id);
    }
    return Promise.resolve(deactivated);
  }

  upsertStickyComment(repo: RepoRef, issueNumber: number, marker: string, body: string): Promise<number> {
    this.gh.record({ api: "upsertStickyComment", repo: full(repo), issue: issueNumber, marker, body });
    const ours = this.gh.comments.find(
      (c) => c.repo === full(repo) && c.issue === issueNumber && c.byBot && c.body.includes(marker),
    );
    if (ours) {
      ours.body = body;
      return Promise.resolve(ours.id);
    }
    const id = this.gh.id();
    this.gh.comments.push({ id, repo: full(repo), issue: issueNumber, body, byBot: true });
    return Promise.resolve(id);
  }
}
