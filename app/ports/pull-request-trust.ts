// What the last pull_request event said about a PR's origin. A deploy queued by a command (/redeploy, /scale,
// /approve) may not know whether the PR comes from a fork; it must not count as trusted just because it does not say.
export interface PullRequestTrust {
  remember(repository: string, pr: number, trusted: boolean): Promise<void>;
  /** True when the PR's last pull_request event was untrusted. */
  isUntrusted(repository: string, pr: number): Promise<boolean>;
  forget(repository: string, pr: number): Promise<void>;
}
