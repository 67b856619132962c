// Per environment, the newest job anyone asked for. A job that finds a newer one recorded is superseded: the
// newest SHA wins and a queued older one is dropped without touching the Swarm.
import type { Redis } from "ioredis";
import { berthKeys } from "./keys.js";

const TTL_SECONDS = 7 * 24 * 3600;

// Only move forward: two webhooks racing cannot make the older one "latest".
const RECORD_IF_NEWER = `
local cur = redis.call('HGET', KEYS[1], 'receivedAt')
if (not cur) or tonumber(ARGV[2]) >= tonumber(cur) then
  redis.call('HSET', KEYS[1], 'jobId', ARGV[1], 'receivedAt', ARGV[2])
  redis.call('EXPIRE', KEYS[1], ARGV[3])
  return 1
end
return 0`;

export async function recordLatest(
  redis: Redis,
  prefix: string,
  envKey: string,
  jobId: string,
  receivedAt: number,
): Promise<boolean> {
  return (
    (await redis.eval(
      RECORD_IF_NEWER,
      1,
      berthKeys(prefix).latest(envKey),
      jobId,
      String(receivedAt),
      String(TTL_SECONDS),
    )) === 1
  );
}

export async function latestJob(
  redis: Redis,
  prefix: string,
  envKey: string,
): Promise<{ jobId: string; receivedAt: number } | undefined> {
  const raw = await redis.hgetall(berthKeys(prefix).latest(envKey));
  return raw.jobId ? { jobId: raw.jobId, receivedAt: Number(raw.receivedAt) } : undefined;
}
