// CommandGitHub on the shared fake GitHub. A login without a recorded permission is "none" (GitHub's 404 for a
// non-collaborator); deployedShas lists the environment's deployments newest first, as GitHub does.
import type { RepoRef } from "../../../app/ports/github-reporter.js";
import type { CommandGitHub, PullRequestInfo, Reaction } from "../../../app/ports/pull-requests.js";
import { full, type FakeGitHubState } from "./github-state.js";

export class FakeCommandGitHub implements CommandGitHub {
  readonly pulls = new Map<number, PullRequestInfo>();
  readonly permissions = new Map<string, string>();

  constructor(private readonly gh: FakeGitHubState) {}

  pullRequest(repo: RepoRef, number: number): Promise<PullRequestInfo> {
    this.gh.record({ api: "pullRequest", repo: full(repo), number });
    const pr = this.pulls.get(number);
    if (!pr) return Promise.reject(new Error(`pull request ${number} not found (404)`));
    return Promise.resolve({ ...pr });
  }

  permissionOf(repo: RepoRef, login: string): Promise<string> {
    this.gh.record({ api: "permissionOf", repo: full(repo), login });
    return Promise.resolve(this.permissions.get(login) ?? "none");
  }

  react(repo: RepoRef, commentId: number, reaction: Reaction): Promise<void> {
    this.gh.record({ api: "react", repo: full(repo), commentId, reaction });
    this.gh.reactions.push({ repo: full(repo), commentId, reaction });
    return Promise.resolve();
  }

  reply(repo: RepoRef, number: number, body: string): Promise<number> {
    this.gh.record({ api: "reply", repo: full(repo), number, body });
    const id = this.gh.id();
    this.gh.comments.push({ id, repo: full(repo), issue: number, body, byBot: true });
    return Promise.resolve(id);
  }

  editReply(repo: RepoRef, commentId: number, body: string): Promise<void> {
    this.gh.record({ api: "editReply", repo: full(repo), commentId, body });
    const comment = this.gh.comments.find((c) => c.id === commentId);
    if (!comment) return Promise.reject(new Error(`comment ${commentId} not found (404)`));
    comment.body = body;
    return Promise.resolve();
  }

  deployedShas(repo: RepoRef, environment: string): Promise<string[]> {
    this.gh.record({ api: "deployedShas", repo: full(repo), environment });
    return Promise.resolve(
      this.gh.deployments
        .filter((d) => d.repo === full(repo) && d.spec.environment === environment)
        .map((d) => d.spec.ref)
        .reverse(),
    );
  }
}
