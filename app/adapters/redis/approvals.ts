import type { Redis } from "ioredis";
import { berthKeys } from "../../queue/keys.js";
import type { Approval, ApprovalStore } from "../../ports/approvals.js";

// An approval outlives any reasonable review; a PR left for a month needs a fresh look anyway.
const TTL_SECONDS = 30 * 24 * 3600;

export function createApprovalStore(redis: Redis, prefix: string): ApprovalStore {
  const key = berthKeys(prefix).approvals;
  return {
    async approve(repository, pr, sha, by) {
      const value = JSON.stringify({ sha, by, at: Date.now() } satisfies Approval);
      await redis.multi().hset(key(repository, pr), sha, value).expire(key(repository, pr), TTL_SECONDS).exec();
    },
    async approvalOf(repository, pr, sha) {
      const raw = await redis.hget(key(repository, pr), sha);
      return raw ? (JSON.parse(raw) as Approval) : undefined;
    },
    async forget(repository, pr) {
      await redis.del(key(repository, pr));
    },
  };
}
