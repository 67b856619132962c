// ReplicaStore in memory: /scale counts per repository (case-insensitive) and PR; undefined removes one service's.
import type { ReplicaStore } from "../../../app/ports/replica-store.js";
import type { StoredReplicas } from "../../../app/core/commands/limits.js";

export class FakeReplicaStore implements ReplicaStore {
  readonly byPr = new Map<string, Record<string, StoredReplicas>>();

  private key(repository: string, pr: number): string {
    return `${repository.toLowerCase()}#${pr}`;
  }

  get(repository: string, pr: number): Promise<Record<string, StoredReplicas>> {
    return Promise.resolve({ ...this.byPr.get(this.key(repository, pr)) });
  }

  set(repository: string, pr: number, service: string, value: StoredReplicas | undefined): Promise<void> {
    const counts = { ...this.byPr.get(this.key(repository, pr)) };
    if (value === undefined) delete counts[service];
    else counts[service] = value;
    this.byPr.set(this.key(repository, pr), counts);
    return Promise.resolve();
  }

  forget(repository: string, pr: number): Promise<void> {
    this.byPr.delete(this.key(repository, pr));
    return Promise.resolve();
  }
}
