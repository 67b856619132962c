import { randomBytes } from "node:crypto";
import { createRedis } from "../../app/adapters/redis/connection.js";

/** A real Redis connection and a prefix no other test uses; `cleanup` deletes only that prefix's keys. */
export function testRedis() {
  const redis = createRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  const prefix = `bt-${randomBytes(4).toString("hex")}`;
  return {
    redis,
    prefix,
    async cleanup() {
      let cursor = "0";
      do {
        const [next, found] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
        cursor = next;
        if (found.length > 0) await redis.del(...found);
      } while (cursor !== "0");
      redis.disconnect();
    },
  };
}
