// GitHub writes not yet sent (final states and comments), kept in Redis per owning process so that a crash or a
// restart does not lose them. Each process holds a lease; writes of a process whose lease expired (or that closed)
// are moved, in one Lua step, to a live process — so each is taken over by exactly one.
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { PendingWriteStore, ScheduledWrite } from "../github/write-scheduler-types.js";
import { berthKeys } from "../../queue/keys.js";

// KEYS[1] owners set, KEYS[2] my pending hash; ARGV[1] me, ARGV[2] key prefix for pending hashes, ARGV[3] for leases.
const TAKE_OVER = `
local moved = {}
for _, owner in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if owner ~= ARGV[1] and redis.call('EXISTS', ARGV[3] .. owner) == 0 then
    local theirs = ARGV[2] .. owner
    local fields = redis.call('HGETALL', theirs)
    for i = 1, #fields, 2 do
      redis.call('HSET', KEYS[2], fields[i], fields[i + 1])
      table.insert(moved, fields[i + 1])
    end
    redis.call('DEL', theirs)
    redis.call('SREM', KEYS[1], owner)
  end
end
return moved
`;

export function createPendingWriteStore<P>(
  redis: Redis,
  prefix: string,
  opts: { leaseMs?: number; owner?: string } = {},
): PendingWriteStore<P> & { owner: string } {
  const owner = opts.owner ?? `${process.pid}-${randomBytes(4).toString("hex")}`;
  const leaseMs = opts.leaseMs ?? 30_000;
  const mine = berthKeys(prefix).pendingWrites(owner);
  let registered = false;
  const register = async () => {
    await redis
      .multi()
      .set(berthKeys(prefix).writeLease(owner), "1", "PX", leaseMs)
      .sadd(berthKeys(prefix).writeOwners(), owner)
      .exec();
    registered = true;
  };
  return {
    owner,
    async save(w) {
      if (!registered) await register();
      await redis.hset(mine, w.id, JSON.stringify(w));
    },
    async remove(w) {
      await redis.hdel(mine, w.id);
    },
    async recover() {
      if (!registered) await register();
      const moved = (await redis.eval(
        TAKE_OVER,
        2,
        berthKeys(prefix).writeOwners(),
        mine,
        owner,
        berthKeys(prefix).pendingWrites(""),
        berthKeys(prefix).writeLease(""),
      )) as string[];
      return moved.map((raw) => JSON.parse(raw) as ScheduledWrite<P>);
    },
    async heartbeat() {
      await register();
    },
    async close() {
      // A clean stop hands what is left to the next process at once instead of after the lease runs out.
      await redis.del(berthKeys(prefix).writeLease(owner));
    },
  };
}
