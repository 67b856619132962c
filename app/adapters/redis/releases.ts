import type { Redis } from "ioredis";
import { berthKeys } from "../../queue/keys.js";
import type { Release } from "../../core/release.js";
import type { ReleaseStore, WaitingDeploy } from "../../ports/releases.js";

const WAITING_TTL_SECONDS = 14 * 24 * 3600;

export function createReleaseStore(redis: Redis, prefix: string): ReleaseStore {
  const { releases: historyKey, waiting: waitingKey } = berthKeys(prefix);
  return {
    async history(repository, environment) {
      return (await redis.lrange(historyKey(repository, environment), 0, -1)).map((raw) => JSON.parse(raw) as Release);
    },
    async record(repository, environment, release, keep) {
      const key = historyKey(repository, environment);
      await redis
        .multi()
        .lpush(key, JSON.stringify(release))
        .ltrim(key, 0, keep - 1)
        .exec();
    },
    async withdraw(repository, environment, releaseId) {
      const key = historyKey(repository, environment);
      for (const raw of await redis.lrange(key, 0, -1))
        if ((JSON.parse(raw) as Release).id === releaseId) await redis.lrem(key, 1, raw);
    },
    async waiting(repository, environment) {
      const raw = await redis.get(waitingKey(repository, environment));
      return raw ? (JSON.parse(raw) as WaitingDeploy) : undefined;
    },
    async setWaiting(repository, environment, waiting) {
      await redis.set(waitingKey(repository, environment), JSON.stringify(waiting), "EX", WAITING_TTL_SECONDS);
    },
    async clearWaiting(repository, environment, jobId) {
      const key = waitingKey(repository, environment);
      if (jobId === undefined) {
        await redis.del(key);
        return;
      }
      const current = await redis.get(key);
      if (current && (JSON.parse(current) as WaitingDeploy).jobId === jobId) await redis.del(key);
    },
  };
}
