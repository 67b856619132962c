// ReleaseStore in memory: history newest first and bounded by `keep`; the waiting deploy is cleared only by its own
// job when a job id is given (a newer push may have replaced it), as the Redis adapter does.
import type { ReleaseStore, WaitingDeploy } from "../../../app/ports/releases.js";
import type { Release } from "../../../app/core/release.js";

export class FakeReleaseStore implements ReleaseStore {
  readonly histories = new Map<string, Release[]>();
  readonly waits = new Map<string, WaitingDeploy>();

  private key(repository: string, environment: string): string {
    return `${repository.toLowerCase()}#${environment}`;
  }

  history(repository: string, environment: string): Promise<Release[]> {
    return Promise.resolve(structuredClone(this.histories.get(this.key(repository, environment)) ?? []));
  }

  record(repository: string, environment: string, release: Release, keep: number): Promise<void> {
    const list = [structuredClone(release), ...(this.histories.get(this.key(repository, environment)) ?? [])];
    this.histories.set(this.key(repository, environment), list.slice(0, keep));
    return Promise.resolve();
  }

  withdraw(repository: string, environment: string, releaseId: string): Promise<void> {
    const key = this.key(repository, environment);
    this.histories.set(
      key,
      (this.histories.get(key) ?? []).filter((r) => r.id !== releaseId),
    );
    return Promise.resolve();
  }

  waiting(repository: string, environment: string): Promise<WaitingDeploy | undefined> {
    const found = this.waits.get(this.key(repository, environment));
    return Promise.resolve(found ? { ...found } : undefined);
  }

  setWaiting(repository: string, environment: string, waiting: WaitingDeploy): Promise<void> {
    this.waits.set(this.key(repository, environment), { ...waiting });
    return Promise.resolve();
  }

  clearWaiting(repository: string, environment: string, jobId?: string): Promise<void> {
    const key = this.key(repository, environment);
    if (jobId === undefined || this.waits.get(key)?.jobId === jobId) this.waits.delete(key);
    return Promise.resolve();
  }
}
