import { Redis } from "ioredis";

/** BullMQ workers block on Redis; ioredis must not give up on commands (maxRetriesPerRequest: null). */
export function createRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
}

export async function checkRedis(
  redis: Redis,
  timeoutMs = 1000,
): Promise<{ ok: boolean; latencyMs?: number; error?: string }> {
  const started = performance.now();
  try {
    const reply = await Promise.race([
      redis.ping(),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs),
      ),
    ]);
    return reply === "PONG"
      ? { ok: true, latencyMs: Math.round(performance.now() - started) }
      : { ok: false, error: String(reply) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}
