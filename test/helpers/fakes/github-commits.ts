// GitHubCommits on the shared fake GitHub: check suites, refs, merged PRs and tarballs a test sets per commit.
// An unknown ref or tarball fails like GitHub's 404; the staging line is appended once to Berth's own comment.
import type { RepoRef } from "../../../app/ports/github-reporter.js";
import type { GitHubCommits } from "../../../app/ports/github-commits.js";
import type { CheckSuiteFact } from "../../../app/core/ci-gate.js";
import { full, type FakeGitHubState } from "./github-state.js";

export class FakeGitHubCommits implements GitHubCommits {
  readonly suites = new Map<string, CheckSuiteFact[]>();
  readonly refs = new Map<string, string>();
  readonly mergedPulls = new Map<string, number[]>();
  readonly tarballs = new Map<string, Buffer>();

  constructor(private readonly gh: FakeGitHubState) {}

  checkSuites(repo: RepoRef, sha: string): Promise<CheckSuiteFact[]> {
    this.gh.record({ api: "checkSuites", repo: full(repo), sha });
    return Promise.resolve(structuredClone(this.suites.get(sha) ?? []));
  }

  resolveCommit(repo: RepoRef, ref: string): Promise<string> {
    this.gh.record({ api: "resolveCommit", repo: full(repo), ref });
    const sha = this.refs.get(ref);
    return sha ? Promise.resolve(sha) : Promise.reject(new Error(`No commit found for SHA: ${ref} (422)`));
  }

  mergedPullsOf(repo: RepoRef, sha: string): Promise<number[]> {
    this.gh.record({ api: "mergedPullsOf", repo: full(repo), sha });
    return Promise.resolve([...(this.mergedPulls.get(sha) ?? [])]);
  }

  appendToStickyComment(repo: RepoRef, pr: number, marker: string, line: string): Promise<boolean> {
    this.gh.record({ api: "appendToStickyComment", repo: full(repo), pr, marker, line });
    const ours = this.gh.comments.find(
      (c) => c.repo === full(repo) && c.issue === pr && c.byBot && c.body.includes(marker),
    );
    if (!ours) return Promise.resolve(false);
    if (!ours.body.includes(line)) ours.body = `${ours.body}\n\n${line}`;
    return Promise.resolve(true);
  }

  tarball(repo: RepoRef, sha: string): Promise<Buffer> {
    this.gh.record({ api: "tarball", repo: full(repo), sha });
    const tar = this.tarballs.get(sha);
    return tar ? Promise.resolve(tar) : Promise.reject(new Error(`tarball of ${sha}: Not Found (404)`));
  }
}
