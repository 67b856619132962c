// Live environments as the status page shows them: one hash, a field per <repository>#<environment>. One job per
// environment runs at a time (the environment lock), so read-modify-write of a field does not race.
import type { Redis } from "ioredis";
import type { EnvironmentState, EnvironmentStateStore } from "../../ports/environment-states.js";
import { berthKeys } from "../../queue/keys.js";

export function createEnvironmentStateStore(redis: Redis, prefix: string): EnvironmentStateStore {
  const key = berthKeys(prefix).environments();
  const field = (repository: string, environment: string) => `${repository.toLowerCase()}#${environment}`;
  const get = async (repository: string, environment: string) => {
    const raw = await redis.hget(key, field(repository, environment));
    return raw ? (JSON.parse(raw) as EnvironmentState) : undefined;
  };
  return {
    get,
    async put(state) {
      await redis.hset(key, field(state.repository, state.environment), JSON.stringify(state));
    },
    async noteTrigger(repository, environment, lastDeploy) {
      const state = await get(repository, environment);
      if (!state) return;
      await redis.hset(key, field(repository, environment), JSON.stringify({ ...state, lastDeploy }));
    },
    async remove(repository, environment) {
      await redis.hdel(key, field(repository, environment));
    },
    async all() {
      return Object.values(await redis.hgetall(key)).map((raw) => JSON.parse(raw) as EnvironmentState);
    },
  };
}
