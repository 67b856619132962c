import type { Redis } from "ioredis";
import { berthKeys } from "../../queue/keys.js";
import type { ReplicaStore } from "../../ports/replica-store.js";
import type { StoredReplicas } from "../../core/commands/limits.js";

// A preview left open for months keeps its count; a closed PR's key is removed by teardown, this only bounds leaks.
const TTL_SECONDS = 90 * 24 * 3600;

export function createReplicaStore(redis: Redis, prefix: string): ReplicaStore {
  const key = berthKeys(prefix).replicas;
  return {
    async get(repository, pr) {
      const raw = await redis.hgetall(key(repository, pr));
      return Object.fromEntries(Object.entries(raw).map(([service, v]) => [service, JSON.parse(v) as StoredReplicas]));
    },
    async set(repository, pr, service, value) {
      if (value === undefined) await redis.hdel(key(repository, pr), service);
      else
        await redis
          .multi()
          .hset(key(repository, pr), service, JSON.stringify(value))
          .expire(key(repository, pr), TTL_SECONDS)
          .exec();
    },
    async forget(repository, pr) {
      await redis.del(key(repository, pr));
    },
  };
}
