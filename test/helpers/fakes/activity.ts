// ActivityStore in memory with the Redis adapter's rule: a touch never makes a preview look older than it is.
import type { Activity, ActivityStore } from "../../../app/ports/activity.js";

export class FakeActivityStore implements ActivityStore {
  readonly records = new Map<string, Activity>();

  private key(repository: string, pr: number): string {
    return `${repository.toLowerCase()}#${pr}`;
  }

  touch(activity: Activity): Promise<void> {
    const current = this.records.get(this.key(activity.repository, activity.pr));
    if (!current || current.at < activity.at) this.records.set(this.key(activity.repository, activity.pr), activity);
    return Promise.resolve();
  }

  all(): Promise<Activity[]> {
    return Promise.resolve([...this.records.values()]);
  }

  ofRepository(repository: string): Promise<Map<string, Activity>> {
    const out = new Map<string, Activity>();
    for (const a of this.records.values())
      if (a.repository.toLowerCase() === repository.toLowerCase()) out.set(`pr-${a.pr}`, a);
    return Promise.resolve(out);
  }

  forget(repository: string, pr: number): Promise<void> {
    this.records.delete(this.key(repository, pr));
    return Promise.resolve();
  }
}
