import type { Redis } from "ioredis";
import type { Activity, ActivityStore } from "../../ports/activity.js";

// One hash for all previews: the sweeper reads it whole every interval; a field per <repository>#<pr>.
export function createActivityStore(redis: Redis, prefix: string): ActivityStore {
  const key = `${prefix}:berth:activity`;
  const field = (repository: string, pr: number) => `${repository.toLowerCase()}#${pr}`;
  const all = async (): Promise<Activity[]> => Object.values(await redis.hgetall(key)).map((raw) => JSON.parse(raw) as Activity);
  return {
    async touch(a) {
      await redis.hset(key, field(a.repository, a.pr), JSON.stringify(a));
    },
    all,
    async ofRepository(repository) {
      const out = new Map<string, Activity>();
      for (const a of await all()) if (a.repository.toLowerCase() === repository.toLowerCase()) out.set(`pr-${a.pr}`, a);
      return out;
    },
    async forget(repository, pr) {
      await redis.hdel(key, field(repository, pr));
    },
  };
}
