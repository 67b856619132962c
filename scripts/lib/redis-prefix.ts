import { Redis } from "ioredis";

/** Deletes every key under `<prefix>:` — what one Berth process created — and nothing else. */
export async function deletePrefix(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  let deleted = 0;
  let cursor = "0";
  try {
    do {
      const [next, found] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
      cursor = next;
      if (found.length > 0) deleted += await redis.del(...found);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
  return deleted;
}
