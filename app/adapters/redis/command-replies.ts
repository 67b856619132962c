import type { Redis } from "ioredis";
import type { CommandReplyStore } from "../../ports/command-replies.js";
import { berthKeys } from "../../queue/keys.js";

// Retries and stalled jobs happen within minutes to hours; a week bounds the keys without a cleanup job.
const TTL_SECONDS = 7 * 24 * 3600;

export function createCommandReplyStore(redis: Redis, prefix: string): CommandReplyStore {
  const key = berthKeys(prefix).commandReply;
  return {
    async replyTo(repository, commentId) {
      const raw = await redis.get(key(repository, commentId));
      return raw === null ? undefined : Number(raw);
    },
    async remember(repository, commentId, replyId) {
      await redis.set(key(repository, commentId), String(replyId), "EX", TTL_SECONDS);
    },
  };
}
