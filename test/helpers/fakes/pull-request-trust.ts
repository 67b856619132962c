// PullRequestTrust in memory: only untrusted PRs are remembered (a trusted verdict clears the mark), as in Redis.
import type { PullRequestTrust } from "../../../app/ports/pull-request-trust.js";

export class FakePullRequestTrust implements PullRequestTrust {
  readonly untrusted = new Set<string>();

  private key(repository: string, pr: number): string {
    return `${repository.toLowerCase()}#${pr}`;
  }

  remember(repository: string, pr: number, trusted: boolean): Promise<void> {
    if (trusted) this.untrusted.delete(this.key(repository, pr));
    else this.untrusted.add(this.key(repository, pr));
    return Promise.resolve();
  }

  isUntrusted(repository: string, pr: number): Promise<boolean> {
    return Promise.resolve(this.untrusted.has(this.key(repository, pr)));
  }

  forget(repository: string, pr: number): Promise<void> {
    this.untrusted.delete(this.key(repository, pr));
    return Promise.resolve();
  }
}
