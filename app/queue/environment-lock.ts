// One job per environment at a time, across every worker process: a Redis lock with holder details. A crashed
// worker's lock expires after its ttl; a live one renews it while the job runs.
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Redis } from "ioredis";
import { berthKeys } from "./keys.js";

export interface LockHolder {
  jobId: string;
  sha: string;
  kind: string;
  since: number;
  host: string;
  pid: number;
}

const RENEW = `if redis.call('GET', KEYS[1]) and string.find(redis.call('GET', KEYS[1]), ARGV[1], 1, true) == 1 then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) and string.find(redis.call('GET', KEYS[1]), ARGV[1], 1, true) == 1 then
  return redis.call('DEL', KEYS[1]) end return 0`;

export function createEnvironmentLock(redis: Redis, prefix: string) {
  const key = berthKeys(prefix).lock;
  return {
    /** Returns a token, or null when someone else holds the environment. The value is "<token> <holder json>". */
    async acquire(
      envKey: string,
      holder: Omit<LockHolder, "since" | "host" | "pid">,
      ttlMs: number,
    ): Promise<string | null> {
      const token = randomBytes(12).toString("hex");
      const value = `${token} ${JSON.stringify({ ...holder, since: Date.now(), host: hostname(), pid: process.pid })}`;
      return (await redis.set(key(envKey), value, "PX", ttlMs, "NX")) === "OK" ? token : null;
    },
    async renew(envKey: string, token: string, ttlMs: number): Promise<boolean> {
      return (await redis.eval(RENEW, 1, key(envKey), `${token} `, String(ttlMs))) === 1;
    },
    async release(envKey: string, token: string): Promise<boolean> {
      return (await redis.eval(RELEASE, 1, key(envKey), `${token} `)) === 1;
    },
    async inspect(envKey: string): Promise<LockHolder | null> {
      const value = await redis.get(key(envKey));
      return value ? (JSON.parse(value.slice(value.indexOf(" ") + 1)) as LockHolder) : null;
    },
  };
}
