// Whose code may run on our Swarm without a human looking first. A PR from a fork, or by an author GitHub does not
// list as owner, org member or collaborator, is untrusted: it deploys only once someone with write access approved
// the exact commit (an approval covers one SHA).
export const TRUSTED_ASSOCIATIONS: readonly string[] = ["OWNER", "MEMBER", "COLLABORATOR"];

export interface PullRequestOrigin {
  /** owner/name of the repository the PR targets. */
  baseRepository: string;
  /** owner/name the head branch lives in; null when the fork was deleted. */
  headRepository: string | null;
  /** pull_request.author_association */
  authorAssociation: string;
}

export function isFork(pr: PullRequestOrigin): boolean {
  return pr.headRepository === null || pr.headRepository.toLowerCase() !== pr.baseRepository.toLowerCase();
}

export function isTrusted(pr: PullRequestOrigin): boolean {
  return !isFork(pr) && TRUSTED_ASSOCIATIONS.includes(pr.authorAssociation.toUpperCase());
}
