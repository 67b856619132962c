import type { Redis } from "ioredis";
import { berthKeys } from "../../queue/keys.js";
import { previewName } from "../../core/environment.js";
import type { Activity, ActivityStore } from "../../ports/activity.js";

const NEWER_WINS = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur and tonumber(cjson.decode(cur).at) >= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`;

// One hash for all previews: the sweeper reads it whole every interval; a field per <repository>#<pr>.
export function createActivityStore(redis: Redis, prefix: string): ActivityStore {
  const key = berthKeys(prefix).activity();
  const field = berthKeys(prefix).activityField;
  const all = async (): Promise<Activity[]> =>
    Object.values(await redis.hgetall(key)).map((raw) => JSON.parse(raw) as Activity);
  return {
    async touch(a) {
      // A retried job carries its original receivedAt: it must not make a preview look older than it is.
      await redis.eval(NEWER_WINS, 1, key, field(a.repository, a.pr), JSON.stringify(a), String(a.at));
    },
    all,
    async ofRepository(repository) {
      const out = new Map<string, Activity>();
      for (const a of await all())
        if (a.repository.toLowerCase() === repository.toLowerCase()) out.set(previewName(a.pr), a);
      return out;
    },
    async forget(repository, pr) {
      await redis.hdel(key, field(repository, pr));
    },
  };
}
