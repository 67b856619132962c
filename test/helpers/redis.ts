import { randomBytes } from "node:crypto";
import { createRedis } from "../../app/adapters/redis/connection.js";
import { deletePrefix } from "../../scripts/lib/redis-prefix.js";

const REDIS_URL = () => process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** A real Redis connection and a prefix no other test uses; `cleanup` deletes only that prefix's keys. */
export function testRedis() {
  const redis = createRedis(REDIS_URL());
  const prefix = `bt-${randomBytes(4).toString("hex")}`;
  return {
    redis,
    prefix,
    async cleanup() {
      await deletePrefix(REDIS_URL(), prefix);
      redis.disconnect();
    },
  };
}
