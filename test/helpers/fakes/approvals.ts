// ApprovalStore in memory, keyed like the Redis adapter: repository case-insensitive, one approval per SHA.
import type { Approval, ApprovalStore } from "../../../app/ports/approvals.js";
import type { Clock } from "../../../app/ports/clock.js";

export class FakeApprovalStore implements ApprovalStore {
  readonly byPr = new Map<string, Map<string, Approval>>();

  constructor(private readonly clock: Clock) {}

  private key(repository: string, pr: number): string {
    return `${repository.toLowerCase()}#${pr}`;
  }

  approve(repository: string, pr: number, sha: string, by: string): Promise<void> {
    const approvals = this.byPr.get(this.key(repository, pr)) ?? new Map<string, Approval>();
    approvals.set(sha, { sha, by, at: this.clock.now() });
    this.byPr.set(this.key(repository, pr), approvals);
    return Promise.resolve();
  }

  approvalOf(repository: string, pr: number, sha: string): Promise<Approval | undefined> {
    return Promise.resolve(this.byPr.get(this.key(repository, pr))?.get(sha));
  }

  forget(repository: string, pr: number): Promise<void> {
    this.byPr.delete(this.key(repository, pr));
    return Promise.resolve();
  }
}
