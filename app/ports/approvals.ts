// Untrusted pull requests (forks, authors outside the repository) deploy only once someone with write access has
// approved the exact commit: an approval covers one SHA, so a new push needs a new /approve.
export interface Approval {
  sha: string;
  by: string;
  at: number; // ms epoch
}

export interface ApprovalStore {
  /** Records that `by` approved `sha` of the PR. */
  approve(repository: string, pr: number, sha: string, by: string): Promise<void>;
  /** The approval of exactly this SHA, if any. */
  approvalOf(repository: string, pr: number, sha: string): Promise<Approval | undefined>;
  /** Forget every approval of the PR (it was closed). */
  forget(repository: string, pr: number): Promise<void>;
}
