// Commands that read Berth's Redis (history, rollback, destroy's lock) open one connection and always close it.
import type { Redis } from "ioredis";
import { createRedis } from "../../adapters/redis/connection.js";

export async function withRedis<T>(
  env: Record<string, string | undefined>,
  fn: (redis: Redis, prefix: string) => Promise<T>,
): Promise<T> {
  const redis = createRedis(env.REDIS_URL ?? "redis://127.0.0.1:6379");
  try {
    return await fn(redis, env.BERTH_QUEUE_PREFIX ?? "berth");
  } finally {
    redis.disconnect();
  }
}

export const BRANCH_ENVIRONMENTS = ["staging", "production"] as const;
export type BranchEnvironmentName = (typeof BRANCH_ENVIRONMENTS)[number];
export function isBranchEnvironment(name: string | undefined): name is BranchEnvironmentName {
  return name === "staging" || name === "production";
}
