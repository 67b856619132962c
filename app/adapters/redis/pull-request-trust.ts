import type { Redis } from "ioredis";
import { berthKeys } from "../../queue/keys.js";
import type { PullRequestTrust } from "../../ports/pull-request-trust.js";

// Same lifetime as approvals: a PR idle for a month gets a fresh pull_request event before it deploys again.
const TTL_SECONDS = 30 * 24 * 3600;

export function createPullRequestTrust(redis: Redis, prefix: string): PullRequestTrust {
  const key = berthKeys(prefix).untrusted;
  return {
    async remember(repository, pr, trusted) {
      if (trusted) await redis.del(key(repository, pr));
      else await redis.set(key(repository, pr), "1", "EX", TTL_SECONDS);
    },
    async isUntrusted(repository, pr) {
      return (await redis.exists(key(repository, pr))) === 1;
    },
    async forget(repository, pr) {
      await redis.del(key(repository, pr));
    },
  };
}
